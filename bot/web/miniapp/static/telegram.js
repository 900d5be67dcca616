// Telegram's side of the Mini App (window.Telegram.WebApp), each call guarded: older clients lack some of it.

export const webApp = window.Telegram?.WebApp ?? null;

function supports(version) {
  return webApp !== null && typeof webApp.isVersionAtLeast === "function" ? webApp.isVersionAtLeast(version) : false;
}

/** Telegram's theme colours as --tg-theme-* variables (its script sets them too; the fake in the tests does not
 * have to), and the colour scheme for our fallbacks. */
export function applyTheme() {
  const root = document.documentElement;
  const params = webApp?.themeParams ?? {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value)) {
      root.style.setProperty(`--tg-theme-${key.replaceAll("_", "-")}`, value);
    }
  }
  const dark = webApp?.colorScheme ?? (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  root.dataset.scheme = dark === "dark" ? "dark" : "light";
}

export function start() {
  applyTheme();
  if (webApp === null) return;
  webApp.onEvent?.("themeChanged", applyTheme);
  webApp.ready?.();
  webApp.expand?.();
}

export function initData() {
  return webApp?.initData ?? "";
}

/** Telegram's back button while ``handler`` is set; hidden with null. */
let backHandler = null;
export function backButton(handler) {
  const button = webApp?.BackButton;
  if (!button || !supports("6.1")) return;
  if (backHandler !== null) button.offClick(backHandler);
  backHandler = handler;
  if (handler === null) button.hide();
  else {
    button.onClick(handler);
    button.show();
  }
}

export function haptic(kind) {
  const feedback = webApp?.HapticFeedback;
  if (!feedback || !supports("6.1")) return;
  if (kind === "error" || kind === "success" || kind === "warning") feedback.notificationOccurred(kind);
  else feedback.impactOccurred("light");
}

/** Telegram's confirm popup if there is one, else the browser's. */
export function confirm(message) {
  if (webApp?.showConfirm && supports("6.2")) {
    return new Promise((resolve) => webApp.showConfirm(message, (ok) => resolve(Boolean(ok))));
  }
  return Promise.resolve(window.confirm(message));
}

export function close() {
  webApp?.close?.();
}
