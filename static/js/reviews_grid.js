// The reviewer's grid mode (G): a page of thumbnails with multi-select, and one decision for all of them at once
// (POST …/decisions/bulk/: all or none). Selection by mouse (click, Shift-click for a range) or keyboard (arrows move,
// Space selects, Shift+arrows extend, A selects the page, Esc clears); 1–7, 0/X and Enter decide for the selection.
window.ReviewGrid = (function () {
  "use strict";

  const PAGE = 48;

  function create(ctx) {
    const { faces, state, CLASSES } = ctx;
    const section = document.getElementById("grid-view");
    const thumbs = document.getElementById("thumbs");
    const selectedLabel = document.getElementById("grid-selected");
    const selected = new Set(); // item ids
    let anchor = null; // index a Shift range starts from
    let busy = false;

    const pageStart = () => Math.floor(state.index / PAGE) * PAGE;

    function decisionBadge(face) {
      const chosen = face.pending || face.decision;
      if (!chosen || !chosen.action) return ["", ""];
      if (chosen.action === "undo") return ["pending", "…"];
      if (chosen.action === "relabel") return ["relabel", "→ " + CLASSES[chosen.label]];
      if (chosen.action === "keep") return ["keep", "kept"];
      return ["exclude", "excluded"];
    }

    function thumb(face, index) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "thumb";
      button.tabIndex = -1;
      button.dataset.index = index;
      button.dataset.item = face.item;
      const image = document.createElement("img");
      image.src = face.image_url;
      image.width = 96;
      image.height = 96;
      image.alt = face.name + ", " + face.label_name;
      const caption = document.createElement("span");
      caption.className = "thumb-label";
      caption.textContent = face.label_name;
      const badge = document.createElement("span");
      badge.className = "thumb-decision";
      button.append(image, caption, badge);
      item.appendChild(button);
      paint(button, face, index);
      return item;
    }

    function paint(button, face, index) {
      const [action, text] = decisionBadge(face);
      const badge = button.querySelector(".thumb-decision");
      badge.textContent = text;
      badge.dataset.action = action;
      button.setAttribute("aria-pressed", String(selected.has(face.item)));
      button.classList.toggle("cursor", index === state.index);
    }

    function render() {
      const start = pageStart();
      const shown = faces.list.slice(start, start + PAGE);
      thumbs.replaceChildren(...shown.map((face, offset) => thumb(face, start + offset)));
      const pages = faces.done ? Math.max(1, Math.ceil(faces.list.length / PAGE)) : "…";
      document.getElementById("grid-page").textContent = "Page " + (start / PAGE + 1) + " of " + pages;
      showSelected();
      faces.ensure(start + PAGE).then(() => {
        if (state.mode === "grid" && thumbs.children.length < PAGE && faces.list.length > start + thumbs.children.length) render();
      });
    }

    function refresh(face) {
      if (section.hidden) return;
      const button = thumbs.querySelector('.thumb[data-item="' + face.item + '"]');
      if (button) paint(button, face, Number(button.dataset.index));
    }

    function showSelected() {
      selectedLabel.textContent = selected.size + " selected";
      const total = faces.done ? faces.list.length : faces.total;
      document.getElementById("position").textContent = "Face " + (state.index + 1) + " of " + total;
      thumbs.querySelectorAll(".thumb").forEach((button) => {
        button.setAttribute("aria-pressed", String(selected.has(Number(button.dataset.item))));
        const here = Number(button.dataset.index) === state.index;
        button.classList.toggle("cursor", here);
        if (here) button.scrollIntoView({ block: "nearest" });
      });
    }

    function toggle(index) {
      const face = faces.list[index];
      if (!face) return;
      if (selected.has(face.item)) selected.delete(face.item);
      else selected.add(face.item);
      anchor = index;
    }

    function range(from, to) {
      const [low, high] = from < to ? [from, to] : [to, from];
      for (let i = low; i <= high; i += 1) if (faces.list[i]) selected.add(faces.list[i].item);
    }

    function columns() {
      const buttons = thumbs.querySelectorAll(".thumb");
      if (buttons.length < 2) return 1;
      const top = buttons[0].getBoundingClientRect().top;
      let count = 0;
      while (count < buttons.length && buttons[count].getBoundingClientRect().top === top) count += 1;
      return Math.max(1, count);
    }

    function move(delta, extend) {
      const target = Math.max(0, Math.min(state.index + delta, faces.list.length - 1));
      if (extend) {
        if (anchor === null) anchor = state.index;
        range(anchor, target);
      }
      const samePage = Math.floor(target / PAGE) === Math.floor(state.index / PAGE);
      state.index = target;
      if (samePage) showSelected();
      else render();
      if (target >= faces.list.length - 1 && !faces.done) faces.ensure(target).then(render);
    }

    async function bulk(action, label) {
      if (busy) return;
      const chosen = selected.size ? faces.list.filter((face) => selected.has(face.item)) : [ctx.current()].filter(Boolean);
      if (!chosen.length) return;
      busy = true;
      selectedLabel.textContent = "Saving " + chosen.length + "…";
      const saved = await faces.decideMany(chosen, action, label);
      busy = false;
      if (saved) {
        ctx.counted(chosen.length);
        selected.clear();
        ctx.notice(chosen.length + (chosen.length === 1 ? " face" : " faces") + " decided.");
      }
      showSelected();
    }

    function selectPage() {
      range(pageStart(), Math.min(pageStart() + PAGE, faces.list.length) - 1);
      showSelected();
    }

    function selectNone() {
      selected.clear();
      anchor = null;
      showSelected();
    }

    function selectCursor() {
      toggle(state.index);
      showSelected();
    }

    function action(event) {
      const k = event.key;
      const extend = event.shiftKey;
      if (k >= "1" && k <= String(CLASSES.length)) return () => bulk("relabel", Number(k) - 1);
      const keys = {
        0: () => bulk("exclude", null), x: () => bulk("exclude", null), Enter: () => bulk("keep", null),
        " ": selectCursor, a: selectPage, Escape: selectNone, u: undoCursor,
        ArrowRight: () => move(1, extend), j: () => move(1, extend), ArrowLeft: () => move(-1, extend),
        k: () => move(-1, extend), ArrowDown: () => move(columns(), extend), ArrowUp: () => move(-columns(), extend),
      };
      return keys[k.length === 1 ? k.toLowerCase() : k] || null;
    }

    function key(event) {
      const run = action(event);
      if (!run) return;
      event.preventDefault();
      run();
    }

    function undoCursor() {
      const face = ctx.current();
      const chosen = face && (face.pending || face.decision);
      if (!chosen || !chosen.action) return ctx.notice("Nothing to undo on this face.");
      return faces.undo(face);
    }

    thumbs.addEventListener("click", (event) => {
      const button = event.target.closest(".thumb");
      if (!button) return;
      const index = Number(button.dataset.index);
      if (event.shiftKey && anchor !== null) range(anchor, index);
      else toggle(index);
      state.index = index;
      showSelected();
    });
    thumbs.addEventListener("dblclick", (event) => {
      const button = event.target.closest(".thumb");
      if (!button) return;
      state.index = Number(button.dataset.index);
      ctx.toggleMode();
    });
    section.querySelector(".grid-actions").addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      button.blur();
      if (button.dataset.bulkLabel !== undefined) bulk("relabel", Number(button.dataset.bulkLabel));
      else bulk(button.dataset.bulkAction, null);
    });
    document.getElementById("grid-prev").addEventListener("click", () => move(-PAGE, false));
    document.getElementById("grid-next").addEventListener("click", () => move(PAGE, false));

    function show(visible) {
      section.hidden = !visible;
      if (visible) render();
    }

    return { render, refresh, key, show, selected };
  }

  return { create: create };
})();
