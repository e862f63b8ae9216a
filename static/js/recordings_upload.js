// Recordings list: the resumable uploader, and the list's rows kept live while recordings are prepared and analysed.
//
// Upload protocol (webapp/recordings/apis/uploads.py): POST /api/recordings/uploads/ declares the file, then
// PUT …/uploads/<id>/chunk/ sends `chunk_bytes` at a time from `Upload-Offset`. A 409 says where the server is
// (`received`): go on from there. A dropped connection is retried with back-off after asking the server for its
// offset. Unfinished uploads are remembered in localStorage under the file's name, size and modification time, so
// selecting the same file again (after a reload, a crash, another day) resumes instead of starting over.
(function () {
  "use strict";

  const Api = window.RecordingsApi;
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = document.getElementById("upload-file");
  const button = document.getElementById("upload-button");
  const pauseButton = document.getElementById("upload-pause");
  const meter = document.getElementById("upload-meter");
  const bar = document.getElementById("upload-progress");
  const percent = document.getElementById("upload-percent");
  const statusLine = document.getElementById("upload-status");
  const errorBox = document.getElementById("upload-error");
  const resumeNote = document.getElementById("upload-resume");
  const STORE_PREFIX = "recordings.upload:";
  const RETRY_DELAYS_S = [1, 2, 4, 8, 15, 30, 30, 30];
  const SPEED_WINDOW_MS = 5000;
  let current = null; // the upload in progress: {upload, file, xhr, paused}

  function storeKey(file) {
    return STORE_PREFIX + JSON.stringify([file.name, file.size, file.lastModified]);
  }

  function remembered(file) {
    try {
      return JSON.parse(localStorage.getItem(storeKey(file)) || "null");
    } catch (error) {
      return null;
    }
  }

  function remember(file, upload) {
    const entry = {
      id: upload.id, name: upload.name, original_name: upload.original_name, size_bytes: upload.size_bytes,
      received: upload.received, saved_at: new Date().toISOString(),
    };
    try {
      localStorage.setItem(storeKey(file), JSON.stringify(entry));
    } catch (error) {
      /* private mode or full: the upload still works, it just cannot resume after a reload */
    }
  }

  function forget(key) {
    try {
      localStorage.removeItem(key);
    } catch (error) {
      /* nothing to forget */
    }
  }

  function showError(lines) {
    Api.showMessages(errorBox, lines);
    statusLine.textContent = "";
    setBusy(false);
  }

  function setBusy(busy) {
    button.disabled = busy;
    input.disabled = busy;
    pauseButton.hidden = !busy;
    form.dataset.state = busy ? "uploading" : "idle";
  }

  // --- progress ------------------------------------------------------------------------------------------------

  function meterStart(upload) {
    meter.hidden = false;
    return { samples: [{ at: performance.now(), bytes: upload.received }], size: upload.size_bytes };
  }

  function meterShow(state, bytes) {
    const now = performance.now();
    state.samples.push({ at: now, bytes: bytes });
    while (state.samples.length > 2 && now - state.samples[1].at > SPEED_WINDOW_MS) state.samples.shift();
    const first = state.samples[0];
    const seconds = (now - first.at) / 1000;
    const speed = seconds > 0.3 ? (bytes - first.bytes) / seconds : 0;
    bar.value = state.size ? bytes / state.size : 0;
    const parts = [Api.megabytes(bytes) + " of " + Api.megabytes(state.size), Math.floor(100 * bar.value) + "%"];
    if (speed > 0) {
      parts.push(Api.megabytes(speed) + "/s");
      parts.push("about " + Api.duration((state.size - bytes) / speed) + " left");
    }
    percent.textContent = parts.join(" · ");
    form.dataset.sent = String(bytes);
  }

  // --- the protocol --------------------------------------------------------------------------------------------

  function putChunk(upload, offset, blob, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      current.xhr = xhr;
      xhr.open("PUT", "/api/recordings/uploads/" + upload.id + "/chunk/");
      xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
      xhr.setRequestHeader("Upload-Offset", String(offset));
      xhr.setRequestHeader("X-CSRFToken", window.StudioHttp.csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (event) => onProgress(event.loaded));
      xhr.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (error) {
          body = null;
        }
        resolve({ status: xhr.status, body: body });
      });
      xhr.addEventListener("error", () => reject(new Error("network")));
      xhr.addEventListener("abort", () => reject(new Error("aborted")));
      xhr.send(blob);
    });
  }

  async function start(file) {
    const data = {
      name: document.getElementById("upload-name").value.trim(),
      original_name: file.name,
      size_bytes: file.size,
      analyse: document.getElementById("upload-analyse").checked,
      model_run: document.getElementById("upload-model").value || null,
    };
    const answer = await Api.request("POST", form.dataset.startUrl, { json: data });
    if (answer.status !== 201) {
      showError(Api.messages(answer.body, answer.status, { original_name: "File", size_bytes: "Size" }));
      return null;
    }
    remember(file, answer.body);
    return answer.body;
  }

  // The upload we remembered for this file, as the server has it now (null: start afresh).
  async function resumable(file) {
    const saved = remembered(file);
    if (!saved) return null;
    const answer = await Api.request("GET", "/api/recordings/uploads/" + saved.id + "/");
    if (answer.status !== 200) {
      forget(storeKey(file)); // gone (abandoned, deleted, another account): start again
      return null;
    }
    return answer.body;
  }

  async function waitBeforeRetry(attempt) {
    const delay = RETRY_DELAYS_S[Math.min(attempt, RETRY_DELAYS_S.length - 1)];
    for (let left = delay; left > 0; left -= 1) {
      if (current.paused) return;
      statusLine.textContent =
        "The connection dropped. Retrying in " + left + " s (the upload resumes where it stopped)…";
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async function serverOffset(upload) {
    const answer = await Api.request("GET", "/api/recordings/uploads/" + upload.id + "/");
    return answer.status === 200 ? answer.body.received : null;
  }

  async function send(file, upload) {
    const state = meterStart(upload);
    let offset = upload.received;
    let failures = 0;
    meterShow(state, offset);
    while (!current.paused) {
      const end = Math.min(file.size, offset + upload.chunk_bytes);
      let answer;
      try {
        answer = await putChunk(upload, offset, file.slice(offset, end), (loaded) => meterShow(state, offset + loaded));
      } catch (error) {
        answer = { status: 0, body: null };
      }
      if (current.paused) return;
      if (answer.status === 200) {
        failures = 0;
        statusLine.textContent = "Uploading…";
        offset = answer.body.received;
        meterShow(state, offset);
        remember(file, answer.body);
        if (answer.body.recording) return finish(file, answer.body.recording);
        continue;
      }
      if (answer.status === 409 && answer.body && answer.body.received !== undefined) {
        offset = Number(answer.body.received); // the server is elsewhere: go on from there
        continue;
      }
      if (answer.status === 0 || answer.status >= 500) {
        if (failures >= RETRY_DELAYS_S.length) {
          return showError(["The upload keeps failing (" + (answer.status || "no connection") + "). " +
            "Select the same file again later: it resumes from " + Api.megabytes(offset) + "."]);
        }
        await waitBeforeRetry(failures);
        failures += 1;
        try {
          const known = await serverOffset(upload);
          if (known !== null) offset = known;
        } catch (error) {
          /* still offline: the next attempt retries */
        }
        continue;
      }
      if (answer.status === 400 || answer.status === 404) forget(storeKey(file)); // refused: nothing was kept
      return showError(Api.messages(answer.body, answer.status, { file: "File" }));
    }
  }

  function finish(file, recordingId) {
    forget(storeKey(file));
    statusLine.textContent = "Uploaded. Opening the recording…";
    bar.value = 1;
    window.location.assign("/recordings/" + recordingId + "/");
  }

  function tooLarge(file) {
    const limit = Number(form.dataset.maxMb) * Api.MB;
    if (!limit || file.size <= limit) return null;
    return "The file is " + Api.megabytes(file.size) + "; the limit is " + form.dataset.maxMb + " MB.";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files[0];
    if (!file) return showError(["Choose a video or photo first."]);
    const refusal = tooLarge(file);
    if (refusal) return showError([refusal]);
    Api.showMessages(errorBox, []);
    setBusy(true);
    current = { file: file, xhr: null, paused: false };
    statusLine.textContent = "Starting…";
    try {
      let upload = await resumable(file);
      if (upload && upload.recording) return finish(file, upload.recording);
      if (upload) statusLine.textContent = "Resuming from " + Api.megabytes(upload.received) + "…";
      else upload = await start(file);
      if (upload) await send(file, upload);
    } catch (error) {
      showError(["The upload could not start: " + error.message + ". Check your connection and try again."]);
    }
  });

  pauseButton.addEventListener("click", () => {
    if (!current) return;
    current.paused = true;
    if (current.xhr) current.xhr.abort();
    setBusy(false);
    statusLine.textContent = "Paused. Upload the same file again to resume where it stopped.";
    showUnfinished();
  });

  input.addEventListener("change", () => {
    const file = input.files[0];
    const saved = file ? remembered(file) : null;
    resumeNote.hidden = !saved;
    button.textContent = saved ? "Resume upload" : button.dataset.label;
    if (saved) {
      resumeNote.textContent = "This file was partly uploaded (" + Api.megabytes(saved.received) + " of " +
        Api.megabytes(saved.size_bytes) + "): the upload resumes from there, as " + saved.name + ".";
    }
  });

  // --- unfinished uploads --------------------------------------------------------------------------------------

  function unfinishedEntries() {
    const entries = [];
    for (let index = 0; index < localStorage.length; index += 1) {
      const key = localStorage.key(index);
      if (!key || !key.startsWith(STORE_PREFIX)) continue;
      try {
        entries.push({ key: key, entry: JSON.parse(localStorage.getItem(key)) });
      } catch (error) {
        forget(key);
      }
    }
    return entries;
  }

  function unfinishedItem(key, entry) {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = entry.name + " (" + entry.original_name + "): " + Api.megabytes(entry.received) + " of " +
      Api.megabytes(entry.size_bytes) + " sent";
    const drop = document.createElement("button");
    drop.type = "button";
    drop.className = "button button-quiet";
    drop.textContent = "Discard";
    drop.addEventListener("click", async () => {
      await Api.request("DELETE", "/api/recordings/uploads/" + entry.id + "/");
      forget(key);
      showUnfinished();
    });
    item.append(label, " ", drop);
    return item;
  }

  function showUnfinished() {
    const box = document.getElementById("unfinished-uploads");
    if (!box) return;
    const busyKey = current && !current.paused ? storeKey(current.file) : "";
    const entries = unfinishedEntries().filter(({ key }) => key !== busyKey);
    box.querySelector("ul").replaceChildren(...entries.map(({ key, entry }) => unfinishedItem(key, entry)));
    box.hidden = entries.length === 0;
  }

  button.dataset.label = button.textContent;
  showUnfinished();
})();
