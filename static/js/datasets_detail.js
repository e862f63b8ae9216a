// Dataset page: every queued or running import follows its live feed (/ws/dataset-imports/<id>/, see
// live_feed.js) and shows progress as the worker reports it. When an import ends the page reloads, so the new
// version, the errors and the skipped files are rendered by the server exactly as after a manual reload.
(function () {
  "use strict";

  const ACTIVE = new Set(["queued", "running"]);

  // Each version of the lineage is indented by its depth; an inline style attribute would break the page's CSP.
  document.querySelectorAll(".lineage-name[data-depth]").forEach((cell) => {
    cell.style.setProperty("--depth", cell.dataset.depth);
  });

  function render(element, data) {
    const bar = element.querySelector(".import-progress");
    if (bar) bar.value = data.progress;
    const message = element.querySelector("[data-role=message]");
    if (message) message.textContent = data.message;
    const status = element.querySelector("[data-role=status]");
    if (status) status.textContent = data.status_label;
    element.dataset.status = data.status;
  }

  function follow(element) {
    const id = element.dataset.importId;
    let ended = false;
    const show = (data) => {
      render(element, data);
      if (ACTIVE.has(data.status) || ended) return;
      ended = true;
      feed.stop();
      window.location.reload();
    };
    const feed = window.LiveFeed.open({
      url: "/ws/dataset-imports/" + id + "/",
      catchUp: async () => show(await window.LiveFeed.fetchJson("/api/datasets/imports/" + id + "/")),
      onEvent: (message) => {
        if (message.event === "dataset_import.updated") show(message.data);
      },
    });
  }

  document.querySelectorAll(".import[data-import-id]").forEach((element) => {
    if (ACTIVE.has(element.dataset.status)) follow(element);
  });
})();
