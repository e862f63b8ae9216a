// Shared by every page that calls /api/: the CSRF token, one request with it, and the API's error bodies in words.
// Load it before the scripts that use it.
//
//   const run = await StudioHttp.json("POST", "/api/runs/7/retrain/", { dataset_version: 12 }); // null for a 204
//   // a non-2xx answer rejects with an Error: .message is the API's words, .status and .body are the answer's
//   const answer = await StudioHttp.request("POST", url, { json: data }); // {ok, status, body} whatever the status
//   StudioHttp.errorMessage(answer.body, answer.status); // "This field is required." or "The Studio answered 502."
//   xhr.setRequestHeader("X-CSRFToken", StudioHttp.csrfToken()); // uploads with progress stay XMLHttpRequest
window.StudioHttp = (function () {
  "use strict";

  // The page's form field if it has one, else the `csrftoken` cookie.
  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // One API call; resolves to {ok, status, body} whatever the status (network errors reject). `options.json` is
  // sent as JSON, `options.form` (FormData) as multipart. `body` is the parsed answer, null for a 204 or non-JSON.
  async function request(method, url, options) {
    const opts = options || {};
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    let body;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      body = opts.form; // FormData: the browser sets the multipart boundary
    }
    const response = await fetch(url, { method: method, headers: headers, body: body, credentials: "same-origin" });
    let data = null;
    if (response.status !== 204) {
      const text = await response.text();
      try {
        data = text ? JSON.parse(text) : null;
      } catch (error) {
        data = null;
      }
    }
    return { ok: response.ok, status: response.status, body: data };
  }

  // A JSON call that resolves to the parsed answer (null for a 204) and rejects on an error status with an Error
  // whose message is errorMessage()'s and which carries the answer's `status` and `body` (a 409's, say).
  async function json(method, url, body) {
    const answer = await request(method, url, body === undefined ? {} : { json: body });
    if (answer.ok) return answer.body;
    const error = new Error(errorMessage(answer.body, answer.status));
    error.status = answer.status;
    error.body = answer.body;
    throw error;
  }

  // The words of a DRF error body, one per message: {"detail": "..."}, {"non_field_errors": [...]}, {"field":
  // ["..."]}, nested lists and objects (a bulk request's per-item errors) flattened; [] if it has none. With
  // `labels` ({start: "From"}), a field's messages start with its label, or with the API's name for the field.
  // `received` (a 409's resume offset for uploads) is not a message.
  function errorLines(body, labels) {
    if (!body || typeof body !== "object") return [];
    const found = [];
    Object.entries(body).forEach(([field, value]) => {
      if (field === "received") return;
      const texts = (Array.isArray(value) ? value : [value]).flatMap((item) =>
        item && typeof item === "object" ? Object.values(item).flat() : [item]
      );
      const named = labels && field !== "detail" && field !== "non_field_errors";
      const prefix = named ? (labels[field] || field) + ": " : "";
      texts.forEach((text) => found.push(prefix + String(text)));
    });
    return found;
  }

  // A DRF error body in one line: its `detail`, else all its messages; "The Studio answered <status>." if none.
  function errorMessage(body, status) {
    if (body && typeof body.detail === "string") return body.detail;
    return errorLines(body).join(" ") || "The Studio answered " + status + ".";
  }

  return {
    csrfToken: csrfToken,
    request: request,
    json: json,
    errorLines: errorLines,
    errorMessage: errorMessage,
  };
})();
