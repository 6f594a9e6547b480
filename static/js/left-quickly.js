// Back after "Leave quickly" must not bring the diary back. Two races could:
// - the beacon that ends the session (quick-exit.js) may still be on its way when Back asks
//   the server for a page again, which then renders it for a session that is still alive;
// - the browser may restore a page of the diary from its back/forward cache, as it was.
// quick-exit.js notes in this tab's sessionStorage which session was left, by a mark the
// server derives from the session (never the session itself). A page of that session hides
// before it is drawn, ends the session again, and asks for the password. Signing in again
// starts a new session with a new mark, so its pages show as usual.
//
// This script is loaded in <head> without "defer" on purpose: it must run before the body
// is drawn.
(function () {
  "use strict";

  var KEY = "left-quickly";
  var root = document.documentElement;
  var mark = root.getAttribute("data-session-mark");
  var login = document.currentScript.getAttribute("data-login");

  function wasLeft() {
    try {
      return Boolean(mark) && window.sessionStorage.getItem(KEY) === mark;
    } catch (error) {
      return false; // no sessionStorage (some private windows): nothing was noted
    }
  }

  function endAgain() {
    var lockForm = document.querySelector("[data-lock-form]");
    if (lockForm && navigator.sendBeacon) {
      navigator.sendBeacon(lockForm.action, new FormData(lockForm));
    }
    window.location.replace(login);
  }

  function leaveAgain() {
    root.hidden = true;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", endAgain);
    } else {
      endAgain();
    }
  }

  if (wasLeft()) {
    leaveAgain();
  }
  // A page kept in the back/forward cache comes back as it was left: a page of the diary
  // goes in hidden, and any page is asked for again when it comes back.
  window.addEventListener("pagehide", function (event) {
    if (event.persisted && mark) {
      root.hidden = true;
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    if (wasLeft()) {
      leaveAgain();
    } else {
      window.location.reload();
    }
  });
})();
