// Upload page: sends the form to the API with XMLHttpRequest, whose upload events drive the progress bar
// (fetch() cannot report upload progress). Without JavaScript the form posts to the page itself. The API's
// answer says everything: 201 → go to the dataset, 400/413 → show its message.
(function () {
  "use strict";

  const form = document.getElementById("upload-form");
  if (!form) return;
  const errorBox = document.getElementById("upload-error");
  const progress = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-bar");
  const percent = document.getElementById("upload-percent");
  const button = document.getElementById("upload-button");
  const MB = 1024 * 1024;
  const Http = window.StudioHttp;

  function showErrors(messages) {
    errorBox.replaceChildren(
      ...messages.map((text) => {
        const line = document.createElement("p");
        line.textContent = text;
        return line;
      })
    );
    errorBox.hidden = false;
    progress.hidden = true;
    button.disabled = false;
  }

  function onLoad(xhr) {
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch (error) {
      body = null;
    }
    if (xhr.status === 201 && body) {
      window.location.assign(form.dataset.detailPrefix + body.dataset + "/");
      return;
    }
    const messages = Http.errorLines(body); // DRF errors: {"detail": "..."} or {"field": ["...", ...], ...}
    showErrors(messages.length ? messages : ["The upload failed: the server answered " + xhr.status + "."]);
  }

  function tooLarge(file) {
    const limit = Number(form.dataset.maxBytes);
    if (!file || !limit || file.size <= limit) return null;
    const size = (file.size / MB).toFixed(1);
    return "The file is " + size + " MB; the limit is " + form.dataset.maxMb + " MB. Upload a smaller file.";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = form.querySelector("input[type=file]");
    const refusal = tooLarge(input && input.files[0]);
    if (refusal) {
      showErrors([refusal]);
      return;
    }
    errorBox.hidden = true;
    button.disabled = true;
    progress.hidden = false;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.apiUrl);
    xhr.setRequestHeader("X-CSRFToken", Http.csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (update) => {
      if (!update.lengthComputable) return;
      bar.value = update.loaded / update.total;
      percent.textContent = Math.round((100 * update.loaded) / update.total) + "%";
    });
    xhr.upload.addEventListener("load", () => {
      percent.textContent = "100%: checking the file…";
    });
    xhr.addEventListener("load", () => onLoad(xhr));
    xhr.addEventListener("error", () => showErrors(["The upload was interrupted. Check your connection and try again."]));
    xhr.send(new FormData(form));
  });
})();
