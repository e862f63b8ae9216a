// Status page: "Ping a worker" queues a ping through the API and shows the worker's answer the moment
// it is pushed over the ping's WebSocket. No business rules here: the API and the events say it all.
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
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/ws/pings/" + ping.id + "/");
    let done = false;
    const finish = (answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      showAnswer(answer);
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket.close();
      show("No worker answered within " + TIMEOUT_MS / 1000 + " s. Is a worker running?", "fail");
      button.disabled = false;
    }, TIMEOUT_MS);
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.event === "ping.completed") finish(event.data);
    });
    // Catch up after subscribing: a fast worker may have answered before the socket opened.
    socket.addEventListener("open", async () => {
      const response = await fetch("/api/pings/" + ping.id + "/", { credentials: "same-origin" });
      const current = await response.json();
      if (current.status === "completed") finish(current);
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
