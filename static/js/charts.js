// Draws every plotly figure whose JSON the page carries in <script type="application/json" data-chart>.
(function () {
  "use strict";
  function draw(root) {
    root.querySelectorAll("script[data-chart]").forEach(function (source) {
      var target = document.getElementById(source.dataset.chart);
      if (!target || target.dataset.drawn) { return; }
      var figure = JSON.parse(source.textContent);
      // no mode bar: its buttons would be focusable inside a role="img" (WCAG: nested
      // interactive controls); the table and CSV beside each chart carry its figures
      Plotly.newPlot(target, figure.data, figure.layout, {responsive: true, displayModeBar: false});
      target.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
