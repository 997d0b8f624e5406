// The questionnaire editor: add, remove and reorder questions and their options. Without
// JavaScript the same form works with position numbers, "Remove" boxes and one option per line.
(function () {
  "use strict";
  var form = document.querySelector("[data-questionnaire-editor]");
  if (!form) return;
  var labelsNode = document.getElementById("questionnaire-editor-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var list = form.querySelector("[data-question-list]");
  var countInput = form.querySelector("[data-row-count]");
  var template = document.querySelector("[data-question-template]");
  var addButton = form.querySelector("[data-add-question]");
  var max = parseInt(form.getAttribute("data-max-questions"), 10) || 30;
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.appendChild(status);

  function fill(text, n) { return (text || "").replace("%(n)s", n); }
  function announce(text) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  function rows() { return Array.prototype.slice.call(list.querySelectorAll("[data-question-row]")); }

  function button(icon, label, extra) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-outline-secondary " + (extra || "");
    b.setAttribute("aria-label", label);
    b.title = label;
    b.innerHTML = '<i class="bi bi-' + icon + '" aria-hidden="true"></i>';
    return b;
  }

  // Names and ids follow the row's place: the server reads q-0-…, q-1-… in order.
  function renumber() {
    rows().forEach(function (row, i) {
      row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/^q-[^-]+-/, "q-" + i + "-"));
        });
      });
      row.querySelector("[data-position]").value = i + 1;
      row.querySelector("[data-row-title]").textContent = fill(labels.question, i + 1);
      var up = row.querySelector("[data-move-up]");
      var down = row.querySelector("[data-move-down]");
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === rows().length - 1;
    });
    countInput.value = rows().length;
    if (addButton) addButton.disabled = rows().length >= max;
  }

  function syncChoices(row) {
    var inputs = row.querySelectorAll("[data-option-input]");
    var values = Array.prototype.map.call(inputs, function (input) { return input.value.trim(); });
    row.querySelector("[data-choices-text]").value = values.filter(Boolean).join("\n");
  }

  function addOption(row, value, focus) {
    var options = row.querySelector("[data-options]");
    var item = document.createElement("li");
    item.className = "d-flex gap-1 mb-1";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "form-control form-control-sm";
    input.maxLength = 200;
    input.value = value || "";
    input.setAttribute("data-option-input", "");
    input.addEventListener("input", function () { syncChoices(row); });
    var up = button("arrow-up", labels.up);
    var down = button("arrow-down", labels.down);
    var remove = button("x-lg", labels.removeOption, "btn-outline-danger");
    up.addEventListener("click", function () {
      if (item.previousElementSibling) options.insertBefore(item, item.previousElementSibling);
      relabelOptions(row); syncChoices(row); up.focus();
    });
    down.addEventListener("click", function () {
      if (item.nextElementSibling) options.insertBefore(item.nextElementSibling, item);
      relabelOptions(row); syncChoices(row); down.focus();
    });
    remove.addEventListener("click", function () {
      item.remove(); relabelOptions(row); syncChoices(row);
      var last = options.querySelector("[data-option-input]:last-of-type");
      (last || row.querySelector("[data-add-option]")).focus();
    });
    item.append(input, up, down, remove);
    options.appendChild(item);
    relabelOptions(row);
    if (focus) input.focus();
  }

  function relabelOptions(row) {
    row.querySelectorAll("[data-option-input]").forEach(function (input, i) {
      input.setAttribute("aria-label", fill(labels.option, i + 1));
    });
  }

  function showChoices(row) {
    var kind = row.querySelector("[data-kind]").value;
    row.querySelector("[data-choices]").hidden = !(kind === "choice" || kind === "multiple");
  }

  function setUp(row) {
    // Options as a list of boxes; the hidden textarea still carries them to the server.
    var block = row.querySelector("[data-choices]");
    var textarea = block.querySelector("[data-choices-text]");
    block.querySelectorAll("label, .form-text, textarea").forEach(function (el) { el.classList.add("d-none"); });
    var legend = document.createElement("p");
    legend.className = "form-label mb-1";
    legend.textContent = block.querySelector("label").textContent.replace(/\s*\(.*\)\s*$/, "");
    var options = document.createElement("ol");
    options.className = "list-unstyled mb-1";
    options.setAttribute("data-options", "");
    var add = document.createElement("button");
    add.type = "button";
    add.className = "btn btn-sm btn-outline-primary";
    add.setAttribute("data-add-option", "");
    add.innerHTML = '<i class="bi bi-plus" aria-hidden="true"></i> ';
    add.appendChild(document.createTextNode(labels.addOption));
    add.addEventListener("click", function () { addOption(row, "", true); syncChoices(row); });
    block.append(legend, options, add);
    var values = textarea.value.split("\n").map(function (v) { return v.trim(); }).filter(Boolean);
    if (values.length < 2) values = values.concat(["", ""]).slice(0, Math.max(2, values.length));
    values.forEach(function (v) { addOption(row, v, false); });

    row.querySelectorAll("[data-nojs-controls]").forEach(function (el) { el.classList.add("d-none"); });
    var tools = document.createElement("div");
    tools.className = "btn-group float-end";
    var up = button("arrow-up", labels.up);
    up.setAttribute("data-move-up", "");
    var down = button("arrow-down", labels.down);
    down.setAttribute("data-move-down", "");
    var remove = button("trash", labels.remove, "btn-outline-danger");
    up.addEventListener("click", function () {
      if (row.previousElementSibling) list.insertBefore(row, row.previousElementSibling);
      renumber(); up.disabled ? down.focus() : up.focus();
      announce(fill(labels.moved, rows().indexOf(row) + 1));
    });
    down.addEventListener("click", function () {
      if (row.nextElementSibling) list.insertBefore(row.nextElementSibling, row);
      renumber(); down.disabled ? up.focus() : down.focus();
      announce(fill(labels.moved, rows().indexOf(row) + 1));
    });
    remove.addEventListener("click", function () {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove(); renumber(); announce(labels.removed);
      (next ? next.querySelector("input[type=text]") : addButton).focus();
    });
    tools.append(up, down, remove);
    row.querySelector(".card-body").prepend(tools);
    row.querySelector("[data-kind]").addEventListener("change", function () { showChoices(row); });
    showChoices(row);
  }

  function blank(row) {
    return !row.querySelector("[name$='-text']").value.trim() && !row.querySelector("[data-choices-text]").value.trim();
  }

  var all = rows();
  var filled = all.filter(function (row) { return !blank(row); });
  // The fallback's spare blank rows give way to the "Add a question" button.
  all.forEach(function (row) { if (blank(row) && (filled.length || row !== all[0])) row.remove(); });
  rows().forEach(setUp);
  form.querySelectorAll("[data-nojs-controls]").forEach(function (el) { el.classList.add("d-none"); });
  if (addButton) {
    addButton.classList.remove("d-none");
    addButton.addEventListener("click", function () {
      if (rows().length >= max) { announce(labels.full); return; }
      var html = template.innerHTML.replace(/__i__/g, String(rows().length));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      list.appendChild(row);
      setUp(row);
      renumber();
      row.querySelector("input[type=text]").focus();
      announce(labels.added);
    });
  }
  form.addEventListener("submit", function () { rows().forEach(syncChoices); });
  renumber();
})();
