// Job page: curves, epoch table, throughput and ETA, kept live over the job's feed (live_feed.js, /ws/runs/<id>/).
// The page starts from the job embedded in it; the feed catches up through /api/runs/<id>/ on every (re)connect,
// so nothing published before the subscription or while disconnected is missed. Status changes are rendered
// from the `run.status` event itself (runs_detail_status.js): the buttons and facts are right at once.
(function () {
  "use strict";

  const C = window.RunCharts;
  const View = window.RunStatusView;
  const initial = JSON.parse(document.getElementById("run-data").textContent);
  const runId = initial.id;
  const epochs = new Map(); // epoch number -> ProgressEvent of kind "epoch"
  let run = initial;
  let latest = null; // the furthest ProgressEvent seen (batch or epoch): its `epochs` is the current plan

  const live = { pointRadius: 0, borderWidth: 1 };
  const batchLoss = C.series("train (live)", "#adb5bd", live);
  const batchAccuracy = C.series("train (live)", "#adb5bd", live);
  const trainLoss = C.series("train, per epoch", C.COLORS[0]);
  const valLoss = C.series("validation", C.COLORS[1]);
  const trainAccuracy = C.series("train", C.COLORS[0]);
  const valAccuracy = C.series("validation", C.COLORS[1]);
  const lossCanvas = document.getElementById("loss-chart");
  const charts = [
    C.lineChart(lossCanvas, "loss", false, [batchLoss, trainLoss]),
    C.lineChart(document.getElementById("val-loss-chart"), "loss", false, [valLoss]),
    C.lineChart(document.getElementById("accuracy-chart"), "accuracy", true, [batchAccuracy, trainAccuracy, valAccuracy]),
  ];

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function noteProgress(event) {
    if (!event || !event.kind) return;
    const further = !latest || event.epoch > latest.epoch || (event.epoch === latest.epoch && event.step >= latest.step);
    if (further) latest = event;
  }

  // A finished job's planned epochs are the ones it ran (metrics.epochs): a time limit may have cut the plan.
  function showProgress() {
    if (!latest) return;
    const finished = View.isFinished(run);
    const planned = finished && run.metrics && run.metrics.epochs ? run.metrics.epochs : latest.epochs;
    text("stat-epoch", latest.epoch + " / " + planned);
    text("stat-step", latest.step + " / " + latest.steps_per_epoch);
    text("stat-speed", Math.round(latest.images_per_s).toLocaleString("en-US"));
    text("stat-eta", finished ? "—" : C.duration(latest.eta_s));
  }

  function epochRow(event) {
    const cells = [
      event.epoch, C.number(event.loss), C.percent(event.accuracy), C.number(event.val_loss),
      C.percent(event.val_accuracy), C.number(event.val_macro_f1), Math.round(event.images_per_s).toLocaleString("en-US"),
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
    const validated = (key) => ordered.filter((e) => e[key] !== null).map((e) => ({ x: e.epoch, y: e[key] }));
    trainLoss.data = ordered.map((e) => ({ x: e.epoch, y: e.loss }));
    valLoss.data = validated("val_loss");
    trainAccuracy.data = ordered.map((e) => ({ x: e.epoch, y: e.accuracy }));
    valAccuracy.data = validated("val_accuracy");
    document.querySelector("#epochs tbody").replaceChildren(...ordered.map(epochRow));
    document.getElementById("no-epochs").hidden = ordered.length > 0;
    const best = Math.max(...ordered.map((e) => e.val_accuracy ?? -1));
    if (best >= 0) text("stat-best", C.percent(best));
    lossCanvas.dataset.epochPoints = ordered.length;
  }

  function render() {
    renderEpochs();
    showProgress();
    charts.forEach((chart) => chart.update("none"));
  }

  function addBatch(event) {
    const x = event.epoch - 1 + event.step / Math.max(1, event.steps_per_epoch);
    batchLoss.data.push({ x: x, y: event.loss });
    batchAccuracy.data.push({ x: x, y: event.accuracy });
    lossCanvas.dataset.batchPoints = batchLoss.data.length;
    noteProgress(event);
  }

  function addEpoch(event) {
    epochs.set(event.epoch, event);
    noteProgress(event);
  }

  function showRun(data) {
    run = data;
    View.apply(run);
    if (View.isFinished(run) && feed) feed.stop(); // nothing more will happen to it
  }

  function onEvent(message) {
    if (message.event === "run.progress") addBatch(message.data);
    else if (message.event === "run.epoch") addEpoch(message.data);
    else if (message.event === "run.status") showRun(message.data);
  }

  async function catchUp() {
    const data = await window.LiveFeed.fetchJson("/api/runs/" + runId + "/");
    data.epochs.forEach(addEpoch);
    noteProgress(data.progress);
    showRun(data);
    render();
  }

  View.localTimes();
  initial.epochs.forEach(addEpoch);
  noteProgress(initial.progress);
  render();
  const feed = View.isFinished(run)
    ? null
    : window.LiveFeed.open({ url: "/ws/runs/" + runId + "/", catchUp: catchUp, onEvent: onEvent, onBatch: render });
})();
