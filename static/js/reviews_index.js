// Review page: the chosen version's label-quality jobs follow their live feeds (/ws/scorings/<id>/, see
// live_feed.js); a job is started, cancelled or retried through /api/reviews/scorings/; the version's review is
// committed with the number of audit entries shown (a teammate's later decisions answer 409, shown as they come).
(function () {
  "use strict";

  const ACTIVE = new Set(["queued", "running"]);
  const $ = (id) => document.getElementById(id);
  const Http = window.StudioHttp;

  // POST JSON; resolves to {status, body} for any HTTP answer (201, 400, a commit's 409), rejects only when the
  // network fails.
  function send(url, body) {
    return Http.request("POST", url, { json: body || {} });
  }

  // ---- The version picker shows the chosen version at once.
  const picker = $("pick-version");
  if (picker) picker.addEventListener("change", () => picker.form.submit());

  // ---- Label-quality jobs, live.
  function minutes(seconds) {
    if (!seconds || seconds < 1) return "";
    return seconds < 90 ? Math.round(seconds) + " s" : Math.round(seconds / 60) + " min";
  }

  function progressText(data) {
    if (data.status === "queued") return "waiting for a worker";
    if (data.status === "succeeded") return data.summary.faces + " faces in " + Math.round(data.summary.seconds || 0) + " s";
    if (data.status !== "running") return "";
    const p = data.progress || {};
    if (!p.fold) return "starting…";
    const eta = minutes(p.eta_s);
    return "fold " + p.fold + " of " + p.folds + " · epoch " + p.epoch + "/" + p.epochs + (eta ? " · about " + eta + " left" : "");
  }

  function renderRow(row, data) {
    row.dataset.status = data.status;
    const badge = row.querySelector("[data-role=status]");
    badge.textContent = data.status_label;
    badge.className = "badge badge-" + data.status;
    row.querySelector("[data-role=message]").textContent = data.status_message;
    const bar = row.querySelector("[data-role=bar]");
    bar.hidden = data.status !== "running";
    bar.value = data.status === "succeeded" ? 1 : (data.progress && data.progress.fraction) || 0;
    row.querySelector("[data-role=progress]").textContent = progressText(data);
    row.querySelector("[data-role=flagged]").textContent = data.status === "succeeded" ? data.summary.flagged : "—";
    row.querySelector("[data-role=review]").hidden = data.status !== "succeeded";
    row.querySelector("[data-role=cancel]").hidden = !ACTIVE.has(data.status);
    row.querySelector("[data-role=retry]").hidden = ACTIVE.has(data.status);
  }

  function follow(row) {
    const id = row.dataset.scoringId;
    const show = (data) => {
      renderRow(row, data);
      if (!ACTIVE.has(data.status)) feed.stop();
    };
    const feed = window.LiveFeed.open({
      url: "/ws/scorings/" + id + "/",
      catchUp: async () => show(await window.LiveFeed.fetchJson("/api/reviews/scorings/" + id + "/")),
      onEvent: (message) => message.event === "scoring.status" && show(message.data),
    });
  }

  document.querySelectorAll("tr[data-scoring-id]").forEach((row) => {
    if (ACTIVE.has(row.dataset.status)) follow(row);
    row.querySelector("[data-role=cancel]").addEventListener("click", async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      const answer = await send(button.dataset.url);
      button.disabled = false;
      if (answer.status !== 200) {
        row.querySelector("[data-role=message]").textContent = Http.errorMessage(answer.body, answer.status);
        return;
      }
      renderRow(row, answer.body);
      if (answer.body.status === "running") {
        button.disabled = true; // its worker stops within seconds; the live feed says when
        button.textContent = "Stopping…";
      }
    });
    row.querySelector("[data-role=retry]").addEventListener("click", async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      const answer = await send(button.dataset.url);
      if (answer.status === 201) return window.location.reload();
      button.disabled = false;
      row.querySelector("[data-role=message]").textContent = Http.errorMessage(answer.body, answer.status);
      return undefined;
    });
  });

  // ---- Start a job: the API's refusal shows under each field it names.
  const form = $("scoring-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      ["folds", "epochs", "input_size"].forEach((key) => (data[key] = Number(data[key])));
      data.dataset_version = Number(form.dataset.version);
      form.querySelectorAll(".field-error").forEach((element) => element.remove());
      form.querySelectorAll(".field-invalid").forEach((element) => element.classList.remove("field-invalid"));
      const general = form.querySelector("[data-role=form-error]");
      general.hidden = true;
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const answer = await send(form.dataset.url, data);
      if (answer.status === 201) return window.location.reload();
      button.disabled = false;
      const body = answer.body || {};
      const leftover = [];
      Object.keys(body).forEach((key) => {
        const input = form.querySelector("[name=" + key + "]");
        const text = Array.isArray(body[key]) ? body[key].join(" ") : String(body[key]);
        if (!input) return leftover.push(text);
        const error = document.createElement("small");
        error.className = "field-error";
        error.textContent = text;
        input.closest(".field").classList.add("field-invalid");
        input.closest(".field").appendChild(error);
        return undefined;
      });
      if (leftover.length || !Object.keys(body).length) {
        general.textContent = leftover.join(" ") || Http.errorMessage(answer.body, answer.status);
        general.hidden = false;
      }
      return undefined;
    });
  }

  // ---- The version's review: counts, commit, changelog, and training on the new version.
  const box = $("review-state");
  if (!box) return;
  let review = JSON.parse($("review-state-data").textContent);

  function showCounts() {
    Object.entries(review.counts).forEach(([key, value]) => {
      const element = box.querySelector('[data-count="' + key + '"]');
      if (element) element.textContent = value;
    });
    box.querySelector("[data-role=seen-events]").textContent = review.counts.events;
  }

  function cell(row, text, className) {
    const element = document.createElement("td");
    element.textContent = text;
    if (className) element.className = className;
    row.appendChild(element);
  }

  // Faces per class before and after, one column per class (the changelog's counts).
  function countsTable(log, before, after) {
    const names = Object.keys(log.before);
    const table = document.createElement("table");
    table.className = "table changelog-counts";
    const head = document.createElement("tr");
    head.appendChild(document.createElement("th"));
    names.forEach((name) => {
      const th = document.createElement("th");
      th.className = "num";
      th.textContent = name;
      head.appendChild(th);
    });
    const rows = [[before, (name) => log.before[name]], [after, (name) => log.after[name]]];
    const body = document.createElement("tbody");
    rows.forEach(([label, count]) => {
      const row = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = label;
      row.appendChild(th);
      names.forEach((name) => cell(row, count(name), "num"));
      body.appendChild(row);
    });
    const change = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = "change";
    change.appendChild(th);
    names.forEach((name) => {
      const delta = log.after[name] - log.before[name];
      const text = delta > 0 ? "+" + delta : delta === 0 ? "·" : String(delta);
      cell(change, text, "num " + (delta > 0 ? "delta-up" : delta < 0 ? "delta-down" : ""));
    });
    body.appendChild(change);
    const thead = document.createElement("thead");
    thead.appendChild(head);
    table.append(thead, body);
    const scroll = document.createElement("div");
    scroll.className = "table-scroll";
    scroll.appendChild(table);
    return scroll;
  }

  function changesList(log) {
    const list = document.createElement("ol");
    list.className = "changelog-changes";
    log.changes.slice(0, 500).forEach((change) => {
      const item = document.createElement("li");
      const what = change.excluded ? "excluded (" + change.old + ")" : change.old + " → " + change.new;
      item.textContent = change.name + ": " + what + (change.by ? " · " + change.by : "");
      list.appendChild(item);
    });
    return list;
  }

  function heading(text) {
    const element = document.createElement("h3");
    element.textContent = text;
    return element;
  }

  function showCommit(commit) {
    const result = $("commit-result");
    const log = commit.changelog;
    result.className = "commit-result";
    result.replaceChildren();
    const notice = document.createElement("p");
    notice.className = "notice";
    notice.id = "commit-notice";
    const link = document.createElement("a");
    link.href = commit.url;
    link.textContent = commit.new_version_label;
    const reviewLink = document.createElement("a");
    reviewLink.href = "/review/?version=" + commit.new_version;
    reviewLink.textContent = "Review " + commit.new_version_label;
    notice.append(review.label + " was committed as ", link, (commit.committed_by ? " by " + commit.committed_by : "") +
      ": " + log.relabelled + " relabelled, " + log.excluded + " excluded. ", reviewLink);
    result.append(notice, heading("Faces per class"), countsTable(log, review.label, commit.new_version_label), heading("Changes (" + log.changes.length + ")"), changesList(log));
    result.append(heading("Train on " + commit.new_version_label));
    const retrain = document.createElement("div");
    result.appendChild(retrain);
    if (window.Retrain) {
      window.Retrain.mount(retrain, {
        version: commit.new_version, versionLabel: commit.new_version_label, prefer: review.version,
        versions: JSON.parse($("dataset-versions").textContent),
      });
    }
    result.hidden = false;
    $("commit-box").hidden = true;
    const reviewAll = box.querySelector("[data-role=review-all]");
    reviewAll.href = reviewLink.href;
    reviewAll.textContent = "Review " + commit.new_version_label;
  }

  async function refresh() {
    try {
      review = await window.LiveFeed.fetchJson(box.dataset.stateUrl);
      showCounts();
      if (review.commit) showCommit(review.commit);
    } catch (error) {
      /* the counts on the page stay as they were */
    }
  }

  const error = $("commit-error");
  $("commit-button").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    error.hidden = true;
    const answer = await send(box.dataset.commitUrl, { expected_events: review.counts.events });
    button.disabled = false;
    if (answer.status === 201) {
      review.commit = answer.body;
      return showCommit(answer.body);
    }
    error.textContent = Http.errorMessage(answer.body, answer.status);
    error.hidden = false;
    return refresh(); // show what changed meanwhile: the next commit names the new count
  });
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && refresh());
  if (review.commit) showCommit(review.commit);
})();
