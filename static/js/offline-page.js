// The offline page is kept by the service worker as it was fetched without cookies, so it
// shows the default emergency number. The offline self-check remembers the last country
// chosen on this phone under "harbour:country": show that country's number instead.
(function () {
  "use strict";
  var call = document.querySelector("[data-emergency-call]");
  var country = null;
  try {
    country = String(window.localStorage.getItem("harbour:country") || "").replace(/"/g, "").toUpperCase();
  } catch (error) {
    return; // Storage turned off: the default number stays.
  }
  if (!call || !/^[A-Z]{2}$/.test(country)) {
    return;
  }
  var number = JSON.parse(call.getAttribute("data-numbers"))[country];
  if (number) {
    call.href = "tel:" + number;
    call.textContent = call.getAttribute("data-label").replace("{number}", number);
  }
})();
