// The player and the timeline kept in step: a click on the chart seeks the video; while it plays, a red cursor on
// the chart follows `currentTime` (redrawn once per animation frame, only while playing); task segments under the
// chart seek to their start; a strongest moment seeks and pauses there, and a second click plays from there.
window.RecordingPlayer = (function () {
  "use strict";

  const Charts = window.RecordingCharts;
  const Api = window.RecordingsApi;

  function create(canvas) {
    const sync = { chart: null, tasks: [], lastMoment: null };

    function video() {
      return document.getElementById("player");
    }

    function currentTime() {
      return video() ? video().currentTime : null;
    }

    function showCursor() {
      const player = video();
      if (!sync.chart || !player) return;
      Charts.setOverlay(sync.chart, { cursor: player.currentTime });
      canvas.dataset.cursor = player.currentTime.toFixed(2);
      sync.chart.draw();
    }

    // `play`: play from there; `toggle`: pause there, or play/pause when the same moment is clicked again.
    function seek(seconds, options) {
      const player = video();
      if (!player) return;
      const opts = options || {};
      const again = opts.toggle && sync.lastMoment === seconds && Math.abs(player.currentTime - seconds) < 1;
      sync.lastMoment = seconds;
      if (again) {
        if (player.paused) player.play();
        else player.pause();
        return;
      }
      player.currentTime = seconds;
      if (opts.play) player.play();
      else if (opts.toggle) player.pause();
      showCursor();
    }

    function follow(player) {
      let frame = null;
      const tick = () => {
        showCursor();
        frame = player.paused ? null : window.requestAnimationFrame(tick);
      };
      player.addEventListener("play", () => frame || (frame = window.requestAnimationFrame(tick)));
      ["seeked", "timeupdate", "pause"].forEach((name) => player.addEventListener(name, () => frame || showCursor()));
    }

    // The page opened before the recording was prepared: put the player in once there is something to play.
    function ensure(recording) {
      const placeholder = document.getElementById("no-player");
      if (video() || !placeholder || !recording.video_url || (recording.info || {}).is_image) return;
      const player = document.createElement("video");
      player.id = "player";
      player.controls = true;
      player.preload = "metadata";
      player.src = recording.video_url;
      if (recording.poster_url) player.poster = recording.poster_url;
      placeholder.replaceWith(player);
      follow(player);
    }

    function segment(task, x) {
      const left = Math.max(x.left, x.getPixelForValue(task.start_s));
      const right = Math.min(x.right, x.getPixelForValue(task.end_s));
      const button = document.createElement("button");
      button.type = "button";
      button.className = "task-segment";
      button.style.left = left + "px";
      button.style.width = Math.max(2, right - left) + "px";
      button.textContent = task.task;
      button.title = task.task + ": " + Api.clock(task.start_s) + "–" + Api.clock(task.end_s);
      button.addEventListener("click", () => seek(task.start_s));
      return button;
    }

    // Task segments as buttons under the chart, lined up with its x axis (called whenever the chart lays out).
    function renderTaskBar() {
      const bar = document.getElementById("task-bar");
      if (!bar || !sync.chart) return;
      bar.replaceChildren(...sync.tasks.map((task) => segment(task, sync.chart.scales.x)));
      bar.hidden = sync.tasks.length === 0;
    }

    function setTasks(tasks) {
      sync.tasks = tasks;
      if (!sync.chart) return;
      Charts.setOverlay(sync.chart, { tasks: tasks });
      sync.chart.update("none");
    }

    function attach(chart) {
      sync.chart = chart;
      if (video()) follow(video());
    }

    return {
      attach: attach, seek: seek, currentTime: currentTime, ensure: ensure, setTasks: setTasks,
      renderTaskBar: renderTaskBar,
    };
  }

  return { create: create };
})();
