// Kuzet's moderators' Mini App: opens a session with Telegram's initData, then shows the queue and its cases.
// Routes live in the URL's hash (#case-12), so a reload in the same webview comes back to the same place.

import * as api from "./api.js";
import { casePage, showCase } from "./case.js";
import { h, has, personName, replace, t, useLocale } from "./dom.js";
import { moveSelection, neighbour, showQueue } from "./queue.js";
import * as telegram from "./telegram.js";

const root = document.getElementById("app");
const CASE_ROUTE = /^#case-(\d{1,12})$/;

function routeOf(hash) {
  const found = CASE_ROUTE.exec(hash);
  return found ? { case: Number(found[1]) } : { case: null };
}

function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function openCase(id) {
  go(`#case-${id}`);
}

function back() {
  go("#queue");
}

/** A screen the app cannot go past: refused, session ended, no Telegram. The server words a refusal with the
 * string table it sends along; without one (no answer at all) the screen is a sign and the close button alone. */
function stop(code) {
  const known = ["not_moderator", "expired", "replayed", "invalid", "ended", "no_telegram"];
  const reason = known.includes(code) ? code : "invalid";
  telegram.backButton(null);
  replace(
    root,
    h(
      "section",
      { class: "stopped", dataset: { refused: reason } },
      h("h1", {}, has("refused.title") ? t("refused.title") : "⛔"),
      has(`refused.${reason}`) ? h("p", {}, t(`refused.${reason}`)) : null,
      h("button", { type: "button", onclick: telegram.close }, has("do.close") ? t("do.close") : "✕")
    )
  );
}

function failed(error) {
  if (error instanceof api.Refused) return stop(error.code);
  console.error(error);
  const notFound = error instanceof api.Failed && error.status === 404;
  replace(
    root,
    h(
      "section",
      { class: "stopped failed" },
      h("p", {}, t(notFound ? "error.not_found" : "error.load")),
      h("button", { type: "button", onclick: notFound ? back : render }, t(notFound ? "do.back" : "do.retry"))
    )
  );
}

let drawn = null;
let searchNext = false;

function focusSearch() {
  document.getElementById("search")?.focus();
}

async function render() {
  const route = routeOf(location.hash);
  const previous = drawn;
  drawn = route.case;
  try {
    if (route.case === null) {
      casePage.id = null;
      telegram.backButton(null);
      await showQueue(root, openCase, { fresh: previous === null });
      if (searchNext) focusSearch();
      searchNext = false;
    } else {
      telegram.backButton(back);
      await showCase(root, route.case, { onBack: back });
      window.scrollTo(0, 0);
    }
  } catch (error) {
    failed(error);
  }
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function step(direction) {
  if (casePage.id === null) return moveSelection(root, direction);
  const target = neighbour(casePage.id, direction);
  if (target !== null) openCase(target);
}

/** v verify, r reject (then 1–4), n/j next, k previous, / search, Esc back; never while typing in a field. */
function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "Escape") {
    if (typing(event.target)) event.target.blur();
    else if (casePage.rejecting) casePage.cancel?.();
    else if (casePage.id !== null) back();
    return;
  }
  if (typing(event.target)) return;
  const key = event.key.toLowerCase();
  const handlers = {
    v: () => casePage.id !== null && casePage.verify?.(),
    r: () => casePage.id !== null && casePage.reject?.(),
    n: () => step(1),
    j: () => step(1),
    k: () => step(-1),
    "/": () => {
      if (casePage.id === null) return focusSearch();
      searchNext = true;
      back();
    },
  };
  if (key in handlers) {
    event.preventDefault();
    handlers[key]();
  } else if (/^[1-9]$/.test(key) && casePage.rejecting) {
    event.preventDefault();
    casePage.reason?.(Number(key) - 1);
  }
}

function chrome(session) {
  const help = h("p", { class: "keys", id: "keys" }, t("keys.help"));
  const me = personName(session.me) || t(`role.${session.me?.role}`);
  return [h("header", { class: "bar" }, h("strong", {}, t("app.title")), h("span", { class: "me" }, me)), help];
}

/** The page in the language of an answer that carries a string table (a session's, or a refusal's if the
 * server words it). */
function speak(answer) {
  useLocale(answer.strings, answer.locale);
  document.documentElement.lang = (answer.locale || "en").replace("_", "-");
  document.documentElement.dir = answer.dir === "rtl" ? "rtl" : "ltr";
}

async function boot() {
  telegram.start();
  let session;
  try {
    session = await api.open(telegram.initData());
  } catch (error) {
    const answer = error instanceof api.Refused ? error.answer : {};
    if (answer.strings) speak(answer);
    return failed(error);
  }
  speak(session);
  document.title = t("app.title");
  casePage.me = personName(session.me);
  const [bar, help] = chrome(session);
  document.body.prepend(bar);
  document.body.append(help);
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", render);
  if (!location.hash && session.start) {
    const wanted = /^case-(\d{1,12})$/.exec(session.start);
    if (wanted) history.replaceState(null, "", `#case-${wanted[1]}`);
  }
  await render();
}

boot();
