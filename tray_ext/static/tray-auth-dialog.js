/**
 * openTrayAuthDialog: open Tray's auth-only dialog in a popup and wait for its outcome.
 *
 * Dependency-free ES module shipped with tray-ext (tray_ext/static/, served by the emulator at
 * /static/tray-auth-dialog.js). It gets right what front ends usually get wrong:
 *
 * - Browsers block popups opened after an `await`. Call this synchronously inside the click
 *   handler and pass the URL *or a promise of it* (your backend call): the popup opens at once,
 *   blank, and is sent to the URL when it arrives.
 * - Messages are accepted only from the popup itself and only from the dialog's origin (the
 *   origin of the URL, or `options.origin` for a white-label domain).
 * - Tray's event names differ in case: `tray.authpopup.finish`, `tray.authpopup.close`, but
 *   `tray.authPopup.error` (capital P).
 *
 * Options: `origin` (the dialog's origin, for a white-label domain), `features` (window.open's),
 * `closedPollMs` (how often to check whether the user closed the window, default 400) and
 * `closedGraceMs` (how long a closed window may still deliver its last message, default 500).
 *
 * Resolves with `{authId, authType}`. Rejects with a `TrayAuthDialogError` whose `reason` is
 * "blocked" (the browser refused the popup), "closed" (the user cancelled or closed the window),
 * "error" (the dialog reported an error: a reused or expired code, a service/environment
 * mismatch; `message` says which) or "url" (the URL promise rejected).
 *
 *   button.addEventListener("click", () => {
 *     const url = fetch("/api/tray/dialog-url?service=twilio").then((r) => r.json()).then((j) => j.url);
 *     openTrayAuthDialog(url, { origin: "https://embedded.tray.io" })
 *       .then(({ authId }) => showConnected(authId))
 *       .catch((err) => showProblem(err.reason, err.message));
 *   });
 */

export class TrayAuthDialogError extends Error {
  constructor(reason, message) {
    super(message || reason);
    this.name = "TrayAuthDialogError";
    this.reason = reason;
  }
}

const FINISH = "tray.authpopup.finish";
const CLOSE = "tray.authpopup.close";
const ERROR = "tray.authPopup.error"; // sic: capital P, as Tray sends it

export function openTrayAuthDialog(urlOrPromise, options = {}) {
  const win = options.window || window;
  const features = options.features || "width=500,height=640,scrollbars=yes";
  const popup = win.open("", "_blank", features); // synchronously, inside the user's click
  if (!popup) {
    return Promise.reject(new TrayAuthDialogError("blocked", "the browser blocked the popup"));
  }

  return new Promise((resolve, reject) => {
    let expectedOrigin = options.origin ? new URL(options.origin).origin : null;
    let settled = false;
    let graceTimer = null; // set once the window is seen closed
    const pollMs = options.closedPollMs || 400;

    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      win.removeEventListener("message", onMessage);
      win.clearInterval(closedTimer);
      if (graceTimer !== null) win.clearTimeout(graceTimer);
      fn(value);
    };

    const onMessage = (event) => {
      if (event.source !== popup) return; // another window's message
      if (!expectedOrigin || event.origin !== expectedOrigin) return; // not the dialog's origin
      const data = event.data || {};
      if (data.type === FINISH) {
        finish(resolve, { authId: data.authId, authType: data.authType });
      } else if (data.type === CLOSE) {
        finish(reject, new TrayAuthDialogError("closed", "the dialog was closed"));
      } else if (data.type === ERROR) {
        const detail = typeof data.error === "string" ? data.error : "the dialog reported an error";
        // The popup stays open: it shows the user what went wrong; `error.popup` lets the page close it.
        const error = new TrayAuthDialogError("error", detail);
        error.popup = popup;
        finish(reject, error);
      }
    };

    // The dialog posts "finish" and closes itself at once; the message and our poll are separate
    // tasks, so on a busy machine the window can be seen closed before the message is delivered.
    // A closed window is therefore only a cancellation if no message arrives within a grace period.
    const graceMs = options.closedGraceMs ?? 500;
    const closedTimer = win.setInterval(() => {
      if (popup.closed && graceTimer === null) {
        graceTimer = win.setTimeout(() => {
          finish(reject, new TrayAuthDialogError("closed", "the dialog window was closed"));
        }, graceMs);
      }
    }, pollMs);
    win.addEventListener("message", onMessage);

    Promise.resolve(urlOrPromise).then(
      (url) => {
        if (settled) return;
        const target = new URL(url, win.location.href);
        expectedOrigin = expectedOrigin || target.origin;
        popup.location.href = target.href;
      },
      (err) => {
        try { popup.close(); } catch (_) { /* already closed */ }
        finish(reject, new TrayAuthDialogError("url", (err && err.message) || "no dialog URL"));
      },
    );
  });
}
