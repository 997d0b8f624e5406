// Signing out clears what this device kept for the site. The server's Clear-Site-Data header
// does it where browsers honour it; this does it where they do not: the offline copies (the
// offline page's own clear()), the Cache Storage and web storage, then the form is sent.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-logout-url");
  if (!url) return;
  var sending = false;

  function quietly(promise) {
    return Promise.resolve(promise).catch(function () { return null; });
  }

  function clearDevice() {
    var tasks = [];
    try {
      if (window.trainingsiteOffline && typeof window.trainingsiteOffline.clear === "function") {
        tasks.push(quietly(window.trainingsiteOffline.clear()));
      }
    } catch (e) { /* signing out matters more */ }
    if (window.caches && typeof window.caches.keys === "function") {
      tasks.push(quietly(window.caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) { return window.caches.delete(key); }));
      })));
    }
    try { window.localStorage.clear(); } catch (e) { /* storage blocked */ }
    try { window.sessionStorage.clear(); } catch (e) { /* storage blocked */ }
    return Promise.all(tasks);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (sending || !(form instanceof HTMLFormElement) || form.getAttribute("action") !== url) return;
    event.preventDefault();
    sending = true;
    // Never keep anyone waiting on a stuck clean-up: sign out after two seconds at most.
    var limit = new Promise(function (resolve) { window.setTimeout(resolve, 2000); });
    Promise.race([clearDevice(), limit]).then(function () { form.submit(); });
  });
})();
