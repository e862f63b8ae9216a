// Recordings list: rows of recordings being prepared or analysed follow /ws/recordings/<id>/ and /ws/analyses/<id>/
// (status, progress) and catch up from /api/recordings/<id>/ on every (re)connect. Finished rows need no feed.
(function () {
  "use strict";

  const FINAL = ["succeeded", "failed", "cancelled"];
  const MAX_FEEDS = 12; // the newest active rows; older ones show their state as of the page load
  const rows = Array.from(document.querySelectorAll("#recording-table tbody tr[data-recording]"));

  function part(row, role) {
    return row.querySelector("[data-role=" + role + "]");
  }

  function shortened(text) {
    return text.length > 100 ? text.slice(0, 99) + "…" : text;
  }

  function badge(element, status, label) {
    element.className = "badge badge-" + status;
    element.textContent = label;
  }

  function showRecording(row, recording) {
    row.dataset.status = recording.status;
    badge(part(row, "status"), recording.status, recording.status_label);
    const message = part(row, "message");
    if (message) {
      message.textContent = recording.status === "succeeded" ? "" : shortened(recording.message);
      message.title = recording.message;
    }
    const info = recording.info || {};
    if (info.is_image) part(row, "duration").textContent = "photo";
    else if (info.duration_s) part(row, "duration").textContent = Number(info.duration_s).toFixed(1) + " s";
    const cell = row.querySelector(".thumb-cell");
    if (recording.poster_url && !cell.querySelector("img")) {
      const image = document.createElement("img");
      image.className = "thumb";
      image.alt = "";
      image.src = recording.poster_url;
      cell.replaceChildren(image);
    }
  }

  function analysisDetail(analysis, row) {
    const progress = analysis.progress || {};
    if (analysis.status === "running" && progress.frames_total) {
      const share = Math.min(1, progress.frames_done / progress.frames_total);
      return Math.floor(share * 100) + "% · " + Math.round(progress.frames_per_s || 0) + " frames/s";
    }
    if (analysis.status === "failed") return row.dataset.status === "failed" ? "" : shortened(analysis.status_message);
    if (analysis.status === "succeeded") {
      const faces = (analysis.summary.tracks || []).length;
      return faces + (faces === 1 ? " face" : " faces");
    }
    return "";
  }

  function showAnalysis(row, analysis) {
    if (String(analysis.id) !== row.dataset.analysis) return;
    row.dataset.analysisStatus = analysis.status;
    badge(part(row, "analysis-status"), analysis.status, analysis.status_label);
    const bar = part(row, "analysis-progress");
    const progress = analysis.progress || {};
    bar.hidden = analysis.status !== "running";
    bar.max = progress.frames_total || 1;
    bar.value = progress.frames_done || 0;
    part(row, "analysis-detail").textContent = analysisDetail(analysis, row);
  }

  // Still being prepared, or its latest analysis still queued or running.
  function active(row) {
    const analysing = row.dataset.analysis && !FINAL.includes(row.dataset.analysisStatus);
    return !FINAL.includes(row.dataset.status) || Boolean(analysing);
  }

  function follow(row) {
    const recordingId = row.dataset.recording;
    const feeds = [];
    const stopWhenFinal = () => {
      if (!active(row)) feeds.forEach((feed) => feed.stop());
    };
    const catchUp = async () => {
      const recording = await LiveFeed.fetchJson("/api/recordings/" + recordingId + "/");
      showRecording(row, recording);
      const latest = recording.analyses.find((analysis) => String(analysis.id) === row.dataset.analysis);
      if (latest) showAnalysis(row, latest);
      stopWhenFinal();
    };
    const onEvent = (message) => {
      if (message.event === "recording.status") showRecording(row, message.data);
      else if (message.event === "analysis.status") showAnalysis(row, message.data);
    };
    const options = { catchUp: catchUp, onEvent: onEvent, onBatch: stopWhenFinal };
    if (!FINAL.includes(row.dataset.status)) {
      feeds.push(LiveFeed.open({ ...options, url: "/ws/recordings/" + recordingId + "/" }));
    }
    if (row.dataset.analysis && !FINAL.includes(row.dataset.analysisStatus)) {
      feeds.push(LiveFeed.open({ ...options, url: "/ws/analyses/" + row.dataset.analysis + "/" }));
    }
  }

  rows
    .filter(active)
    .slice(0, MAX_FEEDS)
    .forEach(follow);
})();
