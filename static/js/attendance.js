// Attendance page: quick roster search and an "unsaved changes" hint. Works without it.
(function () {
  "use strict";
  var form = document.getElementById("attendance-form");
  if (!form) return;
  var search = document.getElementById("roster-search");
  var rows = Array.prototype.slice.call(form.querySelectorAll(".roster-row"));
  var noMatch = document.getElementById("no-match");
  var unsaved = document.getElementById("unsaved-note");
  var dirty = false;

  if (search) {
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var match = !q || row.getAttribute("data-search").indexOf(q) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (noMatch) noMatch.hidden = shown !== 0;
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList.contains("btn-check")) return;
    var row = input.closest(".roster-row");
    var changed = Array.prototype.some.call(row.querySelectorAll(".btn-check"), function (el) {
      return el.checked !== (el.getAttribute("data-initial") === "1");
    });
    row.classList.toggle("is-changed", changed);
    dirty = form.querySelector(".roster-row.is-changed") !== null;
    if (unsaved) unsaved.hidden = !dirty;
  });

  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
