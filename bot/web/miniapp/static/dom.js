// Building the page: elements with text (never HTML), the session's string table, and Intl formatting.

let strings = {};
let tag = "en";

/** The session's strings and BCP 47 locale tag (zh_Hant → zh-Hant). */
export function useLocale(table, locale) {
  strings = table || {};
  tag = (locale || "en").replace("_", "-");
}

/** The string of ``code`` with its {placeholders} filled in; the code itself if the server sent none. */
export function t(code, params = {}) {
  const text = strings[code] ?? code;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Like ``t``, as nodes: each placeholder's value isolated in its own <bdi> (a node stays as it is), so a date, a
 * name or a Latin handle keeps its own direction inside an Arabic sentence. */
export function tx(code, params = {}) {
  const text = strings[code] ?? code;
  const nodes = [];
  let last = 0;
  for (const found of text.matchAll(/\{(\w+)\}/g)) {
    if (!(found[1] in params)) continue;
    nodes.push(text.slice(last, found.index));
    const value = params[found[1]];
    nodes.push(value instanceof Node ? isolated(value) : userText(String(value)));
    last = found.index + found[0].length;
  }
  nodes.push(text.slice(last));
  return nodes.filter((node) => node !== "");
}

function isolated(node) {
  const wrapper = document.createElement("bdi");
  wrapper.append(node);
  return wrapper;
}

/** Whether the table has ``code`` (optional strings such as an unknown flag's evidence). */
export function has(code) {
  return code in strings;
}

/** An element: ``attrs`` as attributes (``class``, ``dataset``, ``on*`` listeners), children as nodes or text. */
export function h(name, attrs = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Text someone else wrote (a report, a label): isolated, its direction its own. */
export function userText(text, name = "bdi") {
  const node = document.createElement(name);
  node.setAttribute("dir", "auto");
  node.textContent = text ?? "";
  return node;
}

/** A moderator as the API names them: ``{alias: 7}`` → "Moderator 7", ``{name}`` as they chose to show it. */
export function personName(person) {
  if (person === null || person === undefined) return "";
  if (typeof person !== "object") return String(person);
  if (person.alias !== undefined && person.alias !== null) return t("me.alias", { number: person.alias });
  if (person.name) return person.name;
  return person.role ? t(`role.${person.role}`) : "";
}

export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

export function number(value) {
  return new Intl.NumberFormat(tag).format(value);
}

/** A language named in the moderator's language ("ru" → "Russian"): the server's name (Chromium's Intl lacks
 * some of our languages, Kazakh among them), else Intl's, else the code. */
export function languageName(code) {
  if (!code) return t("language.unknown");
  if (has(`language.${code}`)) return t(`language.${code}`);
  try {
    return new Intl.DisplayNames([tag], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

const UNITS = [
  ["days", 86400],
  ["hours", 3600],
  ["minutes", 60],
];

/** "3 h ago" for Unix seconds: short units from the string table, so no language needs plural forms here. */
export function ago(seconds) {
  const passed = Math.max(0, Date.now() / 1000 - seconds);
  for (const [unit, size] of UNITS) {
    if (passed >= size) return t(`ago.${unit}`, { count: number(Math.floor(passed / size)) });
  }
  return t("ago.now");
}

/** A span of seconds in its largest whole unit: "10 min", "2 h". */
export function duration(seconds) {
  const [unit, size] = UNITS.find(([, size]) => seconds % size === 0) ?? ["seconds", 1];
  return t(`span.${unit}`, { count: number(seconds / size) });
}

/** A platform's brand (the same in every language) for its code. */
export function platformName(code) {
  return has(`platform.${code}`) ? t(`platform.${code}`) : code || "";
}

/** A date and time for Unix seconds, all in digits (the one form every locale's Intl data has). */
export function when(seconds) {
  const style = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(tag, style).format(new Date(seconds * 1000));
}

export function timeElement(seconds, relative = true) {
  const node = h("time", { datetime: new Date(seconds * 1000).toISOString(), title: when(seconds) });
  node.textContent = relative ? ago(seconds) : when(seconds);
  return node;
}
