// Searchable pickers for <select multiple data-picker> (Tom Select, static/vendor/tom-select).
// Without this script, or without Tom Select, the plain multi-select still submits the same.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") return;
  document.querySelectorAll("select[multiple][data-picker]").forEach(function (select) {
    // Read before Tom Select points the label at its own search box.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var name = label ? label.textContent.trim() : "";
    var picker = new window.TomSelect(select, {
      plugins: ["remove_button"],
      maxOptions: null,
      hidePlaceholder: true,
      placeholder: select.getAttribute("data-placeholder") || "",
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = select.getAttribute("data-no-results") || "";
          return div;
        }
      }
    });
    // The label names the search box for screen readers; the select it replaces, kept only
    // to submit the form, is taken out of the accessibility tree.
    if (name && picker.control_input) {
      picker.control_input.setAttribute("aria-label", name);
    }
    select.setAttribute("aria-hidden", "true");
    select.setAttribute("tabindex", "-1");
    picker.wrapper.classList.add("picker");
  });
})();
