// Status page: the health of the Studio, read again from /api/system/health/ every few seconds, and "Ping a
// worker", which queues a ping through the API and shows the worker's answer the moment its live feed
// (live_feed.js, /ws/pings/<id>/) pushes it. No business rules here: the API and the events say it all.
(function () {
  "use strict";

  const REFRESH_MS = 5000;
  const PING_TIMEOUT_MS = 15000;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- Health: the same markup as system/_checks.html and system/_worker_table.html.
  function check(label, ok, badge, detail) {
    const box = element("div", "check " + (ok ? "check-ok" : "check-fail"));
    box.append(element("span", "check-label", label), element("span", "badge " + (ok ? "badge-ok" : "badge-fail"), badge),
      element("small", "check-detail", detail));
    return box;
  }

  function checks(health) {
    const workers = health.workers.items;
    const names = workers.map((worker) => worker.hostname).join(", ");
    const box = element("div", "checks");
    box.append(
      check("Database", health.database.ok, health.database.ok ? "OK" : "Down", health.database.detail),
      check("Redis", health.redis.ok, health.redis.ok ? "OK" : "Down", health.redis.detail),
      check("Workers", workers.length > 0, workers.length + " live", names || "none: jobs would wait in the queue"),
    );
    return box;
  }

  function workerRow(worker) {
    const row = element("tr");
    const queues = element("td");
    worker.queues.forEach((queue) => queues.append(element("span", "tag", queue)));
    const gpu = element("td");
    gpu.append(worker.has_gpu ? element("span", "badge badge-ok", worker.gpus.join(", ")) : element("span", "badge badge-neutral", "CPU only"));
    const seen = element("td", "", worker.seen_seconds_ago < 1 ? "just now" : worker.seen_seconds_ago + " s ago");
    seen.dataset.role = "seen";
    row.append(element("td", "mono", worker.hostname), queues, gpu, element("td", "mono muted", "pid " + worker.pid), seen);
    return row;
  }

  function workerTable(health) {
    const workers = health.workers.items;
    if (!workers.length) {
      const empty = element("div", "empty-state compact");
      const why = health.redis.ok
        ? ["No worker is running", "Jobs wait in the queue until one starts. ./studio up starts one beside the web server; " +
            "on a GPU host run celery -A worker worker -Q gpu,cpu with the same REDIS_URL and DATABASE_URL."]
        : ["Workers unknown", "Redis does not answer, so no worker can be seen or reached. " + health.redis.detail];
      empty.append(element("h2", "", why[0]), element("p", "", why[1]));
      return empty;
    }
    const table = element("table", "table");
    table.id = "workers";
    const head = element("tr");
    ["Worker", "Queues", "GPU", "Process", "Last seen"].forEach((name) => head.append(element("th", "", name)));
    table.append(element("thead"), element("tbody"));
    table.tHead.append(head);
    table.tBodies[0].append(...workers.map(workerRow));
    return table;
  }

  function processTable(processes) {
    const table = element("table", "table");
    table.id = "processes";
    const head = element("tr");
    ["Process", "State", "Restarts", "Last exit"].forEach((name) => head.append(element("th", "", name)));
    table.append(element("thead"), element("tbody"));
    table.tHead.append(head);
    const now = Date.now() / 1000;
    table.tBodies[0].append(...processes.map((process) => {
      const row = element("tr");
      const name = element("td", "mono", process.name + " ");
      name.append(element("span", "muted", "pid " + process.pid));
      const state = element("td");
      state.append(element("span", "badge " + (process.state === "running" ? "badge-ok" : "badge-fail"), process.state));
      const exit = process.last_exit_at === null ? "—"
        : "code " + process.last_exit_code + ", " + Math.max(0, Math.round(now - process.last_exit_at)) + " s ago";
      row.append(name, state, element("td", "", String(process.restarts)), element("td", "", exit));
      return row;
    }));
    return table;
  }

  function followHealth(container) {
    const refresh = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(container.dataset.url, { credentials: "same-origin" });
        if (!response.ok) return;
        const health = await response.json();
        container.querySelector("[data-role=checks]").replaceChildren(checks(health));
        container.querySelector("[data-role=workers]").replaceChildren(workerTable(health));
        const processes = health.processes || [];
        container.querySelector("[data-role=processes-card]").hidden = processes.length === 0;
        container.querySelector("[data-role=processes]").replaceChildren(processes.length ? processTable(processes) : "");
        container.querySelector("[data-role=updated]").textContent = "updated " + new Date().toLocaleTimeString();
      } catch (error) {
        container.querySelector("[data-role=updated]").textContent = "cannot reach the Studio: retrying";
      }
    };
    setInterval(refresh, REFRESH_MS);
    document.addEventListener("visibilitychange", refresh);
  }

  // ---- Ping a worker.
  function followPings(button, result) {
    const show = (text, state) => {
      result.textContent = text;
      result.className = "ping-result " + (state || "");
    };

    // Rejects with the API's words ("Could not queue the ping: …") when it refuses.
    function createPing() {
      return window.StudioHttp.json("POST", button.dataset.createUrl, {});
    }

    function watch(ping) {
      let done = false;
      const finish = (text, state) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        feed.stop();
        show(text, state);
        button.disabled = false;
      };
      const answered = (answer) => {
        if (answer.status !== "completed") return;
        const noPings = document.getElementById("no-pings");
        if (noPings) noPings.remove();
        finish("Pong from " + answer.worker_hostname + " in " + answer.round_trip_ms + " ms (ping #" + answer.id + ")", "ok");
      };
      const timer = setTimeout(() => {
        finish("No worker answered within " + PING_TIMEOUT_MS / 1000 + " s. Is a worker running?", "fail");
      }, PING_TIMEOUT_MS);
      // A fast worker may answer before the socket opens: the catch-up reads the ping once subscribed.
      const feed = window.LiveFeed.open({
        url: "/ws/pings/" + ping.id + "/",
        catchUp: async () => answered(await window.LiveFeed.fetchJson("/api/pings/" + ping.id + "/")),
        onEvent: (message) => {
          if (message.event === "ping.completed") answered(message.data);
        },
      });
    }

    button.addEventListener("click", async () => {
      button.disabled = true;
      show("Waiting for a worker…");
      try {
        watch(await createPing());
      } catch (error) {
        show("Could not queue the ping: " + error.message, "fail");
        button.disabled = false;
      }
    });
  }

  const health = document.getElementById("health");
  if (health) followHealth(health);
  const button = document.getElementById("ping-button");
  const result = document.getElementById("ping-result");
  if (button && result) followPings(button, result);
})();
