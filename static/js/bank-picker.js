// Bank picker: a search box that narrows the bank <select> by code, short name, full name or
// BIN, ignoring case and Vietnamese diacritics, best match first: the exact code ("VCB",
// "MB"), then a code or short name that starts with the query, then a word of the name that
// does, then the query anywhere. Nothing matching leaves nothing selected. Without
// JavaScript the plain <select> still works.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase().trim();
  }

  function squeeze(text) { return text.replace(/\s+/g, ""); }

  function rank(entry, query) {
    var q = squeeze(query);
    if (entry.code === q || entry.bin === q) { return 0; }
    if (squeeze(entry.shortName) === q) { return 1; }
    if (entry.code.indexOf(q) === 0 || squeeze(entry.shortName).indexOf(q) === 0) { return 2; }
    if (entry.bin.indexOf(q) === 0) { return 3; }
    if (entry.words.some(function (word) { return word.indexOf(q) === 0; })) { return 4; }
    if (squeeze(entry.all).indexOf(q) !== -1) { return 5; }
    return -1;
  }

  function attach(box) {
    var select = document.getElementById(box.getAttribute("data-filters"));
    if (!select) { return; }
    var wrapper = box.closest("[hidden]");
    if (wrapper) { wrapper.removeAttribute("hidden"); }
    var status = document.getElementById(box.getAttribute("aria-describedby") || "");
    var blank = null;
    var entries = [];
    Array.prototype.forEach.call(select.options, function (option, index) {
      if (!option.value) { blank = option; return; }
      var shortName = fold(option.getAttribute("data-short-name"));
      var all = fold(option.text);
      entries.push({
        option: option, index: index, code: fold(option.getAttribute("data-code")),
        shortName: shortName, bin: option.value, all: all, words: all.split(/[\s()—-]+/)
      });
    });

    box.addEventListener("input", function () {
      var query = fold(box.value);
      var found = [];
      entries.forEach(function (entry) {
        entry.rank = query ? rank(entry, query) : entry.index;
        var show = entry.rank !== -1;
        entry.option.hidden = !show;
        entry.option.disabled = !show;
        if (show) { found.push(entry); }
      });
      found.sort(function (a, b) { return a.rank - b.rank || a.index - b.index; });
      // Matches first, in rank order; the others after them, hidden.
      found.forEach(function (entry) { select.appendChild(entry.option); });
      entries.forEach(function (entry) {
        if (entry.rank === -1) { select.appendChild(entry.option); }
      });
      if (blank) { select.insertBefore(blank, select.firstChild); }
      if (!query) {
        if (status) { status.textContent = ""; }
        return;
      }
      select.value = found.length ? found[0].option.value : "";
      if (status) {
        status.textContent = found.length ? status.getAttribute("data-found").replace("{n}", found.length)
          : status.getAttribute("data-none");
      }
    });
  }

  document.querySelectorAll("input[data-filters]").forEach(attach);
}());
