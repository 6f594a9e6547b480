// Back after "Leave quickly" must not bring the diary back. Two races could:
// - the beacon that ends the session (quick-exit.js) may still be on its way when Back asks
//   the server for a page again, which then renders it for a session that is still alive;
// - the browser may restore a page of the diary from its back/forward cache, as it was.
// quick-exit.js notes in this tab's sessionStorage which session was left, by a mark the
// server derives from the session (never the session itself). A page of that session hides
// before it is drawn, ends the session again, and then asks for the password. Signing in again
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
    // Waits for the server to end the session before going on (the page is hidden, so
    // waiting shows nothing): the sign-in page sends anyone still signed in to the home
    // page, a page of this same session, and a beacon lost as it left would start the
    // round again. Three seconds at most, then on whatever happened.
    var lockForm = document.querySelector("[data-lock-form]");
    var go = function () { window.location.replace(login); };
    if (!lockForm || !window.fetch) {
      go();
      return;
    }
    window.setTimeout(go, 3000);
    window.fetch(lockForm.action, {
      method: "POST",
      body: new FormData(lockForm),
      credentials: "same-origin",
      redirect: "manual",
      keepalive: true,
    }).then(go, go);
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
