// Shared by the recordings pages: calls to /api/ with the CSRF token, the API's error messages in words, and the
// number formats (sizes, clock times). Renders what the API says; no business rules.
window.RecordingsApi = (function () {
  "use strict";

  const MB = 1024 * 1024;

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
  }

  // One API call; resolves to {ok, status, body} whatever the status (network errors reject).
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

  // DRF errors as sentences: {"detail": "..."}, {"non_field_errors": [...]}, {"field": ["..."]}. `labels` names
  // fields the way the form does ({start: "From"}); other fields are named as the API names them.
  function messages(body, status, labels) {
    if (status === 413 && !(body && body.detail)) return ["The file or chunk is too large for the server."];
    if (!body || typeof body !== "object") return status ? ["The server answered " + status + "."] : [];
    const names = labels || {};
    const found = [];
    Object.entries(body).forEach(([field, value]) => {
      if (field === "received") return; // 409's resume offset: not a message
      const texts = (Array.isArray(value) ? value : [value]).flatMap((item) =>
        item && typeof item === "object" ? Object.values(item).flat() : [item]
      );
      const prefix = field === "detail" || field === "non_field_errors" ? "" : (names[field] || field) + ": ";
      texts.forEach((text) => found.push(prefix + String(text)));
    });
    return found.length ? found : ["The server answered " + status + "."];
  }

  function showMessages(element, lines) {
    element.replaceChildren(
      ...lines.map((text) => {
        const line = document.createElement("p");
        line.textContent = text;
        return line;
      })
    );
    element.hidden = lines.length === 0;
  }

  function megabytes(bytes) {
    const value = bytes / MB;
    return (value >= 100 ? value.toFixed(0) : value.toFixed(1)) + " MB";
  }

  function pad(value) {
    return String(value).padStart(2, "0");
  }

  // 75.5 -> "1:15.5"; 3725 -> "1:02:05" (what the task form and the server's parse_time both read).
  function clock(seconds, digits) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return "—";
    const places = digits === undefined ? 1 : digits;
    const factor = 10 ** places;
    const total = Math.round(Math.max(0, seconds) * factor) / factor;
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const rest = total - hours * 3600 - minutes * 60;
    const secs = places ? rest.toFixed(places).padStart(places + 3, "0") : pad(Math.round(rest));
    return hours ? hours + ":" + pad(minutes) + ":" + secs : minutes + ":" + secs;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return "—";
    const total = Math.round(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    if (hours) return hours + " h " + pad(minutes) + " min";
    return minutes ? minutes + " min " + pad(total % 60) + " s" : (total % 60) + " s";
  }

  return {
    MB: MB,
    csrfToken: csrfToken,
    request: request,
    messages: messages,
    showMessages: showMessages,
    megabytes: megabytes,
    clock: clock,
    duration: duration,
  };
})();
