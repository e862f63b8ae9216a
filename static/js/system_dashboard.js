// Dashboard: the team's counts and latest jobs and datasets, read again from /api/dashboard/ every few seconds
// while the tab is visible (a job finishing or a dataset arriving shows up without a reload).
(function () {
  "use strict";

  const summary = document.getElementById("summary");
  if (!summary) return;
  const REFRESH_MS = 10000;

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  // The same wording as the studio_time `ago` filter: "just now", then one unit.
  function ago(iso) {
    const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 60) return "just now";
    const units = [["year", 365 * 86400], ["month", 30 * 86400], ["week", 7 * 86400], ["day", 86400], ["hour", 3600], ["minute", 60]];
    const [unit, size] = units.find(([, size]) => seconds >= size);
    return plural(Math.floor(seconds / size), unit) + " ago";
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) {
    const node = element("a", "", text);
    node.href = href;
    return node;
  }

  function jobItem(job) {
    const item = element("li");
    const accuracy = job.accuracy === null ? "" : (job.accuracy * 100).toFixed(1) + "% · ";
    item.append(link(job.url, "#" + job.id + " " + job.model_label), " ",
      element("span", "badge badge-" + job.status, job.status_label), " ",
      element("small", "muted", accuracy + ago(job.created_at)));
    return item;
  }

  function datasetItem(dataset) {
    const item = element("li");
    const version = dataset.latest_version
      ? dataset.latest_version + " · " + dataset.faces.toLocaleString("en-US") + " faces"
      : "no version yet";
    item.append(link(dataset.url, dataset.name), " ", element("small", "muted", version + " · " + ago(dataset.created_at)));
    return item;
  }

  function renderList(id, items, render) {
    const list = document.querySelector("#" + id + " .latest-list");
    if (items.length) list.replaceChildren(...items.map(render));
  }

  function render(data) {
    summary.querySelector("[data-role=datasets]").textContent = data.dataset_count
      ? plural(data.dataset_count, "dataset") + " · " + plural(data.version_count, "version")
      : "No datasets yet.";
    summary.querySelector("[data-role=jobs]").textContent = data.job_count
      ? plural(data.job_count, "job") + " · " + data.active_job_count + " queued or running · " + plural(data.model_count, "model")
      : "No jobs yet.";
    renderList("latest-jobs", data.latest_jobs, jobItem);
    renderList("latest-datasets", data.latest_datasets, datasetItem);
  }

  async function refresh() {
    if (document.hidden) return;
    try {
      const response = await fetch(summary.dataset.url, { credentials: "same-origin" });
      if (response.ok) render(await response.json());
    } catch (error) {
      console.warn("dashboard refresh failed:", error);
    }
  }

  setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", refresh);
})();
