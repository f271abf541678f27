// Field work on a bad network, the page's side (the outbox itself is static/js/outbox.js):
// - forms marked data-phone-record are checked here with the server's own messages, then kept
//   in the outbox with the time they were filled and their author, and sent when possible;
// - the outbox panel shows what waits, and the "cần sửa" list of records the server refused,
//   each of which can be opened, fixed and sent again, or discarded on purpose;
// - the worklist keeps its whole route on the phone and says since when;
// - signing out with records waiting asks first, and keeps them for their author.
(function () {
  "use strict";
  var outbox = window.cho40Outbox;
  var body = document.body;
  var user = body.dataset.userId || "";
  var panel = document.querySelector("[data-outbox]");
  var ROUTE_KEY = "cho40-route";
  var lastSent = [];

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function when(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }
  function say(element, key, values) {
    var text = element.dataset[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }
  function newUuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  // ---- the outbox panel ---------------------------------------------------------------
  function mineOrUnknown(record) { return !record.author || record.author === user || !user; }

  function refusedItem(record) {
    var item = element("li", "", { "data-refused-record": record.uuid });
    item.appendChild(element("strong", record.title));
    item.appendChild(document.createTextNode(" · " + say(panel, "made", { time: when(record.observedAt) })));
    var reasons = element("ul");
    if (record.unknownAuthor) { reasons.appendChild(element("li", panel.dataset.unknownAuthor)); }
    (record.reasons || []).forEach(function (reason) {
      reasons.appendChild(element("li", (reason.label ? reason.label + ": " : "") + reason.message));
    });
    item.appendChild(reasons);
    item.appendChild(element("a", panel.dataset.open, { href: record.url + "#sua=" + record.uuid, "class": "button" }));
    var discard = element("button", panel.dataset.discard, { type: "button", "class": "link" });
    discard.addEventListener("click", function () {
      if (window.confirm(panel.dataset.discardConfirm)) { outbox.remove(record.uuid).then(render); }
    });
    item.appendChild(document.createTextNode(" "));
    item.appendChild(discard);
    return item;
  }

  function render(note) {
    if (!panel || !outbox) { return Promise.resolve(); }
    return outbox.all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state === "waiting" && mineOrUnknown(r); });
      var others = records.filter(function (r) { return r.state === "waiting" && !mineOrUnknown(r); });
      var refused = records.filter(function (r) { return r.state === "refused" && mineOrUnknown(r); });
      var lines = [];
      if (lastSent.length) { lines.push(say(panel, "sent", { message: lastSent.join(" ") })); }
      if (waiting.length) { lines.push(say(panel, "waiting", { n: waiting.length })); }
      if (note) { lines.push(panel.dataset[note]); }
      if (others.length) { lines.push(say(panel, "others", { n: others.length })); }
      var line = panel.querySelector("[data-outbox-line]");
      line.textContent = lines.join(" ");
      line.hidden = !lines.length;
      var list = panel.querySelector("[data-outbox-refused]");
      var items = list.querySelector("ul");
      items.textContent = "";
      refused.forEach(function (record) { items.appendChild(refusedItem(record)); });
      list.querySelector("h2").textContent = say(panel, "refusedTitle", { n: refused.length });
      list.hidden = !refused.length;
      panel.hidden = !lines.length && !refused.length;
    });
  }

  function flush() {
    if (!outbox || !navigator.onLine) { return render(); }
    return outbox.flush().then(shown);
  }

  function shown(result) {
    if (result.sent.length) { lastSent = result.sent; }
    return render(result.signedOut ? "signedOut" : "");
  }

  // ---- forms that work offline ---------------------------------------------------------
  function filled(control) {
    var form = control.form;
    if (control.type === "radio" || control.type === "checkbox") {
      return Array.prototype.some.call(form.elements[control.name].length ? form.elements[control.name] : [control],
                                       function (c) { return c.checked; });
    }
    if (control.type === "file") { return control.files.length > 0; }
    return control.value.trim() !== "";
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-phone-error]").forEach(function (node) { node.remove(); });
  }

  function showError(control, message) {
    var box = control.closest(".field") || control;
    box.appendChild(element("p", message, { "class": "field-error", "data-phone-error": "" }));
    box.classList.add("invalid");
  }

  // The same rules and words as the server; a part of the form that is hidden is no part of
  // the answer (its fields are disabled and not sent), so it cannot hold an error.
  function check(form) {
    clearErrors(form);
    var problems = [];
    form.querySelectorAll("[data-required]").forEach(function (rule) {
      if (rule.closest("[hidden]")) { return; }
      var condition = (rule.dataset.requiredIf || "").split("=");
      if (condition[0] && form.elements[condition[0]].value !== condition[1]) { return; }
      var controls = rule.matches("input, select, textarea") ? [rule] : Array.prototype.slice.call(rule.querySelectorAll("input, select, textarea"));
      if (!controls.some(filled)) { problems.push([controls[0], rule.dataset.required]); }
    });
    form.querySelectorAll("input[type=file][data-extensions]").forEach(function (input) {
      var allowed = input.dataset.extensions.split(",");
      Array.prototype.forEach.call(input.files, function (file) {
        if (allowed.indexOf(file.name.split(".").pop().toLowerCase()) === -1) { problems.push([input, input.dataset.extensionsMessage]); }
      });
    });
    problems.forEach(function (problem) { showError(problem[0], problem[1]); });
    if (problems.length) { problems[0][0].focus(); }
    return !problems.length;
  }

  function formFields(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    return fields;
  }

  function fillIn(form, record) {
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (c) { c.checked = false; });
    record.fields.forEach(function (pair) {
      var controls = form.querySelectorAll("[name='" + pair[0] + "']");
      controls.forEach(function (control) {
        if (control.type === "radio" || control.type === "checkbox") { if (control.value === pair[1]) { control.checked = true; } }
        else if (control.type === "file") {
          if (pair[1] instanceof Blob && pair[1].size) { var kept = new DataTransfer(); kept.items.add(pair[1]); control.files = kept.files; }
        } else if (control.type !== "hidden") { control.value = pair[1]; }
      });
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
    (record.reasons || []).forEach(function (reason) {
      var control = form.elements[reason.field];
      if (control && control.closest && !control.closest("[hidden]")) { showError(control, reason.message); }
    });
  }

  function prepare(form) {
    var uuidField = form.elements.client_uuid;
    var fixing = null;
    var submitting = false;
    uuidField.value = newUuid();
    var match = /#sua=([0-9a-f-]{36})/.exec(window.location.hash);
    if (match && outbox) {
      outbox.find(match[1]).then(function (record) {
        if (!record || record.state !== "refused") { return; }
        fixing = record;
        fillIn(form, record);
        var banner = form.querySelector("[data-fixing]");
        banner.textContent = say(banner, "text", { time: when(record.observedAt) });
        banner.hidden = false;
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (submitting || !check(form)) { return; }
      submitting = true;
      var button = form.querySelector("[type=submit]");
      button.disabled = true;
      var record = {
        uuid: fixing ? fixing.uuid : uuidField.value,
        url: form.getAttribute("action") || window.location.pathname,
        kind: form.dataset.phoneRecord,
        title: form.dataset.recordTitle,
        fields: formFields(form),
        observedAt: fixing ? fixing.observedAt : new Date().toISOString(),
        order: fixing ? fixing.order : Date.now(),
        author: fixing && fixing.author ? fixing.author : user,
        state: "waiting",
        reasons: []
      };
      outbox.put(record).then(function () {
        form.reset();
        clearErrors(form);
        fixing = null;
        form.querySelector("[data-fixing]").hidden = true;
        uuidField.value = newUuid();
        if (window.location.hash) { history.replaceState(null, "", window.location.pathname); }
        lastSent = [];
        return render("saved");
      }).then(function () {
        askForSync();
        return navigator.onLine ? outbox.flush().then(function (result) {
          return shown(result).then(function () { if (!result.sent.length && !result.signedOut) { return render("saved"); } });
        }) : null;
      }).then(function () { submitting = false; button.disabled = false; },
              function () { submitting = false; button.disabled = false; });
    });
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync ? registration.sync.register(outbox.SYNC_TAG) : null;
    }).catch(function () {});
  }

  // ---- the route kept on the phone ------------------------------------------------------
  function keptRoute() {
    try { return JSON.parse(localStorage.getItem(ROUTE_KEY) || "null"); } catch (error) { return null; }
  }

  function forgetRoute() {
    localStorage.removeItem(ROUTE_KEY);
    return window.caches ? caches.delete(outbox.ROUTE_CACHE) : Promise.resolve();
  }

  function showRoute(box, route) {
    box.querySelector("[data-offline-line]").textContent = say(box, "ready", { n: route.stalls, time: when(route.savedAt) });
    document.querySelectorAll("[data-offline-mark]").forEach(function (mark) { mark.hidden = false; });
  }

  function cacheUrls(urls) {
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve, reject) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { resolve(); };
        registration.active.postMessage({ type: "CACHE_URLS", payload: { urlsToCache: urls } }, [channel.port2]);
        setTimeout(function () { reject(new Error("timeout")); }, 60000);
      });
    });
  }

  function keepRoute(box) {
    var route = keptRoute();
    if (route && route.worklist === window.location.pathname && !navigator.onLine) { showRoute(box, route); return; }
    if (!("serviceWorker" in navigator) || !navigator.onLine) { return; }
    var urls = [window.location.pathname];
    document.querySelectorAll("a[data-route-page]").forEach(function (link) { urls.push(link.pathname); });
    box.querySelector("[data-offline-line]").textContent = box.dataset.saving;
    cacheUrls(urls).then(function () {
      var saved = { worklist: window.location.pathname, user: user, stalls: Number(box.dataset.stalls),
                    urls: urls, savedAt: new Date().toISOString() };
      localStorage.setItem(ROUTE_KEY, JSON.stringify(saved));
      showRoute(box, saved);
    }, function () { box.querySelector("[data-offline-line]").textContent = box.dataset.failed; });
  }

  // A page shown from the phone's copy was made by the server some time before it was opened.
  function showKeptCopy() {
    var note = document.querySelector("[data-kept-copy]");
    var made = Date.parse(body.dataset.renderedAt || "");
    if (!note || isNaN(made)) { return; }
    if (!navigator.onLine || performance.timeOrigin - made > 120000) {
      note.textContent = say(note, "text", { time: when(new Date(made).toISOString()) });
      note.hidden = false;
    }
  }

  function listKeptPages() {
    var list = document.querySelector("[data-kept-pages]");
    var route = keptRoute();
    if (!list || !route) { return; }
    list.querySelector("[data-kept-line]").textContent = say(list, "text", { n: route.stalls, time: when(route.savedAt) });
    list.querySelector("a").href = route.worklist;
    list.hidden = false;
  }

  // ---- signing out ------------------------------------------------------------------------
  function guardSignOut(form) {
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed || !outbox) { return; }
      event.preventDefault();
      outbox.all().then(function (records) {
        var mine = records.filter(function (r) { return r.author === user; });
        if (mine.length && !window.confirm(say(form, "warning", { n: mine.length }))) { return; }
        confirmed = true;
        return forgetRoute().then(function () { form.submit(); });
      });
    });
  }

  // ---- start ------------------------------------------------------------------------------
  document.querySelectorAll("form[data-phone-record]").forEach(prepare);
  document.querySelectorAll("form[data-sign-out]").forEach(guardSignOut);
  showKeptCopy();
  listKeptPages();
  var route = keptRoute();
  if (route && user && route.user !== user && navigator.onLine) { forgetRoute(); }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-sent") { shown(event.data.result); }
    });
  }
  document.querySelectorAll("[data-offline-route]").forEach(keepRoute);
  // A form opened before the service worker was running is kept once it runs.
  if ("serviceWorker" in navigator && !navigator.serviceWorker.controller && navigator.onLine
      && document.querySelector("form[data-phone-record]")) {
    cacheUrls([window.location.pathname]).catch(function () {});
  }
  if (!outbox || !window.indexedDB) { return; }
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { flush(); } });
  setInterval(flush, 20000);
  flush();
}());
