// A recording's page (and the read-only shared report): the analysis's status, its timeline drawn live from
// /ws/analyses/<id>/ while it runs, then the report once it succeeds, all without reloading the page.
//
// Live: `analysis.frames` rows are kept per track and the track with the most rows so far is drawn (most likely the
// participant); `/live/` catches up on every (re)connect, so a reload shows everything so far and keeps streaming.
// Report: `/timeline/` (smoothed bins of the participant's track) and `/report/` (distribution, tasks); a shared
// page reads the same from its share URL. Charts, player sync and the report's sections live in their own files.
(function () {
  "use strict";

  const Api = window.RecordingsApi;
  const Charts = window.RecordingCharts;
  const Report = window.RecordingReport;
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const FINAL = ["succeeded", "failed", "cancelled"];
  const LIVE_STEP_S = 0.1; // the worker sends at most 10 rows a second of video per track
  const recording = data.recording;
  const info = recording.info || {};
  const canvas = document.getElementById("timeline-chart");
  const player = window.RecordingPlayer.create(canvas);
  const state = {
    analysis: data.analysis, recordingStatus: recording.status, mode: "", feed: null, track: null,
    live: Charts.liveStore(),
  };
  const analysisApi = () => "/api/recordings/analyses/" + state.analysis.id + "/";
  const page = {
    shared: data.shared,
    isImage: Boolean(info.is_image),
    analysisId: () => state.analysis.id,
    currentTime: player.currentTime,
    seek: player.seek,
    reload: () => loadReport(),
    setParticipant: setParticipant,
    momentUrl: (image) =>
      (data.shared ? data.urls.moments : "/recordings/analyses/" + state.analysis.id + "/moments/") + image,
  };
  const chart = canvas ? Charts.timelineChart(canvas, (seconds) => player.seek(seconds), player.renderTaskBar) : null;

  function text(id, value) {
    const node = document.getElementById(id);
    if (node) node.textContent = value;
  }

  function badge(id, status, label) {
    const node = document.getElementById(id);
    if (!node) return;
    node.className = "badge badge-" + status;
    node.textContent = label;
  }

  // --- status ----------------------------------------------------------------------------------------------------

  function showRecording(rec) {
    Object.assign(info, rec.info || {});
    state.recordingStatus = rec.status;
    badge("recording-status", rec.status, rec.status_label);
    const message = document.getElementById("recording-message");
    if (message) {
      message.textContent = rec.status === "succeeded" && rec.message === "Ready" ? "" : rec.message;
      message.classList.toggle("failed", rec.status === "failed");
    }
    showFacts();
    if (rec.status === "failed") showUnusable();
    // The page was drawn before preparation found this is a photo: draw it again as one.
    if (info.is_image && !page.isImage) window.location.reload();
    player.ensure(rec);
  }

  // Preparation found the file unusable: its message (above) is all there is; nothing can be played or analysed.
  function showUnusable() {
    ["analysis-card", "player-card", "analyse-form", "retry-form", "cancel-form"].forEach((id) => {
      const node = document.getElementById(id);
      if (node) node.hidden = true;
    });
    if (state.feed) state.feed.stop();
  }

  // The page was drawn before the probe: add what it found under the file's name.
  function showFacts() {
    const facts = document.getElementById("recording-facts");
    if (!facts || facts.querySelector("[data-role=video]") || !info.width) return;
    const term = document.createElement("dt");
    const value = document.createElement("dd");
    term.textContent = info.is_image ? "Photo" : "Video";
    value.dataset.role = "video";
    const size = info.width + "×" + info.height;
    value.textContent = info.is_image ? size : [Number(info.duration_s).toFixed(1) + " s", size,
      Number(info.frame_rate).toFixed(2) + " fps", info.codec].join(", ") + (info.has_audio ? ", with audio" : "");
    facts.append(term, value);
  }

  function showProgress(analysis) {
    const progress = analysis.progress || {};
    const summary = analysis.summary || {};
    const done = analysis.status === "succeeded";
    const total = done ? summary.frames : progress.frames_total;
    const frames = done ? summary.frames : progress.frames_done;
    const bar = document.getElementById("analysis-progress");
    if (bar) {
      bar.max = total || 1;
      bar.value = done ? bar.max : frames || 0;
      bar.hidden = FINAL.includes(analysis.status);
    }
    const of = total ? " / " + total.toLocaleString() : "";
    text("stat-frames", frames === undefined ? "—" : frames.toLocaleString() + of);
    const rate = done ? summary.frames_per_s : progress.frames_per_s;
    text("stat-fps", rate ? Math.round(rate).toLocaleString() : "—");
    text("stat-eta-label", done ? "Took" : "Left");
    const running = analysis.status === "running" && progress.eta_s !== null && progress.eta_s !== undefined;
    text("stat-eta", done ? Api.duration(summary.seconds) : running ? Api.duration(progress.eta_s) : "—");
  }

  function showAnalysis(analysis) {
    const before = state.analysis.status;
    state.analysis = analysis;
    badge("analysis-status", analysis.status, analysis.status_label);
    const cpu = document.getElementById("analysis-cpu");
    if (cpu) cpu.hidden = !(analysis.runs_on_cpu && !FINAL.includes(analysis.status));
    showProgress(analysis);
    const message = document.getElementById("analysis-message");
    if (message) {
      const stopping = analysis.cancel_requested && !FINAL.includes(analysis.status);
      message.textContent = stopping ? "Stopping: its worker stops within seconds." : analysis.status_message;
      message.classList.toggle("failed", analysis.status === "failed");
    }
    showActions(analysis);
    showInPicker(analysis);
    if (before !== "succeeded" && analysis.status === "succeeded") loadReport();
    if (FINAL.includes(analysis.status) && state.feed) state.feed.stop();
  }

  function showActions(analysis) {
    const active = !FINAL.includes(analysis.status);
    const cancel = document.getElementById("cancel-form");
    const retry = document.getElementById("retry-form");
    if (cancel) cancel.hidden = !active || analysis.cancel_requested;
    if (retry) retry.hidden = active || state.recordingStatus === "failed";
  }

  // The list of this recording's analyses (when there are several): the one shown, with its current status.
  function showInPicker(analysis) {
    const picker = document.querySelector(".analysis-picker");
    if (!picker) return;
    let link = picker.querySelector('a[href="?analysis=' + analysis.id + '"]');
    if (!link) {
      link = document.createElement("a");
      link.href = "?analysis=" + analysis.id;
      picker.insertBefore(link, picker.querySelector("a"));
    }
    picker.querySelectorAll("a").forEach((other) => other.removeAttribute("aria-current"));
    link.setAttribute("aria-current", "true");
    link.textContent = "#" + analysis.id + " · " + analysis.status_label;
  }

  // --- live timeline -------------------------------------------------------------------------------------------

  function drawLive() {
    if (state.mode !== "live" || !chart) return;
    const best = state.live.busiest();
    const bucket = Charts.bucketWidth(info.duration_s, LIVE_STEP_S);
    const gap = Math.max(0.6, 3 / (info.frame_rate || 30), 2.5 * bucket);
    const drawn = best
      ? Charts.series(best.series.times, best.series.probs, best.series.valence, bucket, gap)
      : { lines: Array.from({ length: 8 }, () => []), points: 0 };
    Charts.show(chart, drawn, info.duration_s);
    canvas.dataset.mode = "live";
    canvas.dataset.liveRows = String(best ? best.series.times.length : 0);
    canvas.dataset.liveEvents = String(state.live.events);
    text("timeline-note", best ? "live · face " + best.id : "live · waiting for the first faces");
  }

  async function catchUpLive() {
    const answer = await LiveFeed.fetchJson(analysisApi() + "live/");
    const events = state.live.events;
    state.live = Charts.liveStore();
    state.live.events = events;
    state.live.add(answer.rows);
    drawLive();
    showAnalysis(answer.analysis);
    showRecording(await LiveFeed.fetchJson("/api/recordings/" + recording.id + "/"));
  }

  function onEvent(message) {
    if (message.event === "analysis.frames") {
      state.live.events += 1;
      state.live.add(message.data.rows);
    } else if (message.event === "analysis.status") {
      showAnalysis(message.data);
    } else if (message.event === "recording.status") {
      showRecording(message.data);
    }
  }

  function follow() {
    state.mode = "live";
    state.live = Charts.liveStore();
    drawLive();
    const analysisFeed = LiveFeed.open({
      url: "/ws/analyses/" + state.analysis.id + "/", catchUp: catchUpLive, onEvent: onEvent, onBatch: drawLive,
    });
    state.feed = analysisFeed;
    if (FINAL.includes(state.recordingStatus)) return;
    const recordingFeed = followRecording();
    state.feed = { stop: () => (analysisFeed.stop(), recordingFeed.stop()) };
  }

  // The recording's preparation (probe, poster, playable copy), until it ends.
  function followRecording() {
    const stopWhenFinal = () => FINAL.includes(state.recordingStatus) && feed.stop();
    const feed = LiveFeed.open({
      url: "/ws/recordings/" + recording.id + "/",
      catchUp: async () => {
        showRecording(await LiveFeed.fetchJson("/api/recordings/" + recording.id + "/"));
        stopWhenFinal();
      },
      onEvent: onEvent,
      onBatch: stopWhenFinal,
    });
    return feed;
  }

  // --- the report ------------------------------------------------------------------------------------------------

  function reportUrls(track) {
    if (data.shared) return { timeline: data.urls.timeline, report: data.urls.report };
    const query = track === null ? "" : "?track=" + track;
    return { timeline: analysisApi() + "timeline/", report: analysisApi() + "report/" + query };
  }

  async function loadReport() {
    state.mode = "report";
    state.track = state.analysis.participant_track;
    const summary = state.analysis.summary || {};
    const urls = reportUrls(state.track);
    const [timeline, report] = await Promise.all([LiveFeed.fetchJson(urls.timeline), LiveFeed.fetchJson(urls.report)]);
    if (chart) drawTimeline(timeline, state.track);
    player.setTasks(report.tasks);
    Report.renderDistribution(report.distribution, page);
    Report.renderTasks(report.tasks, page);
    Report.renderMoments(summary.moments || [], state.track, page);
    Report.renderTracks(summary.tracks || [], state.track, page);
    Report.renderExports(state.analysis.id);
    Report.renderShares(page);
    if (page.isImage && !data.shared) {
      Report.renderPhotoFaces(await LiveFeed.fetchJson(analysisApi() + "export/frames.json"), info, state.track);
    }
    document.getElementById("report").hidden = false;
    document.body.dataset.report = "ready";
  }

  function drawTimeline(timeline, track) {
    const entry = timeline.tracks.find((candidate) => candidate.id === track);
    const times = timeline.frames.map((_, index) => (index + 0.5) * timeline.bin_s);
    const bucket = Charts.bucketWidth(timeline.duration_s, timeline.bin_s);
    const drawn = entry
      ? Charts.series(times, entry.probs, entry.valence, bucket, Math.max(0.6, 2.5 * bucket))
      : { lines: Array.from({ length: 8 }, () => []), points: 0 };
    Charts.setOverlay(chart, { absences: Charts.absences(timeline, entry) });
    Charts.show(chart, drawn, timeline.duration_s);
    canvas.dataset.mode = "report";
    text("timeline-note", entry ? "face " + track + ", smoothed" : "no face was found");
  }

  async function setParticipant(track) {
    const answer = await Api.request("PUT", analysisApi() + "participant/", { json: { track: track } });
    if (!answer.ok) {
      Api.showMessages(document.getElementById("track-error"), Api.messages(answer.body, answer.status));
      return;
    }
    state.analysis = answer.body;
    await loadReport();
  }

  // --- actions ---------------------------------------------------------------------------------------------------

  async function post(url, json) {
    const answer = await Api.request("POST", url, json === undefined ? {} : { json: json });
    const errors = answer.ok ? [] : Api.messages(answer.body, answer.status, { model_run: "Model" });
    Api.showMessages(document.getElementById("action-error"), errors);
    return answer.ok ? answer.body : null;
  }

  // A new analysis (retry, or another model): the page follows it from here, and its address says so.
  function switchTo(analysis) {
    if (!state.analysis || !document.getElementById("report")) {
      window.location.assign("?analysis=" + analysis.id);
      return;
    }
    if (state.feed) state.feed.stop();
    document.getElementById("report").hidden = true;
    delete document.body.dataset.report;
    text("analysis-id", "#" + analysis.id);
    text("analysis-model", analysis.model_label);
    window.history.replaceState(null, "", "?analysis=" + analysis.id);
    player.setTasks([]);
    if (chart) Charts.setOverlay(chart, { absences: [] });
    state.analysis = analysis;
    showAnalysis(analysis);
    follow();
  }

  function wireActions() {
    const on = (id, handler) => {
      const form = document.getElementById(id);
      if (form) form.addEventListener("submit", (event) => (event.preventDefault(), handler(form)));
    };
    on("cancel-form", async () => {
      const analysis = await post(analysisApi() + "cancel/");
      if (analysis) showAnalysis(analysis);
    });
    on("retry-form", async () => {
      const analysis = await post(analysisApi() + "retry/");
      if (analysis) switchTo(analysis);
    });
    on("analyse-form", async (form) => {
      const model = form.elements.model_run.value;
      const analysis = await post(form.getAttribute("action"), { model_run: model ? Number(model) : null });
      if (analysis) switchTo(analysis);
    });
    const remove = document.getElementById("delete-form");
    if (!remove) return;
    remove.addEventListener("submit", (event) => window.confirm(remove.dataset.confirm) || event.preventDefault());
  }

  // --- start -----------------------------------------------------------------------------------------------------

  player.attach(chart);
  if (!data.shared) wireActions();
  if (state.analysis) {
    Report.wire(page);
    showAnalysis(state.analysis);
    if (state.analysis.status === "succeeded") loadReport();
    else if (!FINAL.includes(state.analysis.status)) follow();
    else {
      state.mode = "live"; // failed or cancelled: show what it classified before it stopped
      catchUpLive().catch(() => {});
    }
  } else if (!data.shared && !FINAL.includes(recording.status)) {
    followRecording();
  }
})();
