// Installs the service worker (templates/sw.js): the app then opens and reads without a
// connection. Without it, or without JavaScript, every page still comes from the server.
(function () {
  "use strict";
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      // Private windows of some browsers refuse: the site works as before.
    });
  }
})();
