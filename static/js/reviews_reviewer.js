// The reviewer, keyboard first: 1–7 set the class, 0/X exclude, Space keeps, →/J and ←/K move, U undoes, G toggles
// the grid (reviews_grid.js), ? shows the keys. A decision moves on at once: the next face is already loaded (pages
// and images are fetched ahead) and the decision is saved behind it (reviews_faces.js). A teammate's change that
// came first (409) brings the face back with what it is now; a committed version stops the page with a link on.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("reviewer-config").textContent);
  const CLASSES = config.classNames;
  const PRELOAD = 10; // images of the next faces kept loaded
  const $ = (id) => document.getElementById(id);
  const view = {
    image: $("face-image"), label: $("face-label"), decision: $("face-decision"), rank: $("face-rank"),
    score: $("face-score"), split: $("face-split"), name: $("face-name"), top: $("face-top"),
    history: $("face-history"), notice: $("face-notice"), position: $("position"), count: $("session-count"),
    rate: $("session-rate"), saving: $("saving"), single: $("single-view"), empty: $("empty-faces"),
  };
  const session = { decisions: 0, undos: 0, firstAt: 0 };
  const state = { index: 0, mode: "single", holdUntil: 0 };
  const preloaded = new Map();
  let historyTimer = null;

  const query = new URLSearchParams(window.location.search);
  ["given", "predicted", "split", "min_score", "max_score", "reviewed", "scoring", "run"].forEach((key) => {
    if (!query.get(key)) query.delete(key);
  });

  const faces = window.ReviewFaces.create({
    version: config.version, scoring: config.scoring, run: config.run, query: query.toString(),
    onChange: (face) => {
      if (face === current()) renderDecision(face);
      if (grid) grid.refresh(face);
      view.saving.hidden = faces.inFlight === 0;
    },
    onLoad: () => render(),
    onConflict: (face, detail) => conflictShown(face, detail),
    onClosed: (detail) => closed(detail),
    onError: (face, message) => errorShown(face, message),
    onSettled: (face, saved, pending) => {
      if (!saved && pending.action !== "undo") counted(-1);
      if (saved && face === current()) scheduleHistory(face, 0);
    },
  });

  function current() {
    return faces.list[state.index] || null;
  }

  // ---- Words.
  function decisionText(face) {
    const pending = face.pending;
    const decision = pending || face.decision;
    const suffix = pending ? " · saving…" : face.decision && face.decision.decided_by ? " · by " + face.decision.decided_by : "";
    if (pending && pending.action === "undo") return ["undo", "Undoing the last decision…"];
    if (!decision || !decision.action) return ["", "Not decided yet"];
    if (decision.action === "relabel") return ["relabel", "Relabelled → " + CLASSES[decision.label] + suffix];
    if (decision.action === "keep") return ["keep", "Kept as " + face.label_name + suffix];
    return ["exclude", "Excluded: not a usable face" + suffix];
  }

  function percent(value) {
    return (value * 100).toFixed(value >= 0.995 || value < 0.1 ? 1 : 0) + "%";
  }

  function historyLine(event) {
    const when = new Date(event.at).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
    const who = event.user || "someone";
    let what;
    if (event.action === "relabel") what = "relabelled it " + event.old_label + " → " + event.new_label;
    else if (event.action === "keep") what = "kept it as " + event.old_label;
    else if (event.action === "exclude") what = "excluded it";
    else what = "undid a decision (now: " + (event.result ? event.result + (event.new_label ? " " + event.new_label : "") : "undecided") + ")";
    return who + " " + what + " · " + when;
  }

  // ---- Rendering the single face. Everything here comes from memory: no request stands between a key and the face.
  function renderDecision(face) {
    const [action, text] = decisionText(face);
    view.decision.textContent = text;
    view.decision.dataset.action = action;
    view.decision.classList.toggle("pending", Boolean(face.pending));
    const chosen = face.pending || face.decision;
    document.querySelectorAll("#single-view .class-button[data-label]").forEach((button) => {
      const label = Number(button.dataset.label);
      button.classList.toggle("given", label === face.label);
      button.classList.toggle("chosen", Boolean(chosen && chosen.action === "relabel" && chosen.label === label));
    });
  }

  function renderTop(face) {
    view.top.replaceChildren();
    (face.top || []).forEach((guess) => {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = guess.name;
      const bar = document.createElement("span");
      bar.className = "guess-bar";
      bar.style.setProperty("--p", guess.prob);
      const prob = document.createElement("span");
      prob.className = "guess-prob";
      prob.textContent = percent(guess.prob);
      item.append(name, bar, prob);
      if (guess.label === face.label) item.classList.add("given");
      view.top.appendChild(item);
    });
    if (!view.top.children.length) view.top.innerHTML = '<li class="muted">No model scored this face here.</li>';
  }

  function preload(from) {
    for (let i = from; i < Math.min(faces.list.length, from + PRELOAD); i += 1) {
      const url = faces.list[i].image_url;
      if (preloaded.has(url)) continue;
      const image = new Image();
      image.decoding = "async";
      image.src = url;
      preloaded.set(url, image);
    }
    if (preloaded.size > 400) preloaded.delete(preloaded.keys().next().value);
  }

  function render() {
    const face = current();
    const total = faces.total === null ? "…" : faces.done ? faces.list.length : faces.total;
    view.empty.hidden = !(faces.done && !faces.list.length);
    view.single.classList.toggle("is-empty", !face);
    if (!face) {
      view.position.textContent = faces.done ? "no faces" : "loading…";
      return;
    }
    view.position.textContent = "Face " + (state.index + 1) + " of " + total;
    view.image.src = face.image_url;
    view.image.alt = "Face " + face.name + ", labelled " + face.label_name;
    view.image.dataset.item = face.item;
    view.label.textContent = face.label_name;
    view.rank.textContent = face.rank ? "#" + face.rank : "—";
    view.score.textContent = face.score === undefined || face.score === null ? "—" : face.score.toFixed(3);
    view.split.textContent = face.split;
    view.name.textContent = face.name;
    view.name.title = face.name;
    renderDecision(face);
    renderTop(face);
    view.history.replaceChildren();
    scheduleHistory(face, 250);
    preload(state.index + 1);
    faces.ensure(state.index + 1);
  }

  // The face's history is read once the reviewer stays on it a moment (not for every face flown past).
  function scheduleHistory(face, delay) {
    clearTimeout(historyTimer);
    historyTimer = setTimeout(async () => {
      if (face !== current()) return;
      try {
        const events = await faces.history(face);
        if (face !== current()) return;
        view.history.replaceChildren(...events.map((event) => {
          const item = document.createElement("li");
          item.textContent = historyLine(event);
          return item;
        }));
        if (!events.length) view.history.innerHTML = '<li class="muted">Nobody has decided about this face yet.</li>';
      } catch (error) {
        view.history.innerHTML = '<li class="muted">History unavailable right now.</li>';
      }
    }, delay);
  }

  function notice(text) {
    view.notice.textContent = text;
  }

  // ---- Session pace.
  function counted(delta) {
    if (delta > 0 && !session.firstAt) session.firstAt = performance.now();
    session.decisions = Math.max(0, session.decisions + delta);
    showPace();
  }

  function showPace() {
    const n = session.decisions;
    view.count.textContent = n + (n === 1 ? " decision" : " decisions");
    const hours = (performance.now() - session.firstAt) / 3.6e6;
    view.rate.textContent = n >= 2 && hours > 0 ? Math.round(n / hours).toLocaleString("en-US") + " faces/h" : "— faces/h";
  }
  setInterval(showPace, 5000);

  // ---- Moving.
  function go(index) {
    if (index < 0) return notice("This is the first face.");
    if (index >= faces.list.length) {
      if (!faces.done) {
        faces.ensure(index).then(() => index < faces.list.length && go(index));
        return notice("Loading more faces…");
      }
      return notice("That was the last face of this list.");
    }
    notice("");
    state.index = index;
    if (grid && state.mode === "grid") grid.render();
    else render();
  }

  // ---- Deciding.
  function decide(action, label) {
    const face = current();
    if (!face || blocked()) return;
    counted(1);
    faces.decide(face, action, label);
    go(state.index + 1);
  }

  function undo() {
    const face = current();
    if (!face || blocked()) return;
    const chosen = face.pending || face.decision;
    if (!chosen || !chosen.action) return notice("Nothing to undo on this face: ← goes back to the one before.");
    session.undos += 1;
    faces.undo(face);
  }

  function blocked() {
    if (faces.closed) {
      banner("committed-banner");
      return true;
    }
    return performance.now() < state.holdUntil;
  }

  // ---- Banners: a teammate's change, a committed version, a request that failed.
  function banner(id) {
    const element = $(id);
    element.hidden = false;
    element.classList.remove("flash");
    void element.offsetWidth; // restart the animation
    element.classList.add("flash");
  }

  function conflictShown(face, detail) {
    const index = faces.list.indexOf(face);
    const box = $("conflict-banner");
    box.querySelector("[data-role=text]").textContent = "Face " + face.name + ": " + detail;
    banner("conflict-banner");
    if (index >= 0 && index !== state.index) {
      state.holdUntil = performance.now() + 400; // a key meant for the next face must not land on this one
      go(index);
    }
  }

  function errorShown(face, message) {
    const box = $("conflict-banner");
    box.querySelector("[data-role=text]").textContent = (face ? "Face " + face.name + ": " : "") + message;
    banner("conflict-banner");
    const index = face ? faces.list.indexOf(face) : -1;
    if (index >= 0 && index !== state.index) go(index);
  }

  async function closed(detail) {
    const box = $("committed-banner");
    box.querySelector("[data-role=text]").textContent = detail;
    banner("committed-banner");
    try {
      const review = await window.LiveFeed.fetchJson(config.api);
      if (!review.commit) return;
      const links = box.querySelector("[data-role=links]");
      links.replaceChildren();
      const next = document.createElement("a");
      next.href = "/review/versions/" + review.commit.new_version + "/";
      next.textContent = "Review " + review.commit.new_version_label;
      const see = document.createElement("a");
      see.href = review.commit.url;
      see.textContent = "See " + review.commit.new_version_label;
      links.append(next, " · ", see);
    } catch (error) {
      /* the text already says where the review continues */
    }
  }

  // ---- Keys.
  const overlay = $("keys-overlay");
  function toggleKeys(show) {
    overlay.hidden = show === undefined ? !overlay.hidden : !show;
    if (!overlay.hidden) $("keys-close").focus();
  }

  function toggleMode() {
    state.mode = state.mode === "single" ? "grid" : "single";
    $("mode-toggle").setAttribute("aria-pressed", String(state.mode === "grid"));
    view.single.hidden = state.mode === "grid";
    if (grid) grid.show(state.mode === "grid");
    if (state.mode === "single") render();
  }

  function singleKey(event) {
    const key = event.key;
    if (key >= "1" && key <= String(CLASSES.length)) return () => decide("relabel", Number(key) - 1);
    if (key === "0" || key === "x" || key === "X") return () => decide("exclude", null);
    if (key === " ") return () => decide("keep", null);
    if (key === "ArrowRight" || key === "j" || key === "J") return () => go(state.index + 1);
    if (key === "ArrowLeft" || key === "k" || key === "K") return () => go(state.index - 1);
    if (key === "u" || key === "U") return undo;
    return null;
  }

  function pageKey(event) {
    if (event.key === "?") return () => toggleKeys();
    if (event.key === "Escape") {
      return () => {
        if (!overlay.hidden) return toggleKeys(false);
        dismiss();
        return grid && state.mode === "grid" ? grid.key(event) : undefined;
      };
    }
    if (!overlay.hidden) return null;
    if (event.key === "g" || event.key === "G") return toggleMode;
    if (state.mode === "grid") return grid ? () => grid.key(event) : null;
    const action = singleKey(event);
    const moving = event.key.startsWith("Arrow") || "jJkK".includes(event.key);
    if (action && event.repeat && !moving) return () => undefined; // a held key decides once
    return action;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, select, textarea")) return;
    const action = pageKey(event);
    if (!action) return;
    // A focused button or summary would also take Space or Enter: the page's keys win.
    const focused = document.activeElement;
    if (focused && focused !== document.body && focused.closest("button, summary, a") && !focused.closest("#keys-overlay")) {
      focused.blur();
    }
    if (state.mode !== "grid" || event.key === "?" || event.key === "g" || event.key === "G") event.preventDefault();
    action();
  });

  // ---- Buttons do what their keys do.
  view.single.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    button.blur();
    if (button.dataset.label !== undefined) return decide("relabel", Number(button.dataset.label));
    const actions = { keep: () => decide("keep", null), exclude: () => decide("exclude", null), undo: undo,
      prev: () => go(state.index - 1), next: () => go(state.index + 1) };
    if (actions[button.dataset.action]) actions[button.dataset.action]();
  });
  $("mode-toggle").addEventListener("click", (event) => {
    event.currentTarget.blur();
    toggleMode();
  });
  $("keys-button").addEventListener("click", () => toggleKeys(true));
  $("keys-close").addEventListener("click", () => toggleKeys(false));
  overlay.addEventListener("click", (event) => event.target === overlay && toggleKeys(false));
  // Dismissing the conflict says it was seen: keys decide again at once.
  function dismiss() {
    $("conflict-banner").hidden = true;
    state.holdUntil = 0;
  }
  $("conflict-banner").querySelector("[data-role=dismiss]").addEventListener("click", dismiss);

  // ---- Filters: the form updates the URL (empty fields left out), and the page follows it.
  const form = $("filter-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    new FormData(form).forEach((value, key) => value !== "" && params.set(key, value));
    window.location.search = params.toString();
  });
  // The summary says which filters are on, so the form can stay closed and the face keeps its room.
  const words = { given: "given ", predicted: "predicted ", split: "", min_score: "score ≥ ", max_score: "score ≤ ", reviewed: "" };
  const active = Object.keys(words).filter((key) => query.get(key)).map((key) => {
    const field = form.elements[key];
    const shown = field && field.tagName === "SELECT" ? field.options[field.selectedIndex].text : query.get(key);
    return words[key] + shown;
  });
  $("filter-summary").textContent = active.length ? "· " + active.join(" · ") : "";

  // ---- The grid, and the start.
  const grid = window.ReviewGrid
    ? window.ReviewGrid.create({ faces, state, go, counted, notice, current, CLASSES, toggleMode })
    : null;
  if (config.commit) faces.close($("committed-banner").querySelector("[data-role=text]").textContent);
  window.reviewer = { faces, state, session }; // for people poking in the console, and for the browser tests
  faces.ensure(0).then(render);
})();
