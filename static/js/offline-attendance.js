// Today's attendance without a network. While online the page fetches today's rosters and
// check-in codes and keeps them in IndexedDB, encrypted with an AES-GCM key that cannot be
// read out of the browser (kept in IndexedDB too). Marks made offline queue there, each with
// an id made here, its time and its author, and are sent to the server when the connection
// returns (or on "Send now"). Rosters are dropped on a new day; everything on sign-out
// (window.trainingsiteOffline.clear()) or when another user opens the page.
(function () {
  "use strict";
  var DB_NAME = "trainingsite-offline";
  var TODAY_CACHE = "trainingsite-today";

  // --- storage -------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("keys");
        db.createObjectStore("data");
        db.createObjectStore("queue", {keyPath: "client_id"});
      };
      request.onsuccess = function () {
        // Let a sign-out elsewhere (the service worker, another tab) delete the store.
        request.result.onversionchange = function () { request.result.close(); };
        resolve(request.result);
      };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(db, store, mode, work) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode);
      var result = work(t.objectStore(store));
      t.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
      t.onerror = function () { reject(t.error); };
      t.onabort = function () { reject(t.error); };
    });
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate();
  }

  function canEncrypt() {
    return !!(window.indexedDB && window.crypto && crypto.subtle && crypto.randomUUID);
  }

  function getKey(db) {
    return tx(db, "keys", "readonly", function (s) { return s.get("k"); }).then(function (key) {
      if (key) return key;
      // Not extractable: script on the page can use it, never read it out.
      return crypto.subtle.generateKey({name: "AES-GCM", length: 256}, false,
        ["encrypt", "decrypt"]).then(function (fresh) {
        return tx(db, "keys", "readwrite", function (s) { s.put(fresh, "k"); }).then(function () {
          return fresh;
        });
      });
    });
  }

  function seal(key, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(value));
    return crypto.subtle.encrypt({name: "AES-GCM", iv: iv}, key, plain).then(function (ct) {
      return {iv: iv, ct: ct};
    });
  }

  function unseal(key, box) {
    return crypto.subtle.decrypt({name: "AES-GCM", iv: box.iv}, key, box.ct).then(function (p) {
      return JSON.parse(new TextDecoder().decode(p));
    });
  }

  function clearAll() {
    var cleared = [];
    if (window.indexedDB) {
      cleared.push(new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      }));
    }
    if (window.caches) cleared.push(caches.delete(TODAY_CACHE).catch(function () {}));
    return Promise.all(cleared);
  }

  // Another script (sign-out) may call this without the rest of the page.
  window.trainingsiteOffline = window.trainingsiteOffline || {};
  window.trainingsiteOffline.clear = function () {
    if (db) { db.close(); db = null; }
    return clearAll();
  };

  var app = document.getElementById("offline-app");
  if (!app) return;
  var T = JSON.parse(document.getElementById("offline-strings").textContent);
  var user = app.getAttribute("data-user");
  var el = {
    network: document.getElementById("offline-network"),
    queue: document.getElementById("offline-queue"),
    help: document.getElementById("offline-help"),
    sync: document.getElementById("offline-sync"),
    notice: document.getElementById("offline-notice"),
    refused: document.getElementById("offline-refused"),
    sessions: document.getElementById("offline-sessions"),
    scanPanel: document.getElementById("scan-panel"),
    scanStart: document.getElementById("scan-start"),
    scanStop: document.getElementById("scan-stop"),
    scanForm: document.getElementById("scan-form"),
    scanInput: document.getElementById("scan-input"),
    video: document.getElementById("scan-video"),
    scanResult: document.getElementById("scan-result")
  };
  var db = null;
  var key = null;
  var data = null;      // {user, csrf, sessions: [...]}
  var queue = [];       // [{client_id, author, mark: {...}}] decrypted
  var syncing = false;
  var again = false;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  function notice(text, kind) {
    el.notice.hidden = !text;
    el.notice.className = "alert py-2 alert-" + (kind || "info");
    el.notice.textContent = text || "";
  }

  // --- state on the device -------------------------------------------------------------
  function start() {
    if (!canEncrypt()) {
      notice(T.not_kept, "warning");
      return Promise.resolve();
    }
    return openDb().then(function (opened) {
      db = opened;
      return tx(db, "data", "readonly", function (s) { return s.get("meta"); });
    }).then(function (meta) {
      if (meta && meta.user !== user) {
        // Someone else's rosters and marks: never shown, never sent as this user.
        db.close(); db = null;
        return clearAll().then(openDb).then(function (opened) { db = opened; });
      }
      if (meta && meta.day !== today()) {
        // A new day: yesterday's rosters and codes go; unsent marks stay until sent.
        return tx(db, "data", "readwrite", function (s) { s.delete("today"); });
      }
    }).then(function () {
      return getKey(db);
    }).then(function (k) {
      key = k;
      return tx(db, "data", "readonly", function (s) { return s.get("today"); });
    }).then(function (box) {
      return box ? unseal(key, box).then(function (v) { data = v; }) : null;
    }).then(loadQueue).catch(function () {
      // A store that cannot be read (another browser profile's key, a failed upgrade).
      db = null; key = null;
      notice(T.not_kept, "warning");
    });
  }

  function loadQueue() {
    if (!db) return Promise.resolve();
    return tx(db, "queue", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return Promise.all(rows.map(function (row) {
        return unseal(key, row.box).then(function (item) { return item; });
      }));
    }).then(function (items) {
      queue = items.filter(function (item) { return item.author === user; });
      queue.sort(function (a, b) { return a.mark.marked_at < b.mark.marked_at ? -1 : 1; });
    });
  }

  function saveData() {
    if (!db) return Promise.resolve();
    return seal(key, data).then(function (box) {
      return tx(db, "data", "readwrite", function (s) {
        s.put(box, "today");
        s.put({user: user, day: today()}, "meta");
      });
    });
  }

  function enqueue(mark) {
    var item = {client_id: mark.client_id, author: user, mark: mark};
    queue.push(item);
    if (!db) return Promise.resolve();
    return seal(key, item).then(function (box) {
      return tx(db, "queue", "readwrite", function (s) {
        s.put({client_id: item.client_id, box: box});
      });
    });
  }

  function dequeue(ids) {
    queue = queue.filter(function (item) { return ids.indexOf(item.client_id) === -1; });
    if (!db) return Promise.resolve();
    return tx(db, "queue", "readwrite", function (s) {
      ids.forEach(function (id) { s.delete(id); });
    });
  }

  // --- the page ------------------------------------------------------------------------
  function localIso(date) {
    // ISO 8601 with the device's offset (the server keeps the time as the trainer saw it).
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    function pad(n) { return String(Math.floor(Math.abs(n))).padStart(2, "0"); }
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      "." + String(date.getMilliseconds()).padStart(3, "0") +
      sign + pad(offset / 60) + ":" + pad(offset % 60);
  }

  function currentStatus(session, registration) {
    for (var i = queue.length - 1; i >= 0; i--) {
      var m = queue[i].mark;
      if (m.session_id === session.id && m.registration_id === registration.id) {
        return {status: m.status, waiting: true};
      }
    }
    return {status: registration.status, waiting: false};
  }

  function node(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function statusBadge(current) {
    var classes = {present: "text-bg-success", late: "text-bg-warning", absent: "text-bg-danger",
      excused: "text-bg-secondary"};
    var badge = node("span", {"class": "badge " + (classes[current.status] || "text-bg-light border")},
      current.status ? T[current.status] : T.not_marked);
    if (current.waiting) {
      var wrap = node("span", {"class": "d-inline-flex gap-1 align-items-center"});
      wrap.appendChild(badge);
      wrap.appendChild(node("span", {"class": "small text-body-secondary"}, T.waiting));
      return wrap;
    }
    return badge;
  }

  function renderSession(session) {
    var card = node("section", {"class": "card mb-3", "data-session": session.id});
    var body = node("div", {"class": "card-body"});
    card.appendChild(body);
    var heading = node("h2", {"class": "h5 mb-1"},
      session.workshop + (session.title ? " · " + session.title : ""));
    body.appendChild(heading);
    body.appendChild(node("div", {"class": "small text-body-secondary mb-3"}, session.when));

    var list = node("ul", {"class": "list-group mb-3", "aria-label": T.roster});
    session.roster.forEach(function (registration) {
      var row = node("li", {"class": "list-group-item", "data-registration": registration.id});
      var line = node("div", {"class": "d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2"});
      line.appendChild(node("span", {"class": "fw-semibold"}, registration.name));
      var current = currentStatus(session, registration);
      line.appendChild(statusBadge(current));
      row.appendChild(line);
      var group = node("div", {"class": "btn-group w-100", "role": "group",
        "aria-label": fill(T.attendance_of, {name: registration.name})});
      ["present", "late", "absent"].forEach(function (status) {
        var pressed = current.status === status;
        var button = node("button", {"type": "button", "data-mark": status,
          "class": "btn " + (pressed ? "btn-secondary" : "btn-outline-secondary"),
          "aria-pressed": pressed ? "true" : "false"}, T[status]);
        button.addEventListener("click", function () {
          mark(session, registration, status, "mark");
        });
        group.appendChild(button);
      });
      row.appendChild(group);
      list.appendChild(row);
    });
    body.appendChild(list);

    if (session.code && session.roster.length) {
      body.appendChild(renderCheckIn(session));
    }
    return card;
  }

  function renderCheckIn(session) {
    var box = node("div", {"class": "border rounded p-2"});
    box.appendChild(node("h3", {"class": "h6"}, T.check_in_title));
    var idBase = "checkin-" + session.id;
    var row = node("div", {"class": "row g-2 align-items-end"});
    var col1 = node("div", {"class": "col-12 col-md-5"});
    col1.appendChild(node("label", {"class": "form-label small", "for": idBase + "-officer"}, T.officer));
    var select = node("select", {"class": "form-select", "id": idBase + "-officer"});
    select.appendChild(node("option", {"value": ""}, T.choose));
    session.roster.forEach(function (registration) {
      select.appendChild(node("option", {"value": registration.id}, registration.name));
    });
    col1.appendChild(select);
    var col2 = node("div", {"class": "col-7 col-md-4"});
    col2.appendChild(node("label", {"class": "form-label small", "for": idBase + "-code"}, T.code));
    var input = node("input", {"class": "form-control", "id": idBase + "-code",
      "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"});
    col2.appendChild(input);
    var col3 = node("div", {"class": "col-5 col-md-3"});
    var button = node("button", {"type": "button", "class": "btn btn-primary w-100 text-nowrap"}, T.check_in);
    col3.appendChild(button);
    row.appendChild(col1); row.appendChild(col2); row.appendChild(col3);
    box.appendChild(row);
    var feedback = node("div", {"class": "small mt-2", "role": "status"});
    box.appendChild(feedback);
    button.addEventListener("click", function () {
      var registration = session.roster.filter(function (r) {
        return String(r.id) === select.value;
      })[0];
      var typed = input.value.toUpperCase().replace(/[^A-Z0-9]/g, "");
      if (!registration) {
        feedback.className = "small mt-2 text-danger";
        feedback.textContent = T.no_officer;
        return;
      }
      if (typed !== session.code) {
        feedback.className = "small mt-2 text-danger";
        feedback.textContent = T.wrong_code;
        return;
      }
      var status = arrivalStatus(session);
      input.value = ""; select.value = "";
      mark(session, registration, status, "check_in").then(function () {
        var fresh = el.sessions.querySelector("[data-session='" + session.id + "'] .border.rounded .small.mt-2");
        if (fresh) {
          fresh.className = "small mt-2 text-success";
          fresh.textContent = fill(T.checked_in, {name: registration.name});
        }
      });
    });
    return box;
  }

  function arrivalStatus(session) {
    var late = new Date(session.starts_at).getTime() + data.late_after_minutes * 60000;
    return Date.now() > late ? "late" : "present";
  }

  // --- check-in passes -------------------------------------------------------------------
  // A pass (officer's phone) or a sheet row says, in Django's signed-object format, the
  // base64url JSON [registration_id] or [session_id, registration_id], a colon, a time, a
  // colon and a signature. The ids are read here to find the officer on the kept roster; the
  // server checks the signature when the check-in syncs.
  function readCode(text) {
    var parts = String(text || "").trim().split(":");
    if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[0])) return null;
    var value;
    try {
      var b64 = parts[0].replace(/-/g, "+").replace(/_/g, "/");
      while (b64.length % 4) b64 += "=";
      value = JSON.parse(atob(b64));
    } catch (e) { return null; }
    if (!Array.isArray(value) || !value.every(Number.isInteger)) return null;
    var token = parts.join(":");
    if (value.length === 1) return {session: null, registration: value[0], token: token};
    if (value.length === 2) return {session: value[0], registration: value[1], token: token};
    return null;
  }

  function scanResult(text, kind) {
    el.scanResult.className = "mt-2" + (text ? " alert py-2 mb-0 alert-" + kind : "");
    el.scanResult.textContent = text || "";
  }

  var lastScan = {text: "", at: 0};

  function checkInScanned(text) {
    // A camera sees the same code many times a second: each is taken once in a while.
    if (text === lastScan.text && Date.now() - lastScan.at < 4000) return;
    lastScan = {text: text, at: Date.now()};
    var code = readCode(text);
    if (!code || !data) { scanResult(T.scan_unreadable, "danger"); return; }
    var now = Date.now();
    var found = [];
    data.sessions.forEach(function (session) {
      if (code.session !== null && session.id !== code.session) return;
      session.roster.forEach(function (r) {
        if (r.id === code.registration) found.push({session: session, registration: r});
      });
    });
    if (!found.length) { scanResult(T.scan_not_on_roster, "danger"); return; }
    // A workshop with two sessions today: the one whose check-in time is now.
    var open = found.filter(function (f) {
      return new Date(f.session.checkin_opens).getTime() <= now &&
        now <= new Date(f.session.checkin_closes).getTime();
    })[0];
    if (!open) { scanResult(T.scan_not_open, "warning"); return; }
    var current = currentStatus(open.session, open.registration).status;
    if (current === "present" || current === "late") {
      scanResult(fill(T.scan_already, {name: open.registration.name}), "info");
      return;
    }
    var status = arrivalStatus(open.session);
    var time = new Date().toLocaleTimeString(document.documentElement.lang || [], {
      hour: "2-digit", minute: "2-digit", timeZone: open.session.time_zone, timeZoneName: "short"
    });
    mark(open.session, open.registration, status, "scan", code.token).then(function () {
      scanResult(fill(T.scan_done, {name: open.registration.name, status: T[status], time: time}),
        "success");
    });
  }

  var camera = {stream: null, running: false, detector: null};

  function detector() {
    // The browser's own reader where it reads QR codes (Android, macOS), else the library's.
    if (camera.detector) return camera.detector;
    var native = "BarcodeDetector" in window && typeof BarcodeDetector.getSupportedFormats === "function"
      ? BarcodeDetector.getSupportedFormats().catch(function () { return []; })
      : Promise.resolve([]);
    camera.detector = native.then(function (formats) {
      if (formats.indexOf("qr_code") !== -1) return new BarcodeDetector({formats: ["qr_code"]});
      var api = window.BarcodeDetectionAPI;
      if (!api) throw new Error("no-reader");
      var wasm = app.getAttribute("data-wasm-url");
      api.prepareZXingModule({overrides: {locateFile: function (path, prefix) {
        return /\.wasm$/.test(path) ? wasm : prefix + path;
      }}});
      return new api.BarcodeDetector({formats: ["qr_code"]});
    });
    camera.detector.catch(function () { camera.detector = null; });
    return camera.detector;
  }

  function stopCamera() {
    camera.running = false;
    if (camera.stream) camera.stream.getTracks().forEach(function (t) { t.stop(); });
    camera.stream = null;
    el.video.srcObject = null;
    el.video.hidden = true;
    el.scanStop.hidden = true;
    el.scanStart.hidden = false;
  }

  function look(reader) {
    if (!camera.running) return;
    var next = function () { if (camera.running) window.setTimeout(function () { look(reader); }, 200); };
    if (el.video.readyState < 2) { next(); return; }
    reader.detect(el.video).then(function (codes) {
      if (codes.length) checkInScanned(codes[0].rawValue);
    }).catch(function () { /* a frame it could not read */ }).then(next);
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      scanResult(T.no_camera, "warning");
      return;
    }
    scanResult("");
    el.scanStart.hidden = true;
    el.scanStop.hidden = false;
    var reader;
    detector().then(function (d) {
      reader = d;
      return navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false});
    }).then(function (stream) {
      camera.stream = stream;
      camera.running = true;
      el.video.srcObject = stream;
      el.video.hidden = false;
      return el.video.play();
    }).then(function () {
      look(reader);
    }).catch(function (err) {
      stopCamera();
      scanResult(err && err.message === "no-reader" ? T.no_reader : T.no_camera, "warning");
    });
  }

  el.scanStart.addEventListener("click", startCamera);
  el.scanStop.addEventListener("click", stopCamera);
  // A handheld scanner types the code and Enter into the field.
  el.scanForm.addEventListener("submit", function (event) {
    event.preventDefault();
    lastScan = {text: "", at: 0};
    checkInScanned(el.scanInput.value);
    el.scanInput.value = "";
    el.scanInput.focus();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stopCamera();
  });

  function focusKey(n) {
    if (!n || !el.sessions.contains(n)) return null;
    if (n.id) return "#" + n.id;
    var row = n.closest("[data-registration]");
    var card = n.closest("[data-session]");
    if (!row || !card || !n.getAttribute("data-mark")) return null;
    return "[data-session='" + card.getAttribute("data-session") + "'] [data-registration='" +
      row.getAttribute("data-registration") + "'] [data-mark='" + n.getAttribute("data-mark") + "']";
  }

  function render() {
    if (!data) {
      if (!navigator.onLine) notice(T.no_data, "warning");
    } else {
      // Rebuilt from the data and the queue; what is being typed and the focus are kept.
      var focused = focusKey(document.activeElement);
      var typed = {};
      el.sessions.querySelectorAll("input[id], select[id]").forEach(function (field) {
        typed[field.id] = field.value;
      });
      el.sessions.textContent = "";
      if (!data.sessions.length) {
        el.sessions.appendChild(node("p", {"class": "text-body-secondary"}, T.no_sessions));
      }
      data.sessions.forEach(function (session) { el.sessions.appendChild(renderSession(session)); });
      el.scanPanel.hidden = !data.sessions.some(function (s) { return s.roster.length; });
      Object.keys(typed).forEach(function (id) {
        var field = document.getElementById(id);
        if (field) field.value = typed[id];
      });
      var target = focused && el.sessions.querySelector(focused);
      if (target) target.focus();
    }
    renderStatus();
  }

  function renderStatus() {
    var online = navigator.onLine;
    el.network.className = "badge " + (online ? "text-bg-success" : "text-bg-warning");
    el.network.textContent = online ? T.online : T.offline;
    el.help.hidden = online;
    el.help.textContent = T.offline_help;
    el.queue.textContent = fill(T.queue, {n: queue.length});
    el.queue.setAttribute("data-count", queue.length);
    el.sync.disabled = syncing || !online || !queue.length;
    app.setAttribute("data-syncing", syncing ? "1" : "0");
  }

  function mark(session, registration, status, kind, token) {
    var item = {
      client_id: crypto.randomUUID(),
      session_id: session.id,
      registration_id: registration.id,
      status: status,
      marked_at: localIso(new Date()),
      kind: kind
    };
    if (token) item.token = token;
    return enqueue(item).then(function () {
      render();
      if (navigator.onLine) return sync();
    });
  }

  // --- talking to the server -----------------------------------------------------------
  function fetchData() {
    return fetch(app.getAttribute("data-data-url"), {
      credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || response.redirected || type.indexOf("application/json") === -1) {
        throw new Error("signed-out");
      }
      return response.json();
    }).then(function (fresh) {
      if (String(fresh.user) !== user) throw new Error("signed-out");
      data = fresh;
      return saveData();
    });
  }

  function showRefused(item, message) {
    var name = String(item.mark.registration_id);
    (data ? data.sessions : []).forEach(function (session) {
      session.roster.forEach(function (r) {
        if (session.id === item.mark.session_id && r.id === item.mark.registration_id) name = r.name;
      });
    });
    el.refused.appendChild(node("li", {"class": "alert alert-danger py-2 mb-2"},
      fill(T.refused, {name: name, message: message})));
  }

  function sync() {
    if (!navigator.onLine) return Promise.resolve();
    if (syncing) {
      // Marks made while a sync runs go in the next one.
      again = true;
      return Promise.resolve();
    }
    again = false;
    syncing = true;
    renderStatus();
    // The data first: a fresh CSRF token, and proof the session is still this user's.
    var sentAny = false;
    return fetchData().then(function () {
      if (!queue.length) return null;
      sentAny = true;
      var sent = queue.slice();
      return fetch(app.getAttribute("data-sync-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": data.csrf,
          "Accept": "application/json"},
        body: JSON.stringify({marks: sent.map(function (item) { return item.mark; })})
      }).then(function (response) {
        if (!response.ok) throw new Error("sync");
        return response.json();
      }).then(function (answer) {
        var done = [];
        answer.results.forEach(function (result) {
          var item = sent.filter(function (i) { return i.client_id === result.client_id; })[0];
          if (!item) return;
          if (result.result === "refused") showRefused(item, result.message);
          done.push(item.client_id);
        });
        return dequeue(done);
      }).then(fetchData);
    }).then(function () {
      // Said once something went; a failure's warning goes once a sync works again.
      if (sentAny && !queue.length) notice(T.synced, "success");
      else if (el.notice.classList.contains("alert-warning") && data) notice("");
    }).catch(function (err) {
      notice(err && err.message === "signed-out" ? T.signed_out : T.sync_failed, "warning");
    }).then(function () {
      syncing = false;
      render();
      if (again) return sync();
    });
  }

  // Sign-out sends what it can first, and asks before deleting marks that could not go.
  window.trainingsiteOffline.send = function () {
    return sync().then(function () { return queue.length; });
  };

  el.sync.addEventListener("click", function () { sync(); });
  window.addEventListener("online", function () { renderStatus(); sync(); });
  window.addEventListener("offline", renderStatus);

  start().then(function () {
    render();
    if (navigator.onLine) return sync();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.getAttribute("data-sw-url"), {scope: "/"})
      .catch(function () { /* the page still works online without it */ });
  }
})();
