// Draws the dashboard's two charts from the JSON the page carries; each has its table beside it.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var names = document.getElementById("chart-labels").dataset;
  var criteria = document.getElementById("chart-criteria");
  if (criteria && window.Chart) {
    new Chart(criteria, {
      type: "bar",
      data: {labels: data.criteria.labels, datasets: [{label: names.met, data: data.criteria.values, backgroundColor: "#c62828"}]},
      options: {animation: false, scales: {y: {min: 0, max: 100}}, plugins: {legend: {display: false}}}
    });
  }
  var trend = document.getElementById("chart-trend");
  if (trend && window.Chart) {
    new Chart(trend, {
      type: "line",
      data: {labels: data.trend.labels, datasets: [
        {label: names.reported, data: data.trend.reported, borderColor: "#1565c0", tension: 0.2},
        {label: names.complete, data: data.trend.complete, borderColor: "#2e7d32", tension: 0.2}
      ]},
      options: {animation: false, scales: {y: {beginAtZero: true}}}
    });
  }
  document.querySelectorAll("td.heat").forEach(function (cell) {
    var units = Number(cell.dataset.units), met = Number(cell.dataset.met);
    if (!units) return;
    var share = met / units;
    cell.style.background = "rgba(46, 125, 50, " + (0.1 + 0.6 * share).toFixed(2) + ")";
  });
})();
