// The service worker (served at /sw.js by market/offline/routes.py).
// - The app shell (styles, scripts, the "not kept" page) is precached with revisions.
// - The team's route pages are fetched from the network first and kept; offline, or on a network
//   too slow to answer, the kept copy is shown. The worklist asks for its whole route at once.
// - Any other page offline shows the "not kept" page instead of the browser's error.
// - Background Sync sends the outbox (static/js/outbox.js) when the network returns.
"use strict";
importScripts("{{ url_for('static', filename='vendor/workbox/workbox-sw.js') }}");
workbox.setConfig({ debug: false, modulePathPrefix: "{{ url_for('static', filename='vendor/workbox/') }}" });
importScripts("{{ url_for('static', filename='js/outbox.js') }}");

var ROUTE_CACHE = self.cho40Outbox.ROUTE_CACHE;
var ROUTE_PAGES = {{ route_pages|tojson }}.map(function (source) { return new RegExp(source); });

self.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ shell|tojson }});

// A sign-in page answered in place of a route page (a redirect) must never be kept as that page.
var onlyThePageItself = {
  cacheWillUpdate: function (context) {
    var response = context.response;
    return response && response.status === 200 && !response.redirected ? response : null;
  }
};

workbox.routing.registerRoute(
  function (context) {
    return context.sameOrigin && ROUTE_PAGES.some(function (pattern) { return pattern.test(context.url.pathname); });
  },
  new workbox.strategies.NetworkFirst({
    cacheName: ROUTE_CACHE,
    networkTimeoutSeconds: 6,
    matchOptions: { ignoreVary: true },
    plugins: [onlyThePageItself]
  })
);
workbox.routing.registerRoute(function (context) { return context.request.mode === "navigate"; },
                              new workbox.strategies.NetworkOnly());
workbox.routing.setCatchHandler(function (context) {
  if (context.request.destination === "document" || context.request.mode === "navigate") {
    return workbox.precaching.matchPrecache("/offline");
  }
  return Response.error();
});

function tellPages(result) {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (pages) {
    pages.forEach(function (page) { page.postMessage({ type: "outbox-sent", result: result }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === self.cho40Outbox.SYNC_TAG) {
    // A network that failed again rejects, so the browser tries the sync later.
    event.waitUntil(self.cho40Outbox.flush().then(function (result) {
      return tellPages(result).then(function () { if (result.retry) { throw new Error("network"); } });
    }));
  }
});
