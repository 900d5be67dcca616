// A stand-in for https://telegram.org/js/telegram-web-app.js in the browser tests (tests/test_miniapp_browser.py
// routes that address here). The test puts its launch in window.KUZET_TEST_TELEGRAM before this file: the
// initData it signed with the sandbox bot's token, the theme and the colour scheme. Like Telegram's script, it
// sets the --tg-theme-* variables; it records what the app asked of Telegram in WebApp.calls.
(function () {
  "use strict";
  const launch = window.KUZET_TEST_TELEGRAM || {};
  const calls = [];
  const handlers = {};
  const theme = launch.themeParams || {};
  const root = document.documentElement;
  for (const [key, value] of Object.entries(theme)) root.style.setProperty(`--tg-theme-${key.replaceAll("_", "-")}`, value);
  root.style.setProperty("--tg-color-scheme", launch.colorScheme || "light");

  function button(name) {
    const clicks = [];
    return {
      isVisible: false,
      onClick(handler) { clicks.push(handler); calls.push(`${name}.onClick`); return this; },
      offClick(handler) { const at = clicks.indexOf(handler); if (at >= 0) clicks.splice(at, 1); return this; },
      show() { this.isVisible = true; calls.push(`${name}.show`); return this; },
      hide() { this.isVisible = false; calls.push(`${name}.hide`); return this; },
      press() { for (const handler of clicks.slice()) handler(); },
    };
  }

  const [major, minor] = (launch.version || "7.0").split(".").map(Number);
  window.Telegram = {
    WebApp: {
      initData: launch.initData || "",
      initDataUnsafe: {},
      version: launch.version || "7.0",
      platform: "tdesktop",
      colorScheme: launch.colorScheme || "light",
      themeParams: theme,
      isExpanded: false,
      calls,
      BackButton: button("BackButton"),
      HapticFeedback: {
        impactOccurred(style) { calls.push(`haptic.impact.${style}`); },
        notificationOccurred(kind) { calls.push(`haptic.notification.${kind}`); },
        selectionChanged() { calls.push("haptic.selection"); },
      },
      isVersionAtLeast(version) {
        const [wantMajor, wantMinor] = version.split(".").map(Number);
        return major > wantMajor || (major === wantMajor && minor >= (wantMinor || 0));
      },
      ready() { calls.push("ready"); },
      expand() { this.isExpanded = true; calls.push("expand"); },
      close() { calls.push("close"); },
      showConfirm(message, callback) { calls.push(`showConfirm:${message}`); setTimeout(() => callback(true), 0); },
      onEvent(event, handler) { (handlers[event] ||= []).push(handler); },
      offEvent(event, handler) { handlers[event] = (handlers[event] || []).filter((h) => h !== handler); },
      emit(event) { for (const handler of handlers[event] || []) handler.call(window.Telegram.WebApp); },
    },
  };
})();
