// Draws every plotly figure whose JSON the page carries in <script type="application/json" data-chart>.
(function () {
  "use strict";
  function draw(root) {
    root.querySelectorAll("script[data-chart]").forEach(function (source) {
      var target = document.getElementById(source.dataset.chart);
      if (!target || target.dataset.drawn) { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(target, figure.data, figure.layout, {responsive: true, displaylogo: false});
      target.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
