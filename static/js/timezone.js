// Tells the server the browser's time zone, so diary times show as the person lives them.
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (error) {
    // Without Intl the server shows UTC, which is still correct, only less friendly.
  }
})();
