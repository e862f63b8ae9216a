// Dataset page: every queued or running import follows its WebSocket (/ws/dataset-imports/<id>/) and shows
// progress as the worker reports it. When an import ends the page reloads, so the new version, the errors and
// the skipped files are rendered by the server exactly as after a manual reload.
(function () {
  "use strict";

  const ACTIVE = new Set(["queued", "running"]);

  function render(element, data) {
    const bar = element.querySelector(".import-progress");
    if (bar) bar.value = data.progress;
    const message = element.querySelector("[data-role=message]");
    if (message) message.textContent = data.message;
    const status = element.querySelector("[data-role=status]");
    if (status) status.textContent = data.status_label;
    element.dataset.status = data.status;
    if (!ACTIVE.has(data.status)) window.location.reload();
  }

  function follow(element) {
    const id = element.dataset.importId;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/ws/dataset-imports/" + id + "/");
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.event === "dataset_import.updated") render(element, event.data);
    });
    // Catch up after subscribing: the worker may have moved on (or finished) before the socket opened.
    socket.addEventListener("open", async () => {
      const response = await fetch("/api/datasets/imports/" + id + "/", { credentials: "same-origin" });
      if (response.ok) render(element, await response.json());
    });
  }

  document.querySelectorAll(".import[data-import-id]").forEach((element) => {
    if (ACTIVE.has(element.dataset.status)) follow(element);
  });
})();
