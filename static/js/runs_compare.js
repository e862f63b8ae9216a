// Comparison page: every job's curves overlaid, one colour per job (validation accuracy; train and val loss).
(function () {
  "use strict";

  const C = window.RunCharts;
  const runs = JSON.parse(document.getElementById("compare-data").textContent);
  const accuracyCanvas = document.getElementById("compare-accuracy");
  if (!accuracyCanvas || !runs.length) return;

  const points = (epochs, key) => epochs.filter((e) => e[key] !== null).map((e) => ({ x: e.epoch, y: e[key] }));
  const accuracy = [];
  const loss = [];
  runs.forEach((run, index) => {
    const color = C.COLORS[index % C.COLORS.length];
    const name = "#" + run.id + " " + run.model_label;
    accuracy.push(Object.assign(C.series(name, color), { data: points(run.epochs, "val_accuracy") }));
    loss.push(Object.assign(C.series(name + " train", color), { data: points(run.epochs, "loss") }));
    loss.push(Object.assign(C.series(name + " val", color, { borderDash: [6, 4] }), { data: points(run.epochs, "val_loss") }));
  });
  C.lineChart(accuracyCanvas, "validation accuracy", true, accuracy);
  C.lineChart(document.getElementById("compare-loss"), "loss", false, loss);
})();
