// Job page: renders a job's JSON (the API's shape, which is also the `run.status` event's payload) into the
// status badge, the message, the buttons, the settings and the result, so the page is right the moment the
// event arrives, with no reload. Formats only; what a state means is in the payload.
window.RunStatusView = (function () {
  "use strict";

  const C = window.RunCharts;
  const TERMINAL = ["succeeded", "failed", "cancelled"];

  function role(name) {
    return document.querySelector("[data-role=" + name + "]");
  }

  function isFinished(run) {
    return TERMINAL.includes(run.status);
  }

  // Dates read in the browser's time zone: every <time> of the page, and any ISO string given.
  function formatTime(iso) {
    return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  function setTime(container, iso) {
    if (!iso) {
      container.textContent = "—";
      return;
    }
    const time = document.createElement("time");
    time.dateTime = iso;
    time.textContent = formatTime(iso);
    container.replaceChildren(time);
  }

  function localTimes() {
    document.querySelectorAll("time[datetime]").forEach((time) => {
      time.textContent = formatTime(time.dateTime);
    });
  }

  function fileSize(bytes) {
    if (bytes === null || bytes === undefined) return "—";
    const units = ["bytes", "KB", "MB", "GB"];
    let size = bytes;
    let unit = 0;
    while (size >= 1024 && unit < units.length - 1) {
      size /= 1024;
      unit += 1;
    }
    return unit ? size.toFixed(1) + " " + units[unit] : size + " bytes";
  }

  function showBadge(run) {
    const badge = document.querySelector("#run-status [data-role=status]");
    badge.className = "badge badge-" + run.status;
    badge.textContent = run.status_label;
    document.querySelector("#run-status [data-role=cpu]").hidden = !(run.runs_on_cpu && !isFinished(run));
  }

  function showMessage(run) {
    const message = document.getElementById("run-message");
    if (run.status !== "queued") message.textContent = run.status_message;
    else if (run.queue_position) message.textContent = "#" + run.queue_position + " in the " + run.queue + " queue: waiting for a worker.";
    message.classList.toggle("failed", run.status === "failed");
  }

  function showActions(run) {
    document.getElementById("cancel-form").hidden = isFinished(run);
    const cancel = role("cancel");
    cancel.disabled = run.cancel_requested;
    cancel.textContent = run.cancel_requested ? "Stopping…" : "Cancel job";
    document.getElementById("retry-form").hidden = !isFinished(run);
    const retry = role("retry");
    retry.classList.toggle("button-primary", run.status !== "succeeded");
    retry.classList.toggle("button-quiet", run.status === "succeeded");
    role("delete").hidden = !isFinished(run);
    role("checkpoint").hidden = !run.has_checkpoint;
    role("onnx").hidden = !run.has_onnx;
  }

  function showSettings(run) {
    role("worker").textContent = (run.worker_hostname || "—") + (run.device ? " (" + run.device + ")" : "");
    setTime(role("started"), run.started_at);
    setTime(role("finished"), run.finished_at);
  }

  function showResults(run) {
    const results = document.getElementById("results");
    results.hidden = run.status !== "succeeded";
    if (results.hidden) return;
    const metrics = run.metrics || {};
    const test = role("test-accuracy");
    if (metrics.test) {
      test.textContent = C.percent(metrics.test.accuracy);
      if (metrics.test_tta_flip) {
        const tta = document.createElement("span");
        tta.className = "muted";
        tta.textContent = "(" + C.percent(metrics.test_tta_flip.accuracy) + " with flip TTA)";
        test.append(" ", tta);
      }
    } else {
      test.textContent = "— (the dataset version has no test split)";
    }
    const val = metrics.val ? C.percent(metrics.val.accuracy) : "—";
    role("val-accuracy").textContent = val + " (best epoch " + (metrics.best_epoch || "—") + ")";
    role("parameters").textContent = run.parameters === null ? "—" : run.parameters.toLocaleString("en-US");
    role("size").textContent = fileSize(run.size_bytes);
    role("disk").textContent = fileSize(run.disk_bytes);
    showLatency(run);
    role("seconds").textContent = C.duration(metrics.seconds);
  }

  // The number, and how it was measured in the server's words (run.latency_summary); a note stays as rendered.
  function showLatency(run) {
    role("latency-ms").textContent = run.latency_ms === null ? "—" : run.latency_ms.toFixed(2) + " ms";
    let how = role("latency-how");
    if (!how && run.latency_summary) {
      how = document.createElement("small");
      how.className = "latency-how muted";
      how.dataset.role = "latency-how";
      role("latency-ms").after(how);
    }
    if (how) how.textContent = run.latency_summary;
    const note = role("latency-note");
    if (note) note.textContent = (run.latency && run.latency.note) || "";
    document.getElementById("latency-form").hidden = run.latency_pending;
  }

  function apply(run) {
    showBadge(run);
    showMessage(run);
    showActions(run);
    showSettings(run);
    showResults(run);
  }

  return { apply: apply, isFinished: isFinished, localTimes: localTimes };
})();
