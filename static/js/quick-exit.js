// "Leave quickly" (the GOV.UK "Exit this page" pattern). Without JavaScript the button is a
// plain link to a neutral site. With it, one tap (or Esc three times) also ends the session
// and replaces this page in the history, so Back does not bring this page back
// (left-quickly.js keeps the diary's earlier pages in the history from coming back).
//
// Leaving quickly, and posting a form that ends the session (locking, logging out: the
// addresses in <body data-session-ends>), also empty the service worker's page caches.
// Nothing personal is ever in them (templates/sw.js fetches without cookies): this makes
// sure. The install-time cache stays, so the app still opens offline.
(function () {
  "use strict";

  function forgetPages() {
    // Fire and forget: nothing here waits, so leaving is never slowed down. The worker
    // finishes the job even once this page is gone.
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) {
      worker.postMessage("forget-pages");
    }
    try {
      window.caches.keys().then(function (names) {
        names.forEach(function (name) {
          if (/^harbour-.+-pages$/.test(name)) {
            window.caches.delete(name);
          }
        });
      }).catch(function () {});
    } catch (error) {
      // No Cache API here (an insecure context): nothing was kept.
    }
  }

  var sessionEnds = (document.body.getAttribute("data-session-ends") || "").split(" ");
  document.addEventListener("submit", function (event) {
    var action = new URL(event.target.getAttribute("action") || "", window.location.href);
    if (sessionEnds.indexOf(action.pathname) !== -1) {
      forgetPages();
    }
  });

  var link = document.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  var lockForm = document.querySelector("[data-lock-form]");
  var escapes = [];

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    forgetPages();
    var mark = document.documentElement.getAttribute("data-session-mark");
    if (mark) {
      try {
        // left-quickly.js: a page of this session that comes back hides and ends it again.
        window.sessionStorage.setItem("left-quickly", mark);
      } catch (error) {
        // No sessionStorage (some private windows): the beacon alone ends the session.
      }
    }
    if (lockForm && navigator.sendBeacon) {
      navigator.sendBeacon(lockForm.action, new FormData(lockForm));
    }
    document.title = "";
    document.body.hidden = true;
    window.location.replace(link.href);
  }

  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var now = Date.now();
    escapes = escapes.filter(function (time) { return now - time < 2000; });
    escapes.push(now);
    if (escapes.length >= 3) {
      leave();
    }
  });
})();
