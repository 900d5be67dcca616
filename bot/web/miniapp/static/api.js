// The JSON API under /app/api/: one session per initData, the bearer token kept in sessionStorage (never a cookie).

const KEPT = "kuzet.miniapp.session";

/** The server refused the session (``code``: invalid, expired, replayed, not_moderator) or it ended (``ended``). */
export class Refused extends Error {
  constructor(code, answer = {}) {
    super(code);
    this.code = code;
    this.answer = answer;
  }
}

/** An action or page the server answered with an error code (400/403/404/409). */
export class Failed extends Error {
  constructor(status, code) {
    super(code || String(status));
    this.status = status;
    this.code = code || "unknown";
  }
}

let session = null;

/** The hash field of an initData string: which Telegram launch a kept session belongs to. */
function launchOf(initData) {
  return new URLSearchParams(initData).get("hash") || "";
}

/** The session of this launch: kept from before a reload, or made from ``initData``. */
export async function open(initData) {
  if (!initData) throw new Refused("no_telegram");
  const launch = launchOf(initData);
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
    if (kept && kept.launch === launch && kept.until > Date.now()) {
      session = kept;
      return session;
    }
  } catch {
    sessionStorage.removeItem(KEPT);
  }
  const response = await fetch("api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ init_data: initData }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Refused(answer.error || "invalid", answer);
  session = { ...answer, launch, until: Date.now() + answer.expires_in * 1000 };
  sessionStorage.setItem(KEPT, JSON.stringify(session));
  return session;
}

function forget() {
  session = null;
  sessionStorage.removeItem(KEPT);
}

async function call(method, path, body) {
  if (session === null) throw new Refused("ended");
  const headers = { Authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`api/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) {
    forget();
    throw new Refused("ended");
  }
  if (response.status === 403 && answer.error === "not_moderator") {
    forget();
    throw new Refused("not_moderator");
  }
  if (!response.ok) throw new Failed(response.status, answer.error);
  return answer;
}

export function queue(filters) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  return call("GET", `queue?${query}`);
}

export function getCase(id) {
  return call("GET", `cases/${id}`);
}

export function act(id, action, body = {}) {
  return call("POST", `cases/${id}/${action}`, body);
}
