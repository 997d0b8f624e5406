// Markdown preview: the "Preview" button of a form posts the field's text to the server's
// sanitising renderer and shows the answer below it. Without this script the same button
// submits the form, which comes back with the preview and nothing saved.
(function () {
  "use strict";
  document.querySelectorAll("button[data-markdown-preview]").forEach(function (button) {
    var form = button.form;
    var field = form && form.elements[button.getAttribute("data-markdown-preview")];
    var pane = document.getElementById(button.getAttribute("aria-controls"));
    var body = pane && pane.querySelector("[data-preview-body]");
    var url = button.getAttribute("data-preview-url");
    var token = form && form.elements.csrfmiddlewaretoken;
    if (!field || !pane || !body || !url || !token || !window.fetch) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData();
      data.append("text", field.value);
      button.disabled = true;
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value }
      })
        .then(function (response) {
          return response.text().then(function (text) {
            // The answer is HTML from the server's sanitiser; errors are plain text.
            if (response.ok) {
              body.innerHTML = text;
            } else {
              body.textContent = text;
            }
          });
        })
        .catch(function () {
          body.textContent = button.getAttribute("data-error") || "";
        })
        .then(function () {
          pane.hidden = false;
          button.disabled = false;
          pane.scrollIntoView({ block: "nearest" });
        });
    });
  });
})();
