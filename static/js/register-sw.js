// Installs the site's service worker from a page it keeps for offline use (an officer's
// "My training"); the page works the same without it.
(function () {
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  navigator.serviceWorker.register(script.getAttribute("data-sw-url"), {scope: "/"})
    .catch(function () { /* online, the page needs no worker */ });
})();
