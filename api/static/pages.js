// Draws the measure chart with plotly when it is loaded; without JavaScript the table above it stays.
(function () {
  var data = document.getElementById("chart-data");
  var box = document.getElementById("chart");
  if (!data || !box || !window.Plotly) return;
  var chart = JSON.parse(data.textContent);
  var traces = chart.traces.map(function (t) {
    return { type: "scatter", mode: "lines+markers", name: t.name, x: t.x, y: t.y };
  });
  var layout = {
    margin: { l: 48, r: 12, t: 12, b: 40 }, height: 380, hovermode: "closest",
    legend: { orientation: "h", y: -0.2 }, xaxis: { type: "category", categoryorder: "array", categoryarray: chart.periods, title: { text: "period" } },
    yaxis: { title: { text: chart.traces.length ? chart.traces[0].unit : "" } },
    font: { family: "system-ui, sans-serif", size: 12 }
  };
  window.Plotly.newPlot(box, traces, layout, { responsive: true, displaylogo: false });
})();
