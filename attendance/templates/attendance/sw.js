{% load i18n static %}{% get_current_language as LANGUAGE_CODE %}// The site's service worker: the page shell precached, the trainer's "today" page kept for
// offline use (network first), every other page left to the network. Nothing else is cached:
// rosters and queued marks live in the page's encrypted IndexedDB store, never here.
importScripts("{% static 'vendor/workbox/workbox-sw.js' %}");
workbox.setConfig({modulePathPrefix: "{{ STATIC_URL|default:'/static/' }}vendor/workbox/", debug: false});

var TODAY_PATH = "{% url 'attendance:today' %}";
var TODAY_CACHE = "trainingsite-today";

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

workbox.routing.registerRoute(
  function (options) {
    return options.url.origin === self.location.origin && options.url.pathname === TODAY_PATH &&
      options.request.mode === "navigate";
  },
  new workbox.strategies.NetworkFirst({
    cacheName: TODAY_CACHE,
    networkTimeoutSeconds: 5,
    plugins: [keepOnlyStorable]
  })
);

// Other pages: the network only; offline, a short page saying so.
workbox.routing.registerRoute(
  new workbox.routing.NavigationRoute(new workbox.strategies.NetworkOnly())
);

var FALLBACK = {{ fallback_html|safe }};
workbox.routing.setCatchHandler(async function (options) {
  if (options.request.mode === "navigate") {
    return new Response(FALLBACK, {headers: {"Content-Type": "text/html; charset=utf-8"}});
  }
  return Response.error();
});

// Signing out removes what this device keeps for the today page: its cached copy, and the
// page's store of rosters, codes and unsent marks (whichever page the form was sent from).
var LOGOUT_PATH = "{% url 'account_logout' %}";
var OFFLINE_DB = "trainingsite-offline";

function clearOfflineData() {
  return Promise.all([
    caches.delete(TODAY_CACHE),
    new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(OFFLINE_DB);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    })
  ]);
}

workbox.routing.registerRoute(
  function (options) {
    return options.url.origin === self.location.origin && options.url.pathname === LOGOUT_PATH;
  },
  async function (options) {
    var response = await fetch(options.request);
    await clearOfflineData();
    return response;
  },
  "POST"
);

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "clear-offline") event.waitUntil(clearOfflineData());
});
