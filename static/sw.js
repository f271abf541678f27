// The service worker: keeps the inspection and visit forms (and what they need) available
// without a network. Form pages are fetched from the network first and kept as a fallback;
// static files come from the cache. Sending is left to static/js/offline-queue.js.
"use strict";
var CACHE = "cho40-v1";
var STATIC = ["/static/style.css", "/static/js/offline-queue.js", "/static/js/inspection.js", "/static/favicon.svg"];
var FORM_PAGES = [/^\/monitor\/stalls\/\d+\/inspections\/new$/, /^\/dashboard\/stalls\/\d+\/visit$/, /^\/dashboard\/markets\/\d+\/worklist$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(STATIC); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        return response;
      });
    }));
    return;
  }
  if (FORM_PAGES.some(function (pattern) { return pattern.test(url.pathname); })) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () { return caches.match(request); }));
  }
});
