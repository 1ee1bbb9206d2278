/* Service worker of the inspection pages (/staff/inspections/): the pages an inspector
   opened while online (today's rounds, their rounds and checkpoints) and the static files
   keep working without signal. Pages: network first, the stored copy when offline (query
   strings ignored). Static files: the stored copy first. Answers are not sent from here:
   the page queues them in IndexedDB (inspections-offline.js) and sends them when online. */
"use strict";
var CACHE = "anju-inspections-v1";
var STATIC = "__STATIC_URL__";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names.filter(function (n) { return n.indexOf("anju-inspections-") === 0 && n !== CACHE; })
          .map(function (n) { return caches.delete(n); })
      );
    }).then(function () { return self.clients.claim(); })
  );
});

function fromCache(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true, ignoreVary: true });
  });
}

function store(request, response) {
  if (response && response.ok && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(
      fromCache(request).then(function (hit) {
        return hit || fetch(request).then(function (r) { return store(request, r); });
      })
    );
    return;
  }
  var scope = new URL(self.registration.scope).pathname;
  if (url.pathname.indexOf(scope) !== 0 || url.pathname.slice(-3) === ".js") return;
  event.respondWith(
    fetch(request)
      .then(function (r) { return store(request, r); })
      .catch(function () {
        return fromCache(request).then(function (hit) {
          return hit || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
        });
      })
  );
});
