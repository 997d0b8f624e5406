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

Object.keys(KEPT).forEach(function (path) {
  workbox.routing.registerRoute(
    function (options) {
      return options.url.origin === self.location.origin && options.url.pathname === path &&
        options.request.mode === "navigate";
    },
    new workbox.strategies.NetworkFirst({
      cacheName: KEPT[path],
      networkTimeoutSeconds: 5,
      plugins: [keepOnlyStorable]
    })
  );
});

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
