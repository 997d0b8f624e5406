/* A workshop's test results: the score distribution of the pre- and post-test, read from the
   json_script tag #results-chart-data (the CSP forbids inline scripts), drawn with the vendored
   Chart.js. Without JavaScript the same figures are in the table under the chart. */
(function () {
  "use strict";
  var source = document.getElementById("results-chart-data");
  var canvas = document.getElementById("chart-distribution");
  if (!source || !canvas || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { pre: "#f0b429", post: "#0b3d66" };
  var hasData = data.datasets.some(function (set) {
    return set.data.some(function (value) { return value > 0; });
  });
  if (!hasData) {
    var note = document.createElement("p");
    note.className = "text-body-secondary small mb-0";
    note.textContent = data.empty;
    canvas.parentNode.replaceWith(note);
    return;
  }
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set) {
        return { label: set.label, data: set.data, backgroundColor: colours[set.kind] || "#3c8dbc" };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
      plugins: { legend: { position: "bottom" } },
      // Officers are counted in whole numbers: no 0.5 ticks on a small scale.
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.axis } } },
    },
  });
})();
