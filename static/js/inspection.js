// Inspection form: the reason fields only matter when the vendor does not use QR.
(function () {
  "use strict";
  var group = document.querySelector("[data-qr-use]");
  var reasons = document.querySelector("[data-when-no]");
  if (!group || !reasons) { return; }
  function update() {
    var chosen = group.querySelector("input:checked");
    reasons.hidden = !(chosen && chosen.value === "no");
  }
  group.addEventListener("change", update);
  update();
}());
