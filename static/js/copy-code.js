// The recovery code's copy button. Progressive enhancement: the button stays hidden unless
// the Clipboard API exists (it needs a secure context), and the result is said in a polite
// live region, so a screen reader hears "Copied" without losing its place.
(function () {
  "use strict";
  var code = document.querySelector("[data-recovery-code]");
  var button = document.querySelector("[data-copy-code]");
  var status = document.querySelector("[data-copy-status]");
  if (!code || !button || !status || !navigator.clipboard || !navigator.clipboard.writeText) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    // Emptied first, so that a second tap is announced again.
    status.textContent = "";
    navigator.clipboard.writeText(code.textContent.replace(/\s+/g, "")).then(
      function () { status.textContent = status.getAttribute("data-copied"); },
      function () { status.textContent = status.getAttribute("data-failed"); }
    );
  });
})();
