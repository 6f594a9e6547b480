// On every page for a signed-in person: entries kept on this phone without a connection
// (offline-queue.js) are sent as soon as any page loads with one, a knowledge page too. The
// diary's own pages (offline-log.js) do the same and also say what happened; a page that
// loads both sends once (HarbourQueue.sendAll). Nothing waits: no request is made.
(function (queue) {
  "use strict";
  if (queue && window.indexedDB && navigator.onLine) {
    queue.sendAll().catch(function () {
      // Still no connection, or the server failed: the entries stay for the next page.
    });
  }
})(window.HarbourQueue);
