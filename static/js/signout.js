// Signing out clears what this device kept for the site. The server's Clear-Site-Data header
// does it where browsers honour it; this does it where they do not: the today page's store of
// rosters and marks, the Cache Storage and web storage, then the form is sent.
// Attendance marks taken offline and not yet sent are sent first where there is a network;
// marks that could not go are deleted only once the trainer says so.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-logout-url");
  var unsentText = script && script.getAttribute("data-unsent");
  if (!url) return;
  var OFFLINE_DB = "trainingsite-offline";
  var sending = false;

  function quietly(promise) {
    return Promise.resolve(promise).catch(function () { return null; });
  }

  function within(ms, promise) {
    return Promise.race([quietly(promise), new Promise(function (resolve) {
      window.setTimeout(resolve, ms);
    })]);
  }

  function unsent() {
    // The today page's queue, counted without its key (each mark is sealed, the count is not).
    if (!window.indexedDB || typeof indexedDB.databases !== "function") return Promise.resolve(0);
    return indexedDB.databases().then(function (databases) {
      if (!databases.some(function (d) { return d.name === OFFLINE_DB; })) return 0;
      return new Promise(function (resolve) {
        var request = indexedDB.open(OFFLINE_DB);
        // Gone meanwhile: do not leave an empty store behind.
        request.onupgradeneeded = function () { request.transaction.abort(); };
        request.onerror = request.onblocked = function () { resolve(0); };
        request.onsuccess = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("queue")) { db.close(); resolve(0); return; }
          var count = db.transaction("queue").objectStore("queue").count();
          count.onsuccess = function () { db.close(); resolve(count.result); };
          count.onerror = function () { db.close(); resolve(0); };
        };
      });
    }).catch(function () { return 0; });
  }

  function clearDevice() {
    var tasks = [];
    try {
      if (window.trainingsiteOffline && typeof window.trainingsiteOffline.clear === "function") {
        // The today page closes its own connection to the store, then deletes it.
        tasks.push(quietly(window.trainingsiteOffline.clear()));
      } else if (window.indexedDB) {
        tasks.push(new Promise(function (resolve) {
          var request = indexedDB.deleteDatabase(OFFLINE_DB);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        }));
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
    var offline = window.trainingsiteOffline || {};
    var send = navigator.onLine && typeof offline.send === "function" ? offline.send() : null;
    // Never keep anyone waiting on a stuck step: sending gets five seconds, clearing two.
    within(5000, send).then(unsent).then(function (count) {
      if (count && unsentText && !window.confirm(unsentText.replace("{n}", count))) {
        sending = false;
        return;
      }
      return within(2000, clearDevice()).then(function () { form.submit(); });
    });
  });
})();
