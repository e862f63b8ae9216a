// "Train on it": one click queues a job on a dataset version with exactly the settings of an earlier job
// (POST /api/runs/<id>/retrain/), so the accuracies of the two differ by the data alone. Used on a version's page
// (server-rendered `[data-retrain]` boxes) and by the Review page after a commit (`Retrain.mount`).
//
//   Retrain.mount(element, { version: 12, versionLabel: "v3", versions: {"10": "v1", "11": "v2"}, prefer: 11 });
//
// `versions` names the dataset's versions by id: jobs on them are offered, those on `prefer` first (the version the
// new one was made from), newest first.
window.Retrain = (function () {
  "use strict";

  const Http = window.StudioHttp;

  function label(run, versions) {
    const accuracy = run.accuracy === null ? "" : " · " + (run.accuracy * 100).toFixed(1) + "%";
    return "Job #" + run.id + " · " + run.model_label + accuracy + " · on " + (versions[run.dataset_version] || "another version");
  }

  function build(box, options) {
    box.classList.add("retrain");
    box.replaceChildren();
    const id = "retrain-job-" + options.version;
    const text = document.createElement("label");
    text.htmlFor = id;
    text.textContent = "With the settings of";
    const select = document.createElement("select");
    select.id = id;
    select.dataset.role = "job";
    select.innerHTML = "<option>Loading jobs…</option>";
    select.disabled = true;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-primary";
    button.dataset.role = "start";
    button.textContent = "Train on " + options.versionLabel;
    button.disabled = true;
    const result = document.createElement("p");
    result.dataset.role = "result";
    result.setAttribute("role", "status");
    box.append(text, select, button, result);
    return { select, button, result };
  }

  // The finished jobs on this dataset's versions (GET /api/runs/ is paged: one page of up to 500, newest first).
  async function jobs(options) {
    const ids = Object.keys(options.versions).join(",");
    const url = "/api/runs/?status=succeeded&limit=500&dataset_version=" + encodeURIComponent(ids);
    const page = await Http.json("GET", url).catch(() => ({ results: [] }));
    const ours = page.results;
    const first = (run) => (String(run.dataset_version) === String(options.prefer) ? 0 : 1);
    return ours.sort((a, b) => first(a) - first(b) || b.id - a.id);
  }

  async function start(parts, options) {
    parts.button.disabled = true;
    parts.result.textContent = "Queueing…";
    const url = "/api/runs/" + parts.select.value + "/retrain/";
    const answer = await Http.request("POST", url, { json: { dataset_version: options.version } });
    const body = answer.body;
    parts.button.disabled = false;
    parts.result.replaceChildren();
    if (answer.status !== 201) {
      parts.result.textContent = "Not queued: " + Http.errorMessage(body, answer.status);
      return;
    }
    const link = document.createElement("a");
    link.href = "/jobs/" + body.id + "/";
    link.textContent = "Job #" + body.id;
    parts.result.append(link, " is queued on " + options.versionLabel + " with job #" + parts.select.value + "'s settings.");
  }

  async function mount(box, options) {
    const parts = build(box, options);
    const found = await jobs(options).catch(() => []);
    parts.select.replaceChildren();
    found.forEach((run) => {
      const option = document.createElement("option");
      option.value = run.id;
      option.textContent = label(run, options.versions);
      parts.select.appendChild(option);
    });
    if (!found.length) {
      parts.select.hidden = true;
      parts.button.hidden = true;
      box.querySelector("label").hidden = true;
      parts.result.textContent = "No finished job of this dataset to copy the settings from: queue one on the Jobs page.";
      return;
    }
    parts.select.disabled = false;
    parts.button.disabled = false;
    parts.button.addEventListener("click", () => start(parts, options));
  }

  document.querySelectorAll("[data-retrain]").forEach((box) => {
    mount(box, {
      version: Number(box.dataset.version),
      versionLabel: box.dataset.versionLabel,
      prefer: box.dataset.prefer,
      versions: JSON.parse(box.dataset.versions || "{}"),
    });
  });

  return { mount: mount };
})();
