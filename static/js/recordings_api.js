// Shared by the recordings pages: calls to /api/ (studio_http.js), the API's error messages in words, and the
// number formats (sizes, clock times). Renders what the API says; no business rules.
window.RecordingsApi = (function () {
  "use strict";

  const Http = window.StudioHttp;
  const MB = 1024 * 1024;

  // DRF errors as sentences (StudioHttp.errorLines): `labels` names fields the way the form does ({start: "From"});
  // other fields are named as the API names them.
  function messages(body, status, labels) {
    if (status === 413 && !(body && body.detail)) return ["The file or chunk is too large for the server."];
    if (!body || typeof body !== "object") return status ? ["The server answered " + status + "."] : [];
    const found = Http.errorLines(body, labels || {});
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
    request: Http.request, // {ok, status, body} whatever the status
    messages: messages,
    showMessages: showMessages,
    megabytes: megabytes,
    clock: clock,
    duration: duration,
  };
})();
