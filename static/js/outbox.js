// The phone's outbox: records filled on the team's phone wait here (IndexedDB) until the server
// has stored them. Used by the pages (static/js/offline.js) and by the service worker.
// A record leaves the outbox only when the server answers "stored" or "already stored"; a
// refusal moves it to the "cần sửa" list with the server's reasons; anything else (no network,
// signed out, server down) keeps it waiting. Records are sent in the order they were filled,
// each only by the user who filled it.
(function (scope) {
  "use strict";
  var DB_NAME = "cho40-offline";
  var STORE = "outbox";
  // Fields the outbox sets itself when sending: never taken from the stored form.
  var OWN_FIELDS = ["csrf_token", "client_uuid", "observed_at", "sent_at", "author_id"];

  function openStore() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 2);
      request.onupgradeneeded = function () {
        if (!request.result.objectStoreNames.contains(STORE)) {
          request.result.createObjectStore(STORE, { keyPath: "uuid" });
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openStore().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // Records kept before the outbox knew authors and times are shown for checking, never sent
  // under whoever happens to be signed in.
  function readable(record) {
    if (!record.state) {
      record.state = "refused";
      record.unknownAuthor = true;
      record.reasons = [];
      record.observedAt = new Date(record.savedAt || Date.now()).toISOString();
      record.order = record.savedAt || 0;
    }
    return record;
  }

  function all() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (records) {
      return records.map(readable).sort(function (a, b) { return a.order - b.order; });
    });
  }

  function put(record) { return withStore("readwrite", function (store) { store.put(record); }); }
  function remove(uuid) { return withStore("readwrite", function (store) { store.delete(uuid); }); }
  function find(uuid) {
    return withStore("readonly", function (store) { return store.get(uuid); }).then(function (record) {
      return record ? readable(record) : null;
    });
  }

  function isJson(response) {
    return (response.headers.get("content-type") || "").indexOf("application/json") === 0;
  }

  // Who is signed in now, with a fresh CSRF token; null when nobody is.
  function session() {
    return fetch("/offline/session", { credentials: "same-origin", cache: "no-store",
                                       headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok && !response.redirected && isJson(response) ? response.json() : null;
      });
  }

  function body(record, who) {
    var data = new FormData();
    record.fields.forEach(function (pair) {
      var value = pair[1];
      if (OWN_FIELDS.indexOf(pair[0]) !== -1 || (value instanceof Blob && value.size === 0)) { return; }
      if (value instanceof Blob) { data.append(pair[0], value, value.name || "photo.jpg"); return; }
      data.append(pair[0], value);
    });
    data.append("csrf_token", who.csrf_token);
    data.append("client_uuid", record.uuid);
    data.append("observed_at", record.observedAt);
    data.append("sent_at", new Date().toISOString());
    data.append("author_id", record.author);
    return data;
  }

  // One record: "sent", "refused" or "kept" (to be tried again later).
  function send(record, who) {
    return fetch(record.url, {
      method: "POST", body: body(record, who), credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": who.csrf_token }
    }).then(function (response) {
      if (!isJson(response)) { return { outcome: "kept" }; }
      return response.json().then(function (answer) {
        if (answer.status === "stored" || answer.status === "already_stored") {
          return remove(record.uuid).then(function () { return { outcome: "sent", message: answer.message }; });
        }
        if (answer.status === "refused") {
          record.state = "refused";
          record.reasons = answer.errors;
          return put(record).then(function () { return { outcome: "refused" }; });
        }
        return { outcome: "kept" };
      });
    });
  }

  function exclusive(work) {
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("cho40-outbox", work) : work();
  }

  // Sends the signed-in user's waiting records, oldest first, stopping at the first one that
  // cannot be sent now so that none overtakes an older one.
  function flush() {
    var result = { sent: [], refused: 0, retry: false, signedOut: false };
    return exclusive(function () {
      return session().then(function (who) {
        if (!who) { result.signedOut = true; return result; }
        return all().then(function (records) {
          var mine = records.filter(function (r) { return r.state === "waiting" && r.author === who.user_id; });
          return mine.reduce(function (chain, record) {
            return chain.then(function (stopped) {
              if (stopped) { return true; }
              return send(record, who).then(function (answer) {
                if (answer.outcome === "sent") { result.sent.push(answer.message); }
                if (answer.outcome === "refused") { result.refused += 1; }
                if (answer.outcome === "kept") { result.retry = true; }
                return answer.outcome === "kept";
              });
            });
          }, Promise.resolve(false)).then(function () { return result; });
        });
      });
    }).catch(function () { result.retry = true; return result; });
  }

  scope.cho40Outbox = {
    all: all, put: put, remove: remove, find: find, flush: flush,
    SYNC_TAG: "cho40-outbox", ROUTE_CACHE: "cho40-route"
  };
}(self));
