// Searchable pickers for <select multiple data-picker> (Tom Select, static/vendor/tom-select).
// Without this script, or without Tom Select, the plain multi-select still submits the same.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") return;
  document.querySelectorAll("select[multiple][data-picker]").forEach(function (select) {
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
    // The label still names the search box for screen readers.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && picker.control_input) {
      picker.control_input.setAttribute("aria-label", label.textContent.trim());
    }
    picker.wrapper.classList.add("picker");
  });
})();
