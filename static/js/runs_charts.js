// Shared by the job page and the comparison: Chart.js line charts over epochs, and number formats.
// Renders kdcore ProgressEvent fields only; no business rules.
window.RunCharts = (function () {
  "use strict";

  const COLORS = ["#3b5bdb", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0c8599", "#5c940d", "#862e9c"];

  function percent(value, digits) {
    if (value === null || value === undefined) return "—";
    return (value * 100).toFixed(digits === undefined ? 1 : digits) + "%";
  }

  function number(value, digits) {
    if (value === null || value === undefined) return "—";
    return Number(value).toFixed(digits === undefined ? 3 : digits);
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const total = Math.round(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = total % 60;
    if (hours) return hours + " h " + String(minutes).padStart(2, "0") + " min";
    return minutes ? minutes + " min " + String(secs).padStart(2, "0") + " s" : secs + " s";
  }

  function series(label, color, options) {
    return Object.assign(
      { label: label, data: [], borderColor: color, backgroundColor: color, pointRadius: 3, borderWidth: 2, tension: 0.15 },
      options || {}
    );
  }

  // A legend entry for a line with no points is a promise the chart does not keep (e.g. "train (live)" after a
  // reload: batch points are never stored), so lines without data stay out of the legend until they have some.
  function hasData(item, chartData) {
    return chartData.datasets[item.datasetIndex].data.length > 0;
  }

  function lineChart(canvas, yTitle, asPercent, datasets) {
    const ticks = asPercent ? { callback: (value) => Math.round(value * 1000) / 10 + "%" } : {};
    return new Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: { type: "linear", min: 0, title: { display: true, text: "epoch" }, ticks: { precision: 0 } },
          y: { title: { display: true, text: yTitle }, ticks: ticks },
        },
        plugins: { legend: { position: "bottom", labels: { filter: hasData } } },
      },
    });
  }

  return { COLORS: COLORS, percent: percent, number: number, duration: duration, series: series, lineChart: lineChart };
})();
