// The report's sections below the timeline: distribution, tasks (with their forms), strongest moments, faces,
// exports and share links. Each `render*` draws what the API answered; `wire` connects the forms once.
// `page` is the recording page's controller (recordings_detail.js): analysis id, seek(), reload(), participant().
window.RecordingReport = (function () {
  "use strict";

  const Api = window.RecordingsApi;
  const Charts = window.RecordingCharts;
  const TASK_LABELS = { name: "Task", start: "From", end: "To", file: "CSV file" };
  let distribution = null;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function emotion(name) {
    const label = element("span", "emotion");
    if (!name) {
      label.textContent = "—";
      return label;
    }
    const dot = element("span", "dot");
    dot.style.background = Charts.COLORS[name];
    label.append(dot, name);
    return label;
  }

  function signed(value) {
    if (value === null || value === undefined) return "—";
    return (value > 0 ? "+" : "") + Number(value).toFixed(2);
  }

  function renderDistribution(data, page) {
    const canvas = document.getElementById("distribution-chart");
    if (!distribution) distribution = Charts.distributionChart(canvas);
    Charts.showDistribution(distribution, data.mean_probs);
    const note = document.getElementById("distribution-note");
    note.replaceChildren();
    if (!data.dominant) {
      note.textContent = "No face to summarise: " + Api.clock(data.no_face_s) + " without a face.";
      return;
    }
    note.append("Mostly ", emotion(data.dominant), " · valence " + signed(data.valence));
    if (page.isImage) return;
    note.append(" · face seen " + Api.clock(data.face_s) + ", no face " + Api.clock(data.no_face_s));
  }

  function taskRow(task, page) {
    const row = element("tr");
    const name = element("td");
    const jump = element("button", "link-button", task.task);
    jump.type = "button";
    jump.title = "Play from " + Api.clock(task.start_s);
    jump.addEventListener("click", () => page.seek(task.start_s, { play: true }));
    name.append(jump);
    const dominant = element("td");
    dominant.append(emotion(task.dominant));
    const span = element("td", "nowrap", Api.clock(task.start_s) + "–" + Api.clock(task.end_s));
    const valence = element("td", "num", signed(task.valence));
    row.append(name, span, dominant, valence, element("td", "num", Api.clock(task.no_face_s)));
    const actions = element("td");
    if (!page.shared && task.id !== undefined) {
      const remove = element("button", "button button-quiet", "Delete");
      remove.type = "button";
      remove.setAttribute("aria-label", "Delete task " + task.task);
      remove.addEventListener("click", async () => {
        const answer = await Api.request("DELETE", "/api/recordings/tasks/" + task.id + "/");
        if (answer.status === 204 || answer.status === 404) page.reload();
        else showTaskErrors(Api.messages(answer.body, answer.status));
      });
      actions.append(remove);
    }
    row.append(actions);
    return row;
  }

  function renderTasks(tasks, page) {
    document.querySelector("#task-table tbody").replaceChildren(...tasks.map((task) => taskRow(task, page)));
    document.getElementById("task-table").hidden = tasks.length === 0;
    document.getElementById("no-tasks").hidden = tasks.length > 0;
  }

  function showTaskErrors(lines) {
    const box = document.getElementById("task-error");
    if (box) Api.showMessages(box, lines);
  }

  function wireTasks(page) {
    const form = document.getElementById("task-form");
    if (!form) return;
    const now = (field) => () => {
      const time = page.currentTime();
      if (time !== null) form.elements[field].value = Api.clock(time, 1);
    };
    document.getElementById("mark-start").addEventListener("click", now("start"));
    document.getElementById("mark-end").addEventListener("click", now("end"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = { name: form.elements.name.value, start: form.elements.start.value, end: form.elements.end.value };
      const answer = await Api.request("POST", form.getAttribute("action"), { json: data });
      if (answer.status !== 201) return showTaskErrors(Api.messages(answer.body, answer.status, TASK_LABELS));
      showTaskErrors([]);
      form.reset();
      page.reload();
    });
    const imports = document.getElementById("task-import-form");
    imports.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await Api.request("POST", imports.getAttribute("action"), { form: new FormData(imports) });
      if (answer.status !== 201) return showTaskErrors(Api.messages(answer.body, answer.status, TASK_LABELS));
      showTaskErrors([]);
      imports.reset();
      page.reload();
    });
  }

  function momentCard(moment, page) {
    const card = element("button", "moment");
    card.type = "button";
    card.dataset.time = String(moment.time_s);
    card.title = moment.emotion + " " + Math.round(moment.prob * 100) + "% at " + Api.clock(moment.time_s);
    const image = element("img");
    image.src = page.momentUrl(moment.image);
    image.alt = "Face " + moment.track + ", " + moment.emotion + " at " + Api.clock(moment.time_s);
    image.loading = "lazy";
    const caption = Api.clock(moment.time_s) + " · " + Math.round(moment.prob * 100) + "%";
    card.append(image, element("span", "moment-caption", caption));
    card.addEventListener("click", () => page.seek(moment.time_s, { toggle: true }));
    return card;
  }

  function renderMoments(moments, track, page) {
    const mine = moments.filter((moment) => track === null || moment.track === track);
    const groups = Charts.CLASSES.map((name) => {
      const found = mine.filter((moment) => moment.emotion === name).sort((a, b) => b.prob - a.prob);
      if (!found.length) return null;
      const group = element("div", "moment-group");
      const heading = element("h3");
      heading.append(emotion(name));
      group.append(heading, ...found.map((moment) => momentCard(moment, page)));
      return group;
    }).filter(Boolean);
    const box = document.getElementById("moments");
    box.replaceChildren(...groups);
    if (!groups.length) box.append(element("p", "muted", "No strongest moments for this face."));
  }

  function trackRow(track, participant, page) {
    const row = element("tr");
    const pick = element("td");
    const radio = element("input");
    radio.type = "radio";
    radio.name = "participant";
    radio.value = String(track.id);
    radio.checked = track.id === participant;
    radio.disabled = page.shared;
    radio.setAttribute("aria-label", "Face " + track.id + " is the participant");
    radio.addEventListener("change", () => page.setParticipant(track.id));
    pick.append(radio);
    const seen = page.isImage ? "photo" : Api.clock(track.first_time_s) + "–" + Api.clock(track.last_time_s);
    const dominant = element("td");
    dominant.append(emotion(Charts.CLASSES[track.dominant_class]));
    row.append(pick, element("td", "nowrap", "Face " + track.id), element("td", "nowrap", seen),
      element("td", "num optional", track.frames.toLocaleString()),
      element("td", "num optional", (track.mean_area_fraction * 100).toFixed(1) + "%"), dominant);
    return row;
  }

  function renderTracks(tracks, participant, page) {
    document.querySelector("#track-table tbody").replaceChildren(...tracks.map((t) => trackRow(t, participant, page)));
    document.getElementById("track-table").hidden = tracks.length === 0;
    document.getElementById("no-tracks").hidden = tracks.length > 0;
    const banner = document.getElementById("no-face");
    if (banner) banner.hidden = tracks.length > 0;
    document.getElementById("moments-card").hidden = tracks.length === 0;
    document.querySelector("#distribution-card .chart-box").hidden = tracks.length === 0;
    const error = document.getElementById("track-error");
    if (error) Api.showMessages(error, []);
  }

  function renderExports(analysisId) {
    document.querySelectorAll("[data-export]").forEach((link) => {
      link.href = "/api/recordings/analyses/" + analysisId + "/export/" + link.dataset.export;
    });
  }

  function shareItem(link, page) {
    const item = element("li", "share-link");
    const url = element("input");
    url.type = "text";
    url.readOnly = true;
    url.value = new URL(link.url, window.location.origin).href;
    url.setAttribute("aria-label", "Share link");
    const copy = element("button", "button button-quiet", "Copy");
    copy.type = "button";
    copy.addEventListener("click", async () => {
      url.select();
      try {
        await navigator.clipboard.writeText(url.value);
      } catch (error) {
        document.execCommand("copy"); // plain http: the clipboard API is off, the selection still copies
      }
      copy.textContent = "Copied";
      setTimeout(() => (copy.textContent = "Copy"), 1500);
    });
    const revoke = element("button", "button button-quiet danger-text", "Revoke");
    revoke.type = "button";
    revoke.addEventListener("click", async () => {
      const path = "/api/recordings/analyses/" + page.analysisId() + "/share-links/" + link.id + "/revoke/";
      const answer = await Api.request("POST", path);
      if (answer.ok) item.remove();
      else Api.showMessages(document.getElementById("share-error"), Api.messages(answer.body, answer.status));
    });
    item.append(url, copy, revoke);
    return item;
  }

  async function renderShares(page) {
    const list = document.getElementById("share-links");
    if (!list || page.shared) return;
    const answer = await Api.request("GET", "/api/recordings/analyses/" + page.analysisId() + "/share-links/");
    if (answer.ok) list.replaceChildren(...answer.body.map((link) => shareItem(link, page)));
  }

  function wireShares(page) {
    const form = document.getElementById("share-form");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await Api.request("POST", "/api/recordings/analyses/" + page.analysisId() + "/share-links/");
      const errors = document.getElementById("share-error");
      if (answer.status !== 201) return Api.showMessages(errors, Api.messages(answer.body, answer.status));
      Api.showMessages(errors, []);
      document.getElementById("share-links").append(shareItem(answer.body, page));
    });
  }

  // A photo: its faces' boxes over it, from the per-frame export's one frame (`info`: the photo's size).
  function renderPhotoFaces(frames, info, participant) {
    const layer = document.getElementById("face-boxes");
    if (!layer || !info.width) return;
    const column = (name) => frames.columns.indexOf(name);
    const boxes = frames.rows.filter((row) => row[column("track")] >= 0).map((row) => {
      const box = element("span", "face-box");
      const track = row[column("track")];
      const probs = Charts.CLASSES.map((name) => row[column(name)]);
      const best = Charts.CLASSES[probs.indexOf(Math.max(...probs))];
      box.classList.toggle("participant", track === participant);
      box.style.left = (100 * row[column("x")]) / info.width + "%";
      box.style.top = (100 * row[column("y")]) / info.height + "%";
      box.style.width = (100 * row[column("w")]) / info.width + "%";
      box.style.height = (100 * row[column("h")]) / info.height + "%";
      box.style.borderColor = Charts.COLORS[best];
      box.dataset.label = "Face " + track;
      box.title = "Face " + track + ": mostly " + best;
      return box;
    });
    layer.replaceChildren(...boxes);
  }

  function wire(page) {
    wireTasks(page);
    wireShares(page);
  }

  return {
    renderDistribution: renderDistribution, renderTasks: renderTasks, renderMoments: renderMoments,
    renderTracks: renderTracks, renderExports: renderExports, renderShares: renderShares,
    renderPhotoFaces: renderPhotoFaces, wire: wire,
  };
})();
