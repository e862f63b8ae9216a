// Job page: curves, epoch table, throughput and ETA, kept live over the job's feed (live_feed.js, /ws/runs/<id>/).
// The page starts from the history embedded in it; the feed catches up through /api/runs/<id>/ on every
// (re)connect, so nothing published before the subscription or while disconnected is missed.
(function () {
  "use strict";

  const C = window.RunCharts;
  const initial = JSON.parse(document.getElementById("run-data").textContent);
  const runId = initial.id;
  const epochs = new Map(); // epoch number -> ProgressEvent of kind "epoch"
  const batchLoss = C.series("train (live)", "#adb5bd", { pointRadius: 0, borderWidth: 1 });
  const batchAccuracy = C.series("train (live)", "#adb5bd", { pointRadius: 0, borderWidth: 1 });
  const lossSeries = [batchLoss, C.series("train", C.COLORS[0]), C.series("validation", C.COLORS[1])];
  const accuracySeries = [batchAccuracy, C.series("train", C.COLORS[0]), C.series("validation", C.COLORS[1])];
  const lossCanvas = document.getElementById("loss-chart");
  const lossChart = C.lineChart(lossCanvas, "loss", false, lossSeries);
  const accuracyChart = C.lineChart(document.getElementById("accuracy-chart"), "accuracy", true, accuracySeries);
  const TERMINAL = ["succeeded", "failed", "cancelled"];
  let status = initial.status;

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function showProgress(event) {
    text("stat-epoch", event.epoch + " / " + event.epochs);
    text("stat-step", event.step + " / " + event.steps_per_epoch);
    text("stat-speed", Math.round(event.images_per_s).toLocaleString());
    text("stat-eta", TERMINAL.includes(status) ? "—" : C.duration(event.eta_s));
  }

  function epochRow(event) {
    const cells = [
      event.epoch, C.number(event.loss), C.percent(event.accuracy), C.number(event.val_loss),
      C.percent(event.val_accuracy), C.number(event.val_macro_f1), Math.round(event.images_per_s).toLocaleString(),
      Number(event.lr).toPrecision(3),
    ];
    const row = document.createElement("tr");
    cells.forEach((value, index) => {
      const cell = document.createElement("td");
      cell.textContent = value;
      if (index) cell.className = "num";
      row.appendChild(cell);
    });
    return row;
  }

  function renderEpochs() {
    const ordered = Array.from(epochs.values()).sort((a, b) => a.epoch - b.epoch);
    lossSeries[1].data = ordered.map((e) => ({ x: e.epoch, y: e.loss }));
    lossSeries[2].data = ordered.filter((e) => e.val_loss !== null).map((e) => ({ x: e.epoch, y: e.val_loss }));
    accuracySeries[1].data = ordered.map((e) => ({ x: e.epoch, y: e.accuracy }));
    accuracySeries[2].data = ordered.filter((e) => e.val_accuracy !== null).map((e) => ({ x: e.epoch, y: e.val_accuracy }));
    document.querySelector("#epochs tbody").replaceChildren(...ordered.map(epochRow));
    document.getElementById("no-epochs").hidden = ordered.length > 0;
    const best = Math.max(...ordered.map((e) => e.val_accuracy ?? -1));
    if (best >= 0) text("stat-best", C.percent(best));
    lossCanvas.dataset.epochPoints = ordered.length;
    redraw();
  }

  function redraw() {
    lossChart.update("none");
    accuracyChart.update("none");
  }

  function addEpoch(event) {
    epochs.set(event.epoch, event);
    renderEpochs();
    showProgress(event);
  }

  function addBatch(event) {
    const x = event.epoch - 1 + event.step / Math.max(1, event.steps_per_epoch);
    batchLoss.data.push({ x: x, y: event.loss });
    batchAccuracy.data.push({ x: x, y: event.accuracy });
    lossCanvas.dataset.batchPoints = batchLoss.data.length;
    redraw();
    showProgress(event);
  }

  function showStatus(run) {
    const badge = document.querySelector("#run-status [data-role=status]");
    badge.className = "badge badge-" + run.status;
    badge.textContent = run.status_label;
    document.querySelector("#run-status [data-role=cpu]").hidden = !(run.runs_on_cpu && !TERMINAL.includes(run.status));
    const message = document.getElementById("run-message");
    if (run.status !== "queued") message.textContent = run.status_message;
    message.classList.toggle("failed", run.status === "failed");
    const wasActive = !TERMINAL.includes(status);
    status = run.status;
    // A finished job shows its results and other buttons: the server renders those.
    if (wasActive && TERMINAL.includes(status)) {
      feed.stop();
      setTimeout(() => window.location.reload(), 1500);
    }
  }

  function onEvent(message) {
    if (message.event === "run.progress") addBatch(message.data);
    else if (message.event === "run.epoch") addEpoch(message.data);
    else if (message.event === "run.status") showStatus(message.data);
  }

  async function catchUp() {
    const run = await window.LiveFeed.fetchJson("/api/runs/" + runId + "/");
    run.epochs.forEach((event) => epochs.set(event.epoch, event));
    renderEpochs();
    if (run.progress && run.progress.kind) showProgress(run.progress);
    if (run.status !== status) showStatus(run);
  }

  initial.epochs.forEach((event) => epochs.set(event.epoch, event));
  renderEpochs();
  if (initial.progress && initial.progress.kind) showProgress(initial.progress);
  const feed = TERMINAL.includes(status)
    ? null
    : window.LiveFeed.open({ url: "/ws/runs/" + runId + "/", catchUp: catchUp, onEvent: onEvent });
})();
