// The question form: show the fields the chosen type needs, and option rows as many as used.
// Without script every field and all option rows show; the server ignores the other types'.
(function () {
  "use strict";
  var form = document.querySelector("[data-question-form]");
  if (!form) { return; }
  var MIN_ROWS = 2;
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-option-row]"));
  var addButton = form.querySelector("[data-option-add]");
  var removeLabel = form.getAttribute("data-remove-label") || "Remove";

  function kind() {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "";
  }

  function textInput(row) { return row.querySelector('input[type="text"]'); }
  function rightBox(row) { return row.querySelector('input[type="checkbox"]'); }
  function shownRows() { return rows.filter(function (row) { return !row.hidden; }); }

  function showKind() {
    var current = kind();
    form.querySelectorAll("[data-kinds]").forEach(function (section) {
      section.hidden = section.getAttribute("data-kinds").split(" ").indexOf(current) === -1;
    });
  }

  function refreshButtons() {
    if (addButton) { addButton.hidden = shownRows().length >= rows.length; }
    var canRemove = shownRows().length > MIN_ROWS;
    rows.forEach(function (row) {
      var remove = row.querySelector("[data-option-remove]");
      if (remove) { remove.disabled = !canRemove; }
    });
  }

  // Show the rows in use (at least two), hide the empty ones after them.
  var last = -1;
  rows.forEach(function (row, index) {
    if (textInput(row).value.trim() || rightBox(row).checked) { last = index; }
  });
  var visible = Math.max(MIN_ROWS, last + 1);
  rows.forEach(function (row, index) {
    row.hidden = index >= visible;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-sm btn-outline-danger mt-md-4";
    remove.setAttribute("data-option-remove", "");
    remove.setAttribute("aria-label", removeLabel + " " + (index + 1));
    remove.innerHTML = '<i class="bi bi-x-lg" aria-hidden="true"></i>';
    var cell = document.createElement("div");
    cell.className = "col-auto";
    cell.appendChild(remove);
    row.appendChild(cell);
    remove.addEventListener("click", function () {
      textInput(row).value = "";
      rightBox(row).checked = false;
      row.hidden = true;
      refreshButtons();
      var first = shownRows()[0];
      if (first) { textInput(first).focus(); }
    });
    // A single choice has one right option: ticking one unticks the others.
    rightBox(row).addEventListener("change", function () {
      if (kind() !== "single" || !rightBox(row).checked) { return; }
      rows.forEach(function (other) {
        if (other !== row) { rightBox(other).checked = false; }
      });
    });
  });

  if (addButton) {
    addButton.addEventListener("click", function () {
      var next = rows.filter(function (row) { return row.hidden; })[0];
      if (!next) { return; }
      next.hidden = false;
      textInput(next).focus();
      refreshButtons();
    });
  }

  form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  showKind();
  refreshButtons();
})();
