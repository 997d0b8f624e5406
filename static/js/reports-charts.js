/* Program report charts: reads the figures from the json_script tag #report-chart-data
   (no inline script: the CSP forbids it) and draws them with the vendored Chart.js. */
(function () {
  "use strict";
  var printButton = document.querySelector("[data-report-print]");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
  var source = document.getElementById("report-chart-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#0b3d66", "#f0b429", "#3c8dbc", "#8e5ea2", "#3cba9f", "#e8c3b9", "#c45850"];
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
    plugins: { legend: { position: "bottom" } },
  };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    var hasData = config.data.datasets.some(function (set) {
      return set.data.some(function (value) { return value > 0; });
    });
    if (!hasData) {
      var note = document.createElement("p");
      note.className = "text-body-secondary small mb-0";
      note.textContent = data.labels.empty;
      canvas.parentNode.replaceWith(note);
      return;
    }
    new window.Chart(canvas, config);
  }

  draw("chart-hours", {
    type: "bar",
    data: {
      labels: data.hoursByTrack.labels,
      datasets: [{ label: canvasLabel("chart-hours"), data: data.hoursByTrack.values,
                   backgroundColor: palette }],
    },
    options: Object.assign({}, common, {
      scales: { y: { beginAtZero: true } },
      plugins: { legend: { display: false } },
    }),
  });
  draw("chart-regions", {
    type: "bar",
    data: {
      labels: data.regions.labels,
      datasets: [
        { label: data.labels.attendees, data: data.regions.attendees, backgroundColor: palette[0] },
        { label: data.labels.completed, data: data.regions.completed, backgroundColor: palette[4] },
        { label: data.labels.waitlisted, data: data.regions.waitlisted, backgroundColor: palette[1] },
      ],
    },
    // People are counted in whole numbers: no 0.5 ticks on a small scale.
    options: Object.assign({}, common, {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    }),
  });
  draw("chart-agencies", {
    type: "bar",
    data: {
      labels: data.topAgencies.labels,
      datasets: [{ label: canvasLabel("chart-agencies"), data: data.topAgencies.trained,
                   backgroundColor: palette[0] }],
    },
    options: Object.assign({}, common, {
      indexAxis: "y",
      scales: {
        x: { type: "linear", beginAtZero: true, ticks: { precision: 0 } },
        // Agency names are long: on a phone a one-line label is cut at the canvas edge.
        y: { type: "category", ticks: { callback: function (value) { return wrap(this.getLabelForValue(value), 20); } } },
      },
      plugins: { legend: { display: false } },
    }),
  });

  // Lines of at most `width` characters, broken between words (Chart.js draws an array as lines).
  function wrap(text, width) {
    var lines = [], line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.length > 1 ? lines : lines[0] || "";
  }

  function canvasLabel(id) {
    var canvas = document.getElementById(id);
    return canvas ? canvas.getAttribute("aria-label") : "";
  }
})();
