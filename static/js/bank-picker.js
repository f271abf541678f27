// Bank picker: a search box that narrows the bank <select> by name, code or BIN, ignoring
// case and Vietnamese diacritics. Without JavaScript the plain <select> still works.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, "");
  }

  function attach(box) {
    var select = document.getElementById(box.getAttribute("data-filters"));
    if (!select) { return; }
    box.closest("[hidden]") && box.closest("[hidden]").removeAttribute("hidden");
    var options = Array.prototype.slice.call(select.options).map(function (option) {
      return { option: option, key: fold(option.text + " " + option.value) };
    });
    box.addEventListener("input", function () {
      var query = fold(box.value);
      var first = null;
      options.forEach(function (entry) {
        var show = !entry.option.value || !query || entry.key.indexOf(query) !== -1;
        entry.option.hidden = !show;
        entry.option.disabled = !show;
        if (show && entry.option.value && !first) { first = entry.option; }
      });
      var chosen = select.options[select.selectedIndex];
      if (first && (!chosen || chosen.hidden || !chosen.value)) { select.value = first.value; }
    });
  }

  document.querySelectorAll("input[data-filters]").forEach(attach);
}());
