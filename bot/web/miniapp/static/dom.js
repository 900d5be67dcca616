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

/** A language's own name in the moderator's language ("ru" → "Russian"); the code if Intl has none. */
export function languageName(code) {
  if (!code) return t("language.unknown");
  try {
    return new Intl.DisplayNames([tag], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

const UNITS = [
  ["year", 31536000],
  ["month", 2592000],
  ["week", 604800],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 hours ago" for Unix seconds. */
export function ago(seconds) {
  const delta = seconds - Date.now() / 1000;
  const format = new Intl.RelativeTimeFormat(tag, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size) return format.format(Math.round(delta / size), unit);
  }
  return format.format(0, "minute");
}

/** A span of seconds in its largest whole unit: "10 minutes", "2 hours". */
export function duration(seconds) {
  const [unit, size] = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]].find(([, s]) => seconds % s === 0);
  return new Intl.NumberFormat(tag, { style: "unit", unit, unitDisplay: "long" }).format(seconds / size);
}

/** A platform's brand (the same in every language) for its code. */
export function platformName(code) {
  return has(`platform.${code}`) ? t(`platform.${code}`) : code || "";
}

/** A date and time for Unix seconds, in the moderator's locale. */
export function when(seconds) {
  return new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" }).format(new Date(seconds * 1000));
}

export function timeElement(seconds, relative = true) {
  const node = h("time", { datetime: new Date(seconds * 1000).toISOString(), title: when(seconds) });
  node.textContent = relative ? ago(seconds) : when(seconds);
  return node;
}
