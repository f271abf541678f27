// Buttons with class "js-print" open the browser's print dialog (no inline script needed).
(function () {
  "use strict";
  document.querySelectorAll("button.js-print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
