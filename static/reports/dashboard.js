// The dashboards' charts, drawn from the JSON the page carries (each has its table beside it), and the city
// dashboard's ward table, which htmx swaps in place when it is sorted, filtered or paged.
(function () {
  function drawCharts() {
    var source = document.getElementById("chart-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var names = document.getElementById("chart-labels").dataset;
    var criteria = document.getElementById("chart-criteria");
    if (criteria && !Chart.getChart(criteria)) {
      new Chart(criteria, {
        type: "bar",
        data: {labels: data.criteria.labels, datasets: [{label: names.met, data: data.criteria.values, backgroundColor: "#c62828"}]},
        options: {animation: false, scales: {y: {min: 0, max: 100}}, plugins: {legend: {display: false}}}
      });
    }
    var trend = document.getElementById("chart-trend");
    var trendData = document.getElementById("trend-data");
    if (trend && trendData && !Chart.getChart(trend)) {
      data.trend = JSON.parse(trendData.textContent);
      var labels = data.trend.labels.slice();
      var last = labels.length - 1;
      // A month still open is drawn apart: its last segment dashed, its point hollow, its label saying so.
      var open = data.trend.open && last >= 0;
      if (open) labels[last] = labels[last] + " (" + names.open + ")";
      var dashed = function (ctx) { return open && ctx.p1DataIndex === last ? [6, 4] : []; };
      var line = function (label, values, colour) {
        return {label: label, data: values, borderColor: colour, tension: 0.2, segment: {borderDash: dashed},
          pointBackgroundColor: function (ctx) { return open && ctx.dataIndex === last ? "#fff" : colour; }, pointRadius: function (ctx) { return open && ctx.dataIndex === last ? 5 : 3; }};
      };
      new Chart(trend, {
        type: "line",
        data: {labels: labels, datasets: [
          line(names.reported, data.trend.reported, "#1565c0"),
          line(names.complete, data.trend.complete, "#2e7d32")
        ]},
        options: {animation: false, scales: {y: {beginAtZero: true}}}
      });
    }
  }
  drawCharts();
  // Before htmx keeps the page in its history (a sorted table is pushed as a new address), the charts are taken
  // down: Chart.js sizes its canvases with inline styles, which the Content-Security-Policy would refuse when the
  // kept page comes back. They are drawn again at once, and on the way back.
  document.addEventListener("htmx:beforeHistorySave", function () {
    if (!window.Chart) return;
    document.querySelectorAll("canvas").forEach(function (canvas) {
      var chart = Chart.getChart(canvas);
      if (chart) chart.destroy();
      canvas.removeAttribute("style");
    });
  });
  document.addEventListener("htmx:pushedIntoHistory", drawCharts);
  document.addEventListener("htmx:historyRestore", drawCharts);
  // The months arrive after the page.
  document.addEventListener("htmx:afterSettle", drawCharts);
  // After the ward table is swapped, the keyboard stays where it was: htmx puts the focus back on the sort
  // link of the same id; a pagination link has none, so the table's heading takes it (without scrolling).
  document.addEventListener("htmx:afterSettle", function (event) {
    var box = event.detail.elt;
    if (!box || !box.closest || !box.closest("#ward-table")) return;
    var active = document.activeElement;
    if (!active || active === document.body || !document.body.contains(active)) {
      var heading = document.getElementById("ward-table-title");
      if (heading) heading.focus({preventScroll: true});
    }
  });
})();
