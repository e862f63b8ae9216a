// Status page: "Ping a worker" queues a ping through the API and shows the worker's answer the moment
// it is pushed over the ping's live feed (live_feed.js, /ws/pings/<id>/). No business rules here: the API and
// the events say it all.
(function () {
  "use strict";

  const button = document.getElementById("ping-button");
  const result = document.getElementById("ping-result");
  if (!button || !result) return;

  const TIMEOUT_MS = 15000;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function show(text, state) {
    result.textContent = text;
    result.className = "ping-result " + (state || "");
  }

  function showAnswer(ping) {
    const noPings = document.getElementById("no-pings");
    if (noPings) noPings.remove();
    show("Pong from " + ping.worker_hostname + " in " + ping.round_trip_ms + " ms (ping #" + ping.id + ")", "ok");
    button.disabled = false;
  }

  async function createPing() {
    const response = await fetch(button.dataset.createUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: "{}",
    });
    if (!response.ok) throw new Error("the API answered " + response.status);
    return response.json();
  }

  function watch(ping) {
    let done = false;
    const finish = (answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      feed.stop();
      showAnswer(answer);
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      feed.stop();
      show("No worker answered within " + TIMEOUT_MS / 1000 + " s. Is a worker running?", "fail");
      button.disabled = false;
    }, TIMEOUT_MS);
    const answered = (current) => {
      if (current.status === "completed") finish(current);
    };
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
})();
