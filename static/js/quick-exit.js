// "Leave quickly" (the GOV.UK "Exit this page" pattern). Without JavaScript the button is a
// plain link to a neutral site. With it, one tap (or Esc three times) also ends the session
// and replaces this page in the history, so Back does not bring the diary back.
(function () {
  "use strict";
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
  // A page restored from the back/forward cache would show what was on it: ask again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });
})();
