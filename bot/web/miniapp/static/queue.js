// The queue: filters with their counts, sort, search, the list of cases, and "load more".

import * as api from "./api.js";
import { h, languageName, number, personName, platformName, replace, t, timeElement, tx, userText } from "./dom.js";

const FACETS = ["state", "flag", "language", "platform", "template", "age"];
const SORTS = ["reported", "newest", "oldest"];
const DEFAULT_STATE = "open";

/** What the queue shows: filters, the cases loaded so far, where the next page starts, and the selected row. */
export const queueState = {
  filters: { state: DEFAULT_STATE, sort: SORTS[0] },
  cases: [],
  counts: {},
  templates: {},
  total: 0,
  next: null,
  selected: -1,
};

function facetLabel(facet, value, templates) {
  if (facet === "language") return languageName(value);
  if (facet === "platform") return platformName(value);
  if (facet === "template") return templates[value] ? `#${value} ${templates[value]}` : `#${value}`;
  return t(`${facet}.${value}`);
}

/** The labels of the templates the counts and rows mention, for the template filter's options. */
function templateLabels() {
  const labels = { ...queueState.templates };
  for (const row of queueState.cases) if (row.template) labels[row.template.id] ??= row.template.label;
  return labels;
}

function facetSelect(facet, onChange) {
  const counts = queueState.counts[facet] || {};
  const chosen = queueState.filters[facet] || "";
  const templates = templateLabels();
  const values = Object.keys(counts);
  if (chosen && !values.includes(chosen)) values.push(chosen);
  const options = [h("option", { value: "" }, t("filter.any"))];
  for (const value of values) {
    const label = `${facetLabel(facet, value, templates)} (${number(counts[value] ?? 0)})`;
    options.push(h("option", { value, selected: value === chosen }, label));
  }
  const select = h("select", { name: facet, onchange: (event) => onChange(facet, event.target.value) }, options);
  return h("label", { class: "facet" }, h("span", {}, t(`facet.${facet}`)), select);
}

function sortSelect(onChange) {
  const options = SORTS.map((sort) =>
    h("option", { value: sort, selected: sort === queueState.filters.sort }, t(`sort.${sort}`))
  );
  const select = h("select", { name: "sort", onchange: (event) => onChange("sort", event.target.value) }, options);
  return h("label", { class: "facet" }, h("span", {}, t("facet.sort")), select);
}

function badge(code, kind = "") {
  return h("span", { class: `badge ${kind}`.trim() }, t(code));
}

function caseRow(row, index, openCase) {
  const flags = row.flags.map((flag) => badge(`flag.${flag}`, `flag-${flag}`));
  if (row.suggestion && !row.flags.includes("suggestion")) flags.push(badge("flag.suggestion", "flag-suggestion"));
  const facts = [
    languageName(row.language),
    row.platform ? platformName(row.platform) : null,
    t("row.reports", { count: number(row.reports) }),
    row.accounts ? t("row.accounts", { count: number(row.accounts) }) : null,
    t("row.votes", { count: number(row.votes), needed: number(row.votes_needed) }),
  ].filter(Boolean);
  const button = h(
    "button",
    {
      type: "button",
      class: "case-row",
      dataset: { id: row.id },
      "aria-current": index === queueState.selected ? "true" : null,
      onclick: () => openCase(row.id),
    },
    h(
      "span",
      { class: "row-head" },
      h("strong", {}, t("case.number", { number: row.id })),
      h("span", { class: "kind" }, t(`kind.${row.kind}`)),
      row.state !== DEFAULT_STATE ? badge(`state.${row.state}`, "state") : null,
      flags,
      h("span", { class: "age" }, timeElement(row.last_report_at))
    ),
    userText(row.excerpt, "span"),
    h("span", { class: "facts" }, facts.join(" · ")),
    row.template ? h("span", { class: "facts" }, t("row.template", { number: row.template.id }), " ", userText(row.template.label)) : null,
    row.claimed_by ? h("span", { class: "facts" }, tx("row.claimed_by", { name: personName(row.claimed_by) })) : null
  );
  return h("li", {}, button);
}

/** Draws the queue screen into ``root``, loaded anew (cases change while a moderator reads one); ``openCase(id)``
 * opens a case. Coming back from a case (``fresh`` false) keeps the filters and the selected row. */
export async function showQueue(root, openCase, { fresh = true } = {}) {
  const list = h("ol", { class: "cases" });
  const footer = h("div", { class: "list-foot" });
  const filters = h("div", { class: "filters", role: "group", "aria-label": t("facet.filters") });
  const summary = h("p", { class: "summary" });
  const search = h("input", {
    type: "search",
    name: "q",
    id: "search",
    value: queueState.filters.q || "",
    placeholder: t("search.placeholder"),
    "aria-label": t("search.label"),
    autocomplete: "off",
    dir: "auto",
  });
  const form = h("form", { class: "search", role: "search" }, search, h("button", { type: "submit" }, t("search.button")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    queueState.filters.q = search.value.trim();
    reload();
  });
  const screen = h("section", { class: "queue", "aria-busy": "true" }, form, filters, summary, list, footer);
  replace(root, screen);

  function change(facet, value) {
    queueState.filters[facet] = value;
    reload();
  }

  function drawFilters() {
    replace(filters, FACETS.map((facet) => facetSelect(facet, change)), sortSelect(change));
  }

  function drawList() {
    replace(list, queueState.cases.map((row, index) => caseRow(row, index, openCase)));
    summary.textContent = t("queue.total", { count: number(queueState.total) });
    if (queueState.cases.length === 0) replace(footer, h("p", { class: "status empty" }, t("queue.empty")));
    else if (queueState.next) replace(footer, h("button", { type: "button", class: "more", onclick: more }, t("queue.more")));
    else replace(footer);
  }

  async function load(cursor) {
    replace(footer, h("p", { class: "status loading" }, t("status.loading")));
    screen.setAttribute("aria-busy", "true");
    const page = await api.queue({ ...queueState.filters, cursor });
    screen.setAttribute("aria-busy", "false");
    queueState.cases = cursor ? queueState.cases.concat(page.cases) : page.cases;
    queueState.counts = page.counts;
    queueState.templates = page.templates || {};
    queueState.total = page.total;
    queueState.next = page.next;
  }

  async function reload({ keep = false } = {}) {
    if (!keep) queueState.selected = -1;
    await load(null);
    drawFilters();
    drawList();
  }

  async function more() {
    await load(queueState.next);
    drawList();
  }

  await reload({ keep: !fresh });
  const selected = list.querySelector("[aria-current=true]");
  selected?.scrollIntoView({ block: "nearest" });
  selected?.focus();
}

/** Moves the selection by ``step`` rows (j/n down, k up). */
export function moveSelection(root, step) {
  const rows = root.querySelectorAll("ol.cases .case-row");
  if (rows.length === 0) return;
  const next = Math.min(rows.length - 1, Math.max(0, queueState.selected + step));
  rows[queueState.selected]?.removeAttribute("aria-current");
  queueState.selected = next;
  rows[next].setAttribute("aria-current", "true");
  rows[next].focus();
  rows[next].scrollIntoView({ block: "nearest" });
}

/** The case ``step`` rows from ``id`` in the loaded queue, for next/previous on a case page; null at an end. */
export function neighbour(id, step) {
  const index = queueState.cases.findIndex((row) => row.id === id);
  const target = queueState.cases[index + step];
  if (index < 0 || !target) return null;
  queueState.selected = index + step;
  return target.id;
}
