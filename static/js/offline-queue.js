// Forms marked data-offline-queue keep working without a network: a record that cannot be
// sent is kept in IndexedDB and sent when the network returns. Every record carries a
// client_uuid made here, so a record sent twice is stored once by the server.
(function () {
  "use strict";
  var DB_NAME = "cho40-offline";
  var STORE = "outbox";

  function newUuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function openStore() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "uuid" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openStore().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function queued() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function keep(record) { return withStore("readwrite", function (store) { store.put(record); }); }
  function forget(uuid) { return withStore("readwrite", function (store) { store.delete(uuid); }); }

  // ``message`` names one of the status line's sentences (data-saved, data-signed-out).
  function showCount(message) {
    return queued().then(function (records) {
      document.querySelectorAll("[data-offline-status]").forEach(function (box) {
        box.hidden = records.length === 0 && !message;
        var waiting = records.length ? box.dataset.waiting.replace("{n}", records.length) + " " : "";
        box.textContent = waiting + (message ? box.dataset[message] : "");
      });
    });
  }

  function formFields(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    return fields;
  }

  function body(fields, csrf) {
    var data = new FormData();
    fields.forEach(function (pair) {
      if (pair[0] === "csrf_token" && csrf) { data.append(pair[0], csrf); return; }
      if (pair[1] instanceof Blob && pair[1].size === 0) { return; }
      data.append(pair[0], pair[1]);
    });
    return data;
  }

  // A queued record may be hours old: take a fresh CSRF token from the form's own page.
  function freshToken(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (response.url.indexOf("/login") !== -1) { throw new Error("signed-out"); }
      return response.text();
    }).then(function (html) {
      var found = /name="csrf_token"[^>]*value="([^"]+)"/.exec(html);
      return found ? found[1] : null;
    });
  }

  function send(record) {
    return freshToken(record.url).then(function (csrf) {
      return fetch(record.url, { method: "POST", body: body(record.fields, csrf), credentials: "same-origin" });
    }).then(function (response) {
      if (response.ok || (response.status >= 400 && response.status < 500)) { return forget(record.uuid); }
      throw new Error("server " + response.status);
    });
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    return queued().then(function (records) {
      return records.reduce(function (chain, record) {
        return chain.then(function () { return send(record); });
      }, Promise.resolve());
    }).then(function () { return showCount(); }, function (error) {
      return showCount(error.message === "signed-out" ? "signedOut" : "");
    }).then(function () { flushing = false; }, function () { flushing = false; });
  }

  function prepare(form) {
    var field = form.querySelector("input[name=client_uuid]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "client_uuid";
      form.appendChild(field);
    }
    if (!field.value) { field.value = newUuid(); }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = form.getAttribute("action") || window.location.href;
      var record = { uuid: field.value, url: url, fields: formFields(form), savedAt: Date.now() };
      var queue = function () {
        return keep(record).then(function () {
          form.reset();
          field.value = newUuid();
          return showCount("saved");
        });
      };
      if (!navigator.onLine) { queue(); return; }
      fetch(url, { method: "POST", body: body(record.fields), credentials: "same-origin" }).then(function (response) {
        if (response.status === 400) { form.submit(); return; }  // show the errors beside the fields
        if (!response.ok) { return queue(); }
        // Show the page the server answered with (its message included) without asking again.
        return response.text().then(function (html) {
          history.replaceState(null, "", response.url);
          document.open();
          document.write(html);
          document.close();
        });
      }, queue);
    });
  }

  document.querySelectorAll("form[data-offline-queue]").forEach(prepare);
  // A page shown in place of the form runs this file again: start the sending only once.
  if (window.cho40OfflineQueue) { showCount(); return; }
  window.cho40OfflineQueue = true;
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {}); }
  window.addEventListener("online", flush);
  setInterval(flush, 30000);
  if (window.indexedDB) { showCount().then(flush); }
}());
