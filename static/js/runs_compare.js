// Comparison page: every job's curves overlaid, one colour per job (validation accuracy; train and val loss),
// and two scatters of accuracy against cost (CPU latency; parameters on a log scale), one point per job.
(function () {
  "use strict";

  const C = window.RunCharts;
  const runs = JSON.parse(document.getElementById("compare-data").textContent);
  const points = JSON.parse(document.getElementById("tradeoff-data").textContent);
  const accuracyCanvas = document.getElementById("compare-accuracy");
  if (!accuracyCanvas || !runs.length) return;

  const colorOf = (index) => C.COLORS[index % C.COLORS.length];
  const curve = (epochs, key) => epochs.filter((e) => e[key] !== null).map((e) => ({ x: e.epoch, y: e[key] }));

  // ---- Curves. The loss chart draws two lines per job but lists each job once: its legend entry shows and hides
  // both lines, and the line styles (solid train, dashed validation) are explained once above the chart.
  function curves() {
    const accuracy = [];
    const loss = [];
    runs.forEach((run, index) => {
      const name = "#" + run.id + " " + run.model_label;
      accuracy.push(Object.assign(C.series(name, colorOf(index)), { data: curve(run.epochs, "val_accuracy") }));
      loss.push(Object.assign(C.series(name, colorOf(index)), { data: curve(run.epochs, "loss"), job: run.id }));
      const dashed = C.series(name + " (validation)", colorOf(index), { borderDash: [6, 4] });
      loss.push(Object.assign(dashed, { data: curve(run.epochs, "val_loss"), job: run.id, validation: true }));
    });
    C.lineChart(accuracyCanvas, "validation accuracy", true, accuracy);
    const lossChart = C.lineChart(document.getElementById("compare-loss"), "loss", false, loss);
    const legend = lossChart.options.plugins.legend;
    legend.labels.filter = (item, data) => !data.datasets[item.datasetIndex].validation;
    legend.onClick = (event, item, chart) => {
      const job = chart.data.datasets[item.datasetIndex].job;
      const visible = chart.isDatasetVisible(item.datasetIndex);
      chart.data.datasets.forEach((dataset, index) => {
        if (dataset.job === job) chart.setDatasetVisibility(index, !visible);
      });
      chart.update();
    };
    lossChart.update("none");
  }

  // ---- Trade-off scatters: shape by role (square teacher; filled circle distilled; hollow circle from labels).
  const pointLabels = {
    id: "pointLabels",
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillStyle = "#1f2733";
      ctx.textBaseline = "middle";
      chart.data.datasets.forEach((dataset, index) => {
        if (!chart.isDatasetVisible(index)) return;
        chart.getDatasetMeta(index).data.forEach((element) => ctx.fillText(dataset.short, element.x + 9, element.y));
      });
      ctx.restore();
    },
  };

  function marker(point, index) {
    const color = colorOf(index);
    const style = point.role === "teacher" ? "rect" : "circle";
    const filled = point.role === "teacher" || point.distilled;
    const how = point.role === "teacher" ? "" : point.distilled ? " (distilled)" : " (from labels)";
    return {
      label: point.label + how, short: "#" + point.id, data: [], pointStyle: style,
      pointRadius: 7, pointHoverRadius: 9, borderWidth: 2, borderColor: color,
      backgroundColor: filled ? color : "#ffffff",
    };
  }

  function compact(value) {
    if (value >= 1e6) return value / 1e6 + "M";
    if (value >= 1e3) return value / 1e3 + "k";
    return String(value);
  }

  function scatter(canvas, key, xAxis, format) {
    const datasets = points.map((point, index) => {
      const dataset = marker(point, index);
      if (point[key] !== null && point.accuracy !== null && point.accuracy !== undefined) {
        dataset.data = [{ x: point[key], y: point.accuracy }];
      }
      return dataset;
    });
    canvas.dataset.points = datasets.filter((dataset) => dataset.data.length).length;
    return new Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      plugins: [pointLabels],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { right: 36 } },
        scales: {
          x: xAxis,
          y: { title: { display: true, text: "accuracy" }, grace: "5%", ticks: { callback: (value) => C.percent(value) } },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, filter: (item, data) => data.datasets[item.datasetIndex].data.length > 0 } },
          tooltip: { callbacks: { label: (context) => context.dataset.label + ": " + C.percent(context.parsed.y) + " at " + format(context.parsed.x) } },
        },
      },
    });
  }

  function tradeoffs() {
    const latency = document.getElementById("tradeoff-latency");
    const parameters = document.getElementById("tradeoff-parameters");
    if (!latency || !parameters) return;
    scatter(latency, "latency_ms", {
      type: "linear", grace: "10%", title: { display: true, text: "CPU latency, batch 1 (ms)" },
    }, (value) => value.toFixed(2) + " ms");
    scatter(parameters, "parameters", {
      type: "logarithmic", title: { display: true, text: "parameters (log scale)" },
      ticks: { callback: (value) => (/^[125]/.test(String(value)) ? compact(value) : "") },
    }, (value) => value.toLocaleString("en-US") + " parameters");
  }

  curves();
  tradeoffs();
})();
