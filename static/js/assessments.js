// Test attempt page: each answer saves as it is given (the status says "Saved" to screen
// readers too), an optional countdown, and a confirmation before sending. Without it, the
// form's own buttons save and send.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var url = form.getAttribute("data-answer-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var counter = document.getElementById("answered-count");
  var timers = {};

  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) {
    el.hidden = false;
  });

  function values(fieldset) {
    var out = [];
    Array.prototype.forEach.call(fieldset.querySelectorAll("input[name^='a-']"), function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) out.push(input.value);
      } else if (input.value.trim() !== "") {
        out.push(input.value.trim());
      }
    });
    return out;
  }

  function updateCount() {
    if (!counter) return;
    var n = 0;
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (fs) {
      if (values(fs).length) n += 1;
    });
    counter.textContent = String(n);
  }

  function save(fieldset) {
    var id = fieldset.getAttribute("data-answer");
    var status = document.getElementById("status-" + id);
    var body = new FormData();
    body.append("answer", id);
    values(fieldset).forEach(function (v) { body.append("value", v); });
    status.className = "save-status small mb-0 mt-2 text-body-secondary";
    status.textContent = form.getAttribute("data-saving");
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      status.className = "save-status small mb-0 mt-2 " + (result.ok ? "text-success" : "text-danger");
      status.textContent = (result.ok ? "\u2713 " : "") + result.data.message;
      fieldset.classList.toggle("border-danger", !result.ok);
    }).catch(function () {
      status.className = "save-status small mb-0 mt-2 text-danger";
      status.textContent = form.getAttribute("data-failed");
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) return;
    updateCount();
    save(fieldset);
  });
  // Numbers save a moment after typing stops (and on leaving the field, through "change").
  form.addEventListener("input", function (event) {
    if (!event.target.classList.contains("numeric-answer")) return;
    var fieldset = event.target.closest("fieldset.question");
    var id = fieldset.getAttribute("data-answer");
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { updateCount(); save(fieldset); }, 1200);
  });

  var send = document.getElementById("send-button");
  if (send) {
    send.addEventListener("click", function (event) {
      if (!window.confirm(send.getAttribute("data-confirm"))) event.preventDefault();
    });
  }

  var countdown = document.getElementById("countdown");
  if (countdown) {
    var deadline = new Date(countdown.getAttribute("data-deadline")).getTime();
    var live = document.getElementById("timer-live");
    var announced = {};
    var label = countdown.getAttribute("data-label-left");
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      countdown.textContent = label + ": " + m + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 300 && left > 60 && !announced.five) {
        announced.five = true;
        live.textContent = countdown.getAttribute("data-label-five");
      }
      if (left <= 60 && left > 0 && !announced.one) {
        announced.one = true;
        live.textContent = countdown.getAttribute("data-label-one");
      }
      if (left === 0) {
        clearInterval(handle);
        live.textContent = countdown.getAttribute("data-label-up");
        // The server sends the attempt at its deadline; the result page says so.
        window.setTimeout(function () {
          window.location.href = form.getAttribute("data-result-url");
        }, 1500);
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }
})();
