// Installs the service worker (templates/sw.js): the app then opens and reads without a
// connection. Without it, or without JavaScript, every page still comes from the server.
(function () {
  "use strict";
  if ("serviceWorker" in navigator && window.isSecureContext) {
    // The worker keeps the pages in the language this page is in: choosing another language
    // names another script, which the browser then installs in its place.
    var language = encodeURIComponent(document.documentElement.lang || "en");
    navigator.serviceWorker.register("/sw.js?language=" + language, { scope: "/" }).catch(function () {
      // Private windows of some browsers refuse: the site works as before.
    });
  }
})();
