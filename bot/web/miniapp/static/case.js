// A case page: its text, reports and how each matched, accounts, flags with evidence, votes, history, and every
// action the server says this moderator may take now (reject with a reason, the template editor with its live
// preview, suggestion answers, reopen for admins).

import * as api from "./api.js";
import {
  duration,
  h,
  has,
  languageName,
  number,
  personName,
  platformName,
  replace,
  t,
  timeElement,
  tx,
  userText,
} from "./dom.js";
import { confirm, haptic } from "./telegram.js";

const REASONS = ["genuine", "mass_reporting", "not_enough", "other"];
/** "Other reason" asks for the moderator's own words, as /reject does. */
const OWN_WORDS = "other";
const PREVIEW_DELAY_MS = 250;

/** What the open case page can be asked to do by the keyboard (see app.js). */
export const casePage = {
  id: null,
  me: null,
  verify: null,
  reject: null,
  reason: null,
  cancel: null,
  rejecting: false,
};

function section(title, ...children) {
  return h("section", { class: "block" }, h("h2", {}, t(title)), children);
}

function flagBlock(flags) {
  if (!flags.length) return null;
  return section(
    "case.flags",
    h(
      "ul",
      { class: "flags" },
      flags.map((flag) =>
        h(
          "li",
          {},
          h("span", { class: `badge flag-${flag.code}` }, t(`flag.${flag.code}`)),
          evidenceList(flag.evidence || {})
        )
      )
    )
  );
}

const TIMES = new Set(["since", "start_at", "end_at"]);

function evidenceValue(key, value) {
  if (TIMES.has(key) && typeof value === "number") return timeElement(value, false);
  if (key === "window" && typeof value === "number") return duration(value);
  if (key === "case" && typeof value === "number") return caseLink(value);
  if (key === "cases" && Array.isArray(value)) return value.flatMap((id, at) => (at ? [", ", caseLink(id)] : [caseLink(id)]));
  if (typeof value === "number") return number(value);
  return userText(Array.isArray(value) ? value.join(", ") : String(value ?? ""));
}

function caseLink(id) {
  return h("a", { href: `#case-${id}` }, t("case.number", { number: id }));
}

function evidenceList(evidence) {
  const entries = Object.entries(evidence).filter(([, value]) => value !== null && value !== undefined);
  if (!entries.length) return null;
  return h(
    "dl",
    { class: "evidence" },
    entries.map(([key, value]) => [
      h("dt", {}, has(`evidence.${key}`) ? t(`evidence.${key}`) : key),
      h("dd", {}, evidenceValue(key, value)),
    ])
  );
}

function reportList(reports) {
  return section(
    "case.reports",
    h(
      "ol",
      { class: "reports" },
      reports.map((report) =>
        h(
          "li",
          { dataset: { ordinal: report.id } },
          h(
            "span",
            { class: "report-head" },
            h("strong", {}, `#${number(report.id)}`),
            h("span", { class: `badge match-${report.match}` }, t(`match.${report.match}`)),
            report.language ? h("span", {}, languageName(report.language)) : null,
            h("span", { class: "age" }, timeElement(report.at))
          ),
          userText(report.excerpt, "p")
        )
      )
    )
  );
}

function accountName(account) {
  const label = userText(account.label);
  const safe = typeof account.link === "string" && account.link.startsWith("https://");
  return [platformName(account.platform), " ", safe ? h("a", { href: account.link, target: "_blank", rel: "noopener noreferrer" }, label) : label];
}

function accountList(accounts) {
  if (!accounts.length) return null;
  return section(
    "case.accounts",
    h(
      "ul",
      { class: "accounts" },
      accounts.map((account) =>
        h(
          "li",
          {},
          accountName(account),
          account.reports ? h("span", { class: "facts" }, " ", t("row.reports", { count: number(account.reports) })) : null
        )
      )
    )
  );
}

function historyList(history) {
  return section(
    "case.history",
    history.length === 0
      ? h("p", { class: "facts" }, t("history.none"))
      : h(
          "ol",
          { class: "history" },
          history.map((entry) =>
            h(
              "li",
              {},
              timeElement(entry.at, false),
              " ",
              h("span", {}, has(`action.${entry.action}`) ? t(`action.${entry.action}`) : entry.action),
              entry.by ? [" · ", userText(personName(entry.by))] : null,
              entry.reason ? h("span", { class: "facts" }, " · ", reasonText(entry.reason)) : null
            )
          )
        )
  );
}

/** A reject's reason: the moderator's own words if they wrote some, else the reason code's name. */
function reasonText(reason) {
  if (reason.text) return userText(reason.text);
  return has(`reason.${reason.code}`) ? t(`reason.${reason.code}`) : reason.code;
}

function votesBlock(votes) {
  return section(
    "case.votes",
    h(
      "p",
      { class: "votes" },
      t("row.votes", { count: number(votes.count), needed: number(votes.needed) }),
      votes.mine ? h("span", { class: "badge mine" }, t("votes.mine")) : null
    ),
    votes.by?.length ? h("p", { class: "facts" }, votes.by.map((voter, at) => [at ? ", " : "", userText(personName(voter))])) : null
  );
}

/** Draws case ``id`` into ``root`` and runs its actions; ``onBack`` returns to the queue. */
export async function showCase(root, id, { onBack }) {
  replace(root, h("p", { class: "status loading" }, t("status.loading")));
  let data = await api.getCase(id);
  const notice = h("p", { class: "notice", role: "status", hidden: true });

  function tell(code, kind = "done") {
    notice.textContent = t(code);
    notice.className = `notice ${kind}`;
    notice.hidden = false;
  }

  async function run(action, body = {}) {
    try {
      data = await api.act(id, action, body);
      haptic("success");
      draw();
      tell("done");
    } catch (error) {
      if (!(error instanceof api.Failed)) throw error;
      haptic("error");
      if (error.status === 409) {
        data = await api.getCase(id);
        draw();
      }
      tell(["error", "problem"].map((kind) => `${kind}.${error.code}`).find(has) ?? "error.action", "failed");
    }
  }

  async function reject(reason) {
    if (reason === OWN_WORDS && !ownWords.value.trim()) {
      ownWordsForm.hidden = false;
      ownWords.focus();
      return;
    }
    const written = reason === OWN_WORDS ? ownWords.value.trim() : "";
    const sure = await confirm(t("confirm.reject", { number: id, reason: written || t(`reason.${reason}`) }));
    if (sure) await run("reject", written ? { reason, text: written } : { reason });
  }

  const ownWords = h("textarea", { name: "reason", rows: 2, dir: "auto", maxlength: 500, "aria-label": t("reject.own") });
  const ownWordsForm = h(
    "form",
    { class: "own-words", hidden: true },
    h("label", {}, t("reject.own"), ownWords),
    h("button", { type: "submit", class: "action danger" }, t("do.reject"))
  );
  ownWordsForm.addEventListener("submit", (event) => {
    event.preventDefault();
    reject(OWN_WORDS);
  });

  async function reopen() {
    if (await confirm(t("confirm.reopen", { number: id }))) await run("reopen");
  }

  const reasons = h("div", { class: "reasons", hidden: true, role: "group", "aria-label": t("reject.title") });
  function toggleReasons(show = reasons.hidden) {
    reasons.hidden = !show;
    casePage.rejecting = show;
    if (show) reasons.querySelector("button")?.focus();
  }

  function actionBar(actions) {
    const may = (code) => actions.includes(code);
    const button = (code, handler, kind = "") =>
      may(code) ? h("button", { type: "button", class: `action ${kind}`.trim(), dataset: { action: code }, onclick: handler }, t(`do.${code}`)) : null;
    replace(
      reasons,
      h("p", {}, t("reject.title")),
      REASONS.map((reason, index) =>
        h("button", { type: "button", class: "reason", dataset: { reason }, onclick: () => reject(reason) }, h("kbd", {}, number(index + 1)), " ", t(`reason.${reason}`))
      ),
      ownWordsForm,
      h("button", { type: "button", class: "link", onclick: () => toggleReasons(false) }, t("do.cancel"))
    );
    const claimed = data.case.claimed_by != null && personName(data.case.claimed_by) === casePage.me;
    return h(
      "div",
      { class: "actions" },
      button("verify", () => run("verify"), "primary"),
      button("reject", () => toggleReasons(), "danger"),
      button("protect", () => run("protect")),
      button("withdraw", () => run("withdraw")),
      button("undo", () => run("undo")),
      may("claim") ? h("button", { type: "button", class: "action", dataset: { action: "claim" }, onclick: () => run("claim") }, t(claimed ? "do.release" : "do.claim")) : null,
      button("reopen", reopen),
      h("button", { type: "button", class: "action link back", onclick: onBack }, t("do.back"))
    );
  }

  function suggestionBlock(suggestion, actions) {
    if (!suggestion) return null;
    const answer = (same) => run("suggestion", { suggestion_id: suggestion.id, same });
    return section(
      "case.suggestion",
      h("p", {}, tx("suggestion.question", { number: suggestion.case }), " ", suggestion.label ? userText(suggestion.label) : null),
      suggestion.text ? userText(suggestion.text, "blockquote") : null,
      suggestion.resemblance ? h("p", { class: "facts" }, t(`match.${suggestion.resemblance}`)) : null,
      suggestion.answer ? h("p", { class: "facts" }, t(`suggestion.${suggestion.answer}`)) : null,
      actions.includes("suggestion") && !suggestion.answer
        ? h(
            "div",
            { class: "actions" },
            h("button", { type: "button", class: "action primary", dataset: { action: "same" }, onclick: () => answer(true) }, t("do.same")),
            h("button", { type: "button", class: "action", dataset: { action: "different" }, onclick: () => answer(false) }, t("do.different"))
          )
        : null
    );
  }

  // What verifying publishes is this text, the first report as its reporter typed it, until a template's words
  // replace it (as on the card).
  function publishedAsItStands(row) {
    return row.kind === "cluster" && (row.state === "open" || row.state === "claimed") && !row.template;
  }

  function templateEditor(text, reportCount) {
    const area = h("textarea", { name: "template", rows: 4, dir: "auto", "aria-label": t("template.label") });
    area.value = text || "";
    const outcome = h("p", { class: "preview", role: "status" });
    let timer = null;
    let asked = 0;
    async function preview() {
      const mine = ++asked;
      let answer;
      try {
        answer = await api.act(id, "template_preview", { text: area.value });
      } catch (error) {
        if (!(error instanceof api.Failed)) throw error;
        answer = { matches: [], problems: [error.code] };
      }
      if (mine !== asked) return; // a later keystroke's preview is on its way
      const matching = new Set(answer.matches);
      for (const item of root.querySelectorAll("ol.reports > li")) {
        item.classList.toggle("matched", matching.has(Number(item.dataset.ordinal)));
      }
      const lines = [t("template.matches", { count: number(matching.size), total: number(reportCount) })];
      for (const problem of answer.problems) lines.push(has(`problem.${problem}`) ? t(`problem.${problem}`) : t("problem.other"));
      outcome.textContent = lines.join(" · ");
      outcome.classList.toggle("failed", answer.problems.length > 0);
    }
    area.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(preview, PREVIEW_DELAY_MS);
    });
    const save = h("button", { type: "button", class: "action primary", dataset: { action: "template" }, onclick: () => run("template", { text: area.value }) }, t("do.template"));
    queueMicrotask(preview);
    return section("case.template", h("p", { class: "facts" }, t("template.help")), area, outcome, h("div", { class: "actions" }, save));
  }

  function draw() {
    const row = data.case;
    casePage.id = id;
    casePage.verify = data.actions.includes("verify") ? () => run("verify") : null;
    casePage.reject = data.actions.includes("reject") ? () => toggleReasons(true) : null;
    casePage.reason = (index) => (casePage.rejecting && REASONS[index] ? reject(REASONS[index]) : null);
    casePage.cancel = () => toggleReasons(false);
    casePage.rejecting = false;
    const head = h(
      "header",
      { class: "case-head" },
      h("h1", {}, t("case.number", { number: row.id })),
      h(
        "p",
        { class: "facts" },
        [
          t(`kind.${row.kind}`),
          t(`state.${row.state}`),
          ...(row.languages || [row.language]).filter(Boolean).map(languageName),
          ...(row.platforms || [row.platform]).filter(Boolean).map(platformName),
        ].join(" · ")
      ),
      h(
        "p",
        { class: "facts" },
        tx("case.opened", { time: timeElement(row.opened_at, false) }),
        " · ",
        tx("case.last_report", { time: timeElement(row.last_report_at) })
      ),
      row.template ? h("p", { class: "facts" }, t("row.template", { number: row.template.id }), " ", userText(row.template.label || "")) : null,
      row.claimed_by ? h("p", { class: "facts" }, tx("row.claimed_by", { name: personName(row.claimed_by) })) : null
    );
    const main = h(
      "div",
      { class: "case-main" },
      row.text ? section("case.text", userText(row.text, "blockquote"), publishedAsItStands(row) ? h("p", { class: "facts" }, t("case.published")) : null) : null,
      suggestionBlock(data.suggestion, data.actions),
      data.actions.includes("template") ? templateEditor(row.text, data.reports.length) : null,
      reportList(data.reports),
      accountList(data.accounts)
    );
    const side = h("div", { class: "case-side" }, flagBlock(data.flags), votesBlock(data.votes), historyList(data.history));
    replace(
      root,
      h("article", { class: "case", dataset: { id: row.id } }, head, h("div", { class: "toolbar" }, actionBar(data.actions), reasons, notice), main, side)
    );
  }

  draw();
  root.querySelector(".case-head h1")?.focus?.();
}
