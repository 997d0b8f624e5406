// Time-zone picker (sign-up, profile): a filter box over the grouped <select>, and the
// browser's own zone as the default. Without this script the <select> works as it is.
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function optionFor(select, zone) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) return select.options[i];
    }
    return null;
  }

  function setUp(picker) {
    if (picker.dataset.tzReady) return;
    picker.dataset.tzReady = "1";
    var select = picker.querySelector("select");
    var filter = picker.querySelector("[data-tz-filter]");
    var note = picker.querySelector("[data-tz-note]");
    var use = picker.querySelector("[data-tz-use]");
    if (!select) return;

    // Filter: hide options (and whole groups) that do not match every word typed.
    if (filter) {
      filter.hidden = false;
      filter.addEventListener("input", function () {
        var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
        var firstMatch = null;
        Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
          var shown = 0;
          Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
            var text = (option.textContent + " " + option.value + " " + group.label).toLowerCase();
            var match = words.every(function (w) { return text.indexOf(w) !== -1; });
            option.hidden = !match;
            option.disabled = !match;
            if (match) {
              shown += 1;
              if (!firstMatch) firstMatch = option;
            }
          });
          group.hidden = shown === 0;
        });
        var current = select.options[select.selectedIndex];
        if (firstMatch && (!current || current.hidden)) {
          select.value = firstMatch.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
        if (note) {
          note.hidden = !!firstMatch || !words.length;
          if (!firstMatch) note.textContent = picker.dataset.tzNoneLabel || "";
        }
      });
    }

    // A venue's or host's zone is not the device's: no browser default offered.
    if (picker.dataset.tzBrowser === "none") return;
    var zone = browserZone();
    var option = zone && optionFor(select, zone);
    if (!option || select.value === zone) return;
    if (picker.dataset.tzBrowser === "replace") {
      select.value = zone;
      if (note) {
        note.textContent = picker.dataset.tzFilledLabel || "";
        note.hidden = false;
      }
    } else if (use) {
      use.textContent = (picker.dataset.tzUseLabel || "") + " " + option.textContent;
      use.hidden = false;
      use.addEventListener("click", function () {
        select.value = zone;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        use.hidden = true;
        select.focus();
      });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tz-picker]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
