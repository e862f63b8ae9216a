// The reviewer's faces and decisions, apart from how they are drawn (reviews_reviewer.js, reviews_grid.js).
//
//   const faces = ReviewFaces.create({ version, scoring, run, query, onChange, onConflict, onClosed, onError });
//   await faces.ensure(index);            // pages are fetched ahead (GET …/faces/?limit=&offset=)
//   faces.decide(face, "relabel", 4);     // optimistic: face.pending shows at once, the POST follows
//   faces.undo(face);  faces.decideMany(list, "keep");
//
// Optimistic concurrency: every request carries the revision of the face's decision as this page last saw it
// (0 for an undecided face). Requests about one face run one after another, so each names the revision the
// previous one produced. A 409 with `current` means a teammate changed the face: the page takes `current`,
// drops whatever else it had queued for that face (it was decided without seeing the teammate's change) and
// calls onConflict; a 409 without `current` means the version was committed: onClosed, and no more requests.
window.ReviewFaces = (function () {
  "use strict";

  const PAGE = 50;
  const Http = window.StudioHttp;

  // POST JSON; resolves to {status, body} for any HTTP answer (a 409's body included), rejects only when the network
  // fails.
  function post(url, body) {
    return Http.request("POST", url, { json: body });
  }

  function create(options) {
    const base = "/api/reviews/versions/" + options.version + "/";
    const list = [];
    const byItem = new Map();
    const store = { list: list, total: null, done: false, closed: null, inFlight: 0 };
    let loading = null;
    let leftFilter = 0; // faces loaded and since decided (or undone) out of a `reviewed` filter: the server's list shrank

    const surface = options.scoring ? { scoring: options.scoring } : options.run ? { run: options.run } : {};
    const changed = (face) => options.onChange && options.onChange(face);

    // ---- Pages of faces.
    function offset() {
      return list.length - leftFilter;
    }

    async function fetchPage() {
      const params = new URLSearchParams(options.query);
      params.set("limit", String(PAGE));
      params.set("offset", String(Math.max(0, offset())));
      const body = await window.LiveFeed.fetchJson(base + "faces/?" + params.toString());
      if (store.total === null) store.total = body.count;
      let added = 0;
      body.results.forEach((face) => {
        if (byItem.has(face.item)) return; // a shrinking list (a `reviewed` filter) may send a face again
        face.pending = null;
        face.queue = Promise.resolve();
        face.generation = 0;
        byItem.set(face.item, face);
        list.push(face);
        added += 1;
      });
      if (!body.next || !body.results.length) store.done = true;
      return added;
    }

    // Make sure faces up to `index`, and a whole page beyond it, are loaded: the reviewer never waits for one.
    function ensure(index) {
      if (store.done || index < list.length - PAGE) return Promise.resolve();
      if (!loading) {
        loading = fetchPage()
          .then((added) => {
            loading = null;
            if (options.onLoad) options.onLoad(added);
            if (!added && !store.done) return fetchPage();
            return undefined;
          })
          .catch((error) => {
            loading = null;
            if (options.onError) options.onError(null, "Could not load faces: " + error.message);
          });
      }
      return loading;
    }

    // ---- Decisions.
    function revision(face) {
      return face.decision ? face.decision.revision : 0;
    }

    function decided(decision) {
      return Boolean(decision && decision.action);
    }

    // A filter on `reviewed` loses a face from the server's list when its decided-ness flips.
    function track(face, before) {
      const wanted = new URLSearchParams(options.query).get("reviewed");
      if (wanted === null || decided(before) === decided(face.decision)) return;
      leftFilter += decided(face.decision) === (wanted === "true") ? -1 : 1;
    }

    function settle(face, decision) {
      const before = face.decision;
      face.decision = decision;
      track(face, before);
    }

    function close(detail) {
      if (store.closed) return;
      store.closed = detail || "This version was committed.";
      if (options.onClosed) options.onClosed(store.closed);
    }

    // Handle a 409: committed (no `current`), or a teammate's change (the face takes it; queued requests drop).
    function conflict(face, body) {
      if (!body || !body.current) {
        close(body && body.detail);
        return;
      }
      const target = byItem.get(body.current.item) || face;
      settle(target, body.current);
      target.generation += 1;
      target.pending = null;
      changed(target);
      if (options.onConflict) options.onConflict(target, body.detail);
    }

    // Queue `request(face)` behind the face's earlier requests; it runs unless a conflict came in meanwhile.
    function enqueue(face, pending, request) {
      const generation = face.generation;
      const token = {};
      face.pending = pending;
      face.token = token;
      store.inFlight += 1;
      changed(face);
      face.queue = face.queue
        .then(async () => {
          if (generation !== face.generation || store.closed) return false;
          const answer = await request();
          if (answer.status === 200) {
            settle(face, answer.body);
          } else if (answer.status === 409) {
            conflict(face, answer.body);
          } else if (options.onError) {
            options.onError(face, Http.errorMessage(answer.body, answer.status));
          }
          return answer.status === 200;
        })
        .catch((error) => {
          if (options.onError) options.onError(face, "Not saved: " + error.message);
          return false;
        })
        .then((saved) => {
          store.inFlight -= 1;
          if (face.token === token) face.pending = null;
          changed(face);
          if (options.onSettled) options.onSettled(face, saved, pending);
          return saved;
        });
      return face.queue;
    }

    function decide(face, action, label) {
      if (store.closed) return Promise.resolve(false);
      const choice = action === "relabel" && label === face.label ? { action: "keep", label: null } : { action, label };
      return enqueue(face, choice, () =>
        post(base + "decisions/", Object.assign({ item: face.item, expected_revision: revision(face) }, choice, surface))
      );
    }

    function undo(face) {
      if (store.closed) return Promise.resolve(false);
      return enqueue(face, { action: "undo", label: null }, () =>
        post(base + "undo/", { item: face.item, expected_revision: revision(face) })
      );
    }

    // The same decision about several faces, all or none (grid mode): waits for their own requests first.
    async function decideMany(faces, action, label) {
      if (store.closed || !faces.length) return false;
      await Promise.all(faces.map((face) => face.queue));
      const items = faces.map((face) => ({ item: face.item, expected_revision: revision(face) }));
      store.inFlight += 1;
      changed(faces[0]);
      try {
        const answer = await post(base + "decisions/bulk/", Object.assign({ items, action, label }, surface));
        if (answer.status === 200) {
          answer.body.forEach((decision) => {
            const face = byItem.get(decision.item);
            if (face) settle(face, decision);
          });
          faces.forEach(changed);
          return true;
        }
        if (answer.status === 409) conflict(faces[0], answer.body);
        else if (options.onError) options.onError(null, Http.errorMessage(answer.body, answer.status));
        return false;
      } catch (error) {
        if (options.onError) options.onError(null, "Not saved: " + error.message);
        return false;
      } finally {
        store.inFlight -= 1;
        changed(faces[0]); // the page's "saving…" goes with the last request
      }
    }

    async function history(face) {
      const body = await window.LiveFeed.fetchJson(base + "audit/?limit=20&item=" + face.item);
      return body.results;
    }

    return Object.assign(store, { ensure, decide, undo, decideMany, history, close, base });
  }

  return { create: create };
})();
