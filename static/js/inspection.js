// Inspection form: the reason fields belong to a "no" only. Hidden, they are disabled, so they
// are neither sent nor checked: a reason picked before the answer changed cannot refuse it.
// An error the server found in them keeps them in view.
(function () {
  "use strict";
  var group = document.querySelector("[data-qr-use]");
  var reasons = document.querySelector("[data-when-no]");
  if (!group || !reasons) { return; }
  function update() {
    var chosen = group.querySelector("input:checked");
    var used = chosen && chosen.value === "no";
    reasons.hidden = !used && !reasons.querySelector(".field-error:not([data-phone-error])");
    reasons.querySelectorAll("input, select, textarea").forEach(function (control) { control.disabled = reasons.hidden; });
  }
  group.form.addEventListener("change", update);
  group.form.addEventListener("reset", function () { setTimeout(update, 0); });
  update();
}());
