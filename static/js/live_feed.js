// One live feed for every page: follows /ws/<kind>/<id>/, catches up through the API on every (re)connect,
// reconnects with back-off, and hands events to the page at most once per animation frame.
//
//   const feed = LiveFeed.open({
//     url: "/ws/runs/7/",                          // the object's feed (webapp/routing.py)
//     catchUp: async () => { ... },                // re-read the object from /api/ and render it (LiveFeed.fetchJson)
//     onEvent: (message) => { ... },               // each {event, data}, in the order the server sent them
//     onBatch: (messages) => { ... },              // optional: once per frame, after onEvent (e.g. redraw once)
//     onStatus: (state) => { ... },                // optional: "connecting", "live", "reconnecting", "stopped", "refused"
//   });
//   feed.stop();                                   // the object reached a final state: no more reconnects
//
// Why a catch-up: the server keeps no history of a feed, so whatever was published while the socket was down
// (a restart, a network blink) is only found by re-reading the object. Events that arrive while the catch-up
// runs wait until it is rendered and are then applied in order, so an older snapshot never hides a newer event.
// When a connection is refused before it opens, the catch-up still runs before the next attempt: the page keeps
// moving at the retry pace, and an API answer of 401/403/404 (signed out, no longer your team's) stops the feed.
// Batching: a feed may carry ~30 events a second (recordings); the page renders them once per frame, not per event.
window.LiveFeed = (function () {
  "use strict";

  const REFUSED_CODES = new Set([4401, 4403]); // webapp/consumers.py: unauthenticated, forbidden
  const GONE_STATUSES = new Set([401, 403, 404]);
  const FIRST_DELAY_MS = 500;
  const MAX_DELAY_MS = 12000;
  const HIDDEN_FLUSH_MS = 250; // a hidden tab gets no animation frames; flush on a timer so the queue stays short

  // One small pill for every feed of the page; its data-state ("connecting", "live", "reconnecting", "refused",
  // "stopped") is the page's overall state, for people reading the DOM and for tests.
  const indicator = { element: null, reconnecting: new Set(), refused: false };

  function showIndicator(latest) {
    if (!indicator.element) {
      indicator.element = document.createElement("div");
      indicator.element.id = "live-status";
      indicator.element.className = "live-status";
      indicator.element.setAttribute("role", "status");
      document.body.appendChild(indicator.element);
    }
    const element = indicator.element;
    if (indicator.refused) {
      element.textContent = "Live updates stopped: reload the page.";
    } else {
      element.textContent = "Reconnecting…";
    }
    element.hidden = !indicator.refused && indicator.reconnecting.size === 0;
    if (indicator.refused) element.dataset.state = "refused";
    else if (indicator.reconnecting.size) element.dataset.state = "reconnecting";
    else element.dataset.state = latest;
  }

  // A fetch that throws on an error status, with `status` set, so a catch-up can say "this object is gone".
  async function fetchJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      const error = new Error(url + " answered " + response.status);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function backoff(attempt) {
    const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
    return Math.round(ceiling * (0.5 + Math.random() * 0.5)); // jitter: a restarted server is not hit all at once
  }

  function open(options) {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const url = scheme + window.location.host + options.url;
    const feed = { stop: stop, state: "" };
    const queue = [];
    let socket = null;
    let attempt = 0;
    let retryTimer = null;
    let flushScheduled = false;
    let holding = false; // events wait while a catch-up renders the snapshot they follow
    let catchingUp = Promise.resolve();
    let stopped = false;

    function setState(state) {
      if (feed.state === state) return;
      feed.state = state;
      if (state === "reconnecting") indicator.reconnecting.add(feed);
      else indicator.reconnecting.delete(feed);
      if (state === "refused") indicator.refused = true;
      showIndicator(state);
      if (options.onStatus) options.onStatus(state);
    }

    function flush() {
      flushScheduled = false;
      if (holding || !queue.length) return;
      const batch = queue.splice(0);
      batch.forEach((message) => options.onEvent && options.onEvent(message));
      if (options.onBatch) options.onBatch(batch);
    }

    function scheduleFlush() {
      if (flushScheduled || holding || !queue.length) return;
      flushScheduled = true;
      if (document.hidden) setTimeout(flush, HIDDEN_FLUSH_MS);
      else window.requestAnimationFrame(flush);
    }

    // Run the page's catch-up (one at a time); false when the API says the object is no longer ours to watch.
    function catchUp() {
      catchingUp = catchingUp.then(async () => {
        if (stopped || !options.catchUp) return true;
        try {
          await options.catchUp();
        } catch (error) {
          if (GONE_STATUSES.has(error.status)) return false;
          console.warn("live feed catch-up failed:", error);
        }
        return true;
      });
      return catchingUp;
    }

    function refuse() {
      stop();
      setState("refused");
    }

    async function onOpen() {
      attempt = 0;
      setState("live");
      holding = true;
      const ok = await catchUp();
      holding = false;
      if (!ok) refuse();
      else scheduleFlush();
    }

    function onMessage(message) {
      if (stopped) return;
      queue.push(JSON.parse(message.data));
      scheduleFlush();
    }

    async function onClose(event, opened) {
      socket = null;
      if (stopped) return;
      if (REFUSED_CODES.has(event.code)) return refuse();
      setState("reconnecting");
      // A refused handshake looks like a network error: ask the API whether the object is still ours.
      if (!opened && !(await catchUp())) return refuse();
      if (stopped) return;
      retryTimer = setTimeout(connect, backoff(attempt));
      attempt += 1;
    }

    function connect() {
      retryTimer = null;
      if (stopped) return;
      if (!feed.state) setState("connecting");
      let opened = false;
      socket = new WebSocket(url);
      socket.addEventListener("open", () => {
        opened = true;
        onOpen();
      });
      socket.addEventListener("message", onMessage);
      socket.addEventListener("close", (event) => onClose(event, opened));
    }

    // No more events will matter (the object is final) or the page is leaving: close without reconnecting.
    function stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(retryTimer);
      if (socket) socket.close(1000);
      setState("stopped");
    }

    connect();
    return feed;
  }

  return { open: open, fetchJson: fetchJson };
})();
