{% load i18n static %}{% get_current_language as LANGUAGE_CODE %}// The site's service worker: the page shell precached, two pages kept for offline use (network
// first): the trainer's "today" page and the officer's "My training" (their coming workshops,
// times, venue and the joining details they may see). Every other page is left to the network.
// Nothing else is cached: rosters and queued marks live in the today page's encrypted
// IndexedDB store, never here.
importScripts("{% static 'vendor/workbox/workbox-sw.js' %}");
workbox.setConfig({modulePathPrefix: "{{ STATIC_URL|default:'/static/' }}vendor/workbox/", debug: false});

var TODAY_CACHE = "trainingsite-today";
// Each page kept offline, by path, and the cache that holds its one copy.
var KEPT = {
  "{% url 'attendance:today' %}": TODAY_CACHE,
  "{% url 'registration:my_training' %}": "trainingsite-my-training"
};

workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ precache|safe }});

// A page sent with no-store, or a sign-in page reached by a redirect, is never kept.
var keepOnlyStorable = {
  cacheWillUpdate: async function (args) {
    var response = args.response;
    var control = response.headers.get("Cache-Control") || "";
    if (response.status !== 200 || response.redirected || /no-store/i.test(control)) return null;
    return response;
  }
};

// Whose the kept copies are. Every answer to a signed-in person carries `Offline-Owner` (an
// opaque value per user; none when signed out); the worker remembers the last one it saw on a
// page and serves a kept copy only when its owner is that person. A session that lapsed
// without a sign-out thus never hands its pages to the next person on the device.
var OWNER_CACHE = "trainingsite-owner";
var OWNER_KEY = "/offline-owner";

function ownerOf(response) {
  return response.headers.get("Offline-Owner") || "";
}

async function lastOwner() {
  var found = await (await caches.open(OWNER_CACHE)).match(OWNER_KEY);
  return found ? found.text() : "";
}

var trackOwner = {
  fetchDidSucceed: async function (args) {
    // A redirect's headers cannot be read here; the page it leads to says.
    if (args.request.mode === "navigate" && args.response.type !== "opaqueredirect") {
      await (await caches.open(OWNER_CACHE)).put(OWNER_KEY, new Response(ownerOf(args.response)));
    }
    return args.response;
  },
  cachedResponseWillBeUsed: async function (args) {
    var cached = args.cachedResponse;
    if (!cached) return null;
    var owner = ownerOf(cached);
    if (!owner || owner !== await lastOwner()) {
      await (await caches.open(args.cacheName)).delete(args.request);
      return null;
    }
    return cached;
  }
};

Object.keys(KEPT).forEach(function (path) {
  workbox.routing.registerRoute(
    function (options) {
      return options.url.origin === self.location.origin && options.url.pathname === path &&
        options.request.mode === "navigate";
    },
    new workbox.strategies.NetworkFirst({
      cacheName: KEPT[path],
      networkTimeoutSeconds: 5,
      plugins: [keepOnlyStorable, trackOwner]
    })
  );
});

// Other pages: the network only; offline, a short page saying so.
workbox.routing.registerRoute(
  new workbox.routing.NavigationRoute(new workbox.strategies.NetworkOnly({plugins: [trackOwner]}))
);

var FALLBACK = {{ fallback_html|safe }};
workbox.routing.setCatchHandler(async function (options) {
  if (options.request.mode === "navigate") {
    return new Response(FALLBACK, {headers: {"Content-Type": "text/html; charset=utf-8"}});
  }
  return Response.error();
});
