// The recording page's charts: the emotion timeline (7 class probabilities + valence over seconds, with task bands
// and a cursor that follows the player) and the distribution bars. One colour per emotion, everywhere on the page.
// Long recordings are drawn from at most MAX_POINTS buckets (means of what falls in each); the data stays whole.
window.RecordingCharts = (function () {
  "use strict";

  const CLASSES = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];
  const COLORS = {
    angry: "#e03131", disgust: "#66a80f", fear: "#7048e8", happy: "#f59f00", sad: "#1c7ed6",
    surprise: "#d6336c", neutral: "#868e96", valence: "#1f2733",
  };
  const MAX_POINTS = 1200;
  const clock = (value) => window.RecordingsApi.clock(value, 0);
  // Axis labels: tenths of a second on a short clip (0:01.5), whole seconds otherwise.
  function axisClock(value) {
    return window.RecordingsApi.clock(value, this.max - this.min < 20 ? 1 : 0);
  }

  // Draws the task bands under the lines and the player's cursor over them, from `session` (kept as chart.$session:
  // plugin options are resolved and cached at each update, and the cursor moves between updates).
  function overlay(session) {
    return {
      id: "sessionOverlay",
      beforeDatasetsDraw(chart) {
        const { ctx, chartArea: area, scales } = chart;
        session.tasks.forEach((task, index) => {
          const left = Math.max(area.left, scales.x.getPixelForValue(task.start_s));
          const right = Math.min(area.right, scales.x.getPixelForValue(task.end_s));
          if (right <= left) return;
          ctx.save();
          ctx.fillStyle = index % 2 ? "rgba(59, 91, 219, 0.07)" : "rgba(59, 91, 219, 0.12)";
          ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
          ctx.restore();
        });
      },
      afterDatasetsDraw(chart) {
        drawAbsences(chart, session.absences);
        if (session.cursor === null) return;
        const { ctx, chartArea: area, scales } = chart;
        const x = scales.x.getPixelForValue(session.cursor);
        if (x < area.left || x > area.right) return;
        ctx.save();
        ctx.strokeStyle = "#c92a2a";
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.restore();
      },
      afterLayout(chart) {
        if (session.onLayout) session.onLayout(chart);
      },
    };
  }

  // Stretches without the face, as a grey strip along the bottom of the chart.
  function drawAbsences(chart, absences) {
    const { ctx, chartArea: area, scales } = chart;
    ctx.save();
    ctx.fillStyle = "rgba(95, 107, 122, 0.45)";
    absences.forEach(([start, end]) => {
      const left = Math.max(area.left, scales.x.getPixelForValue(start));
      const right = Math.min(area.right, scales.x.getPixelForValue(end));
      if (right > left) ctx.fillRect(left, area.bottom - 6, right - left, 6);
    });
    ctx.restore();
  }

  // [start, end] seconds of the bins where the track's face is absent from frames that were analysed.
  function absences(timeline, entry) {
    const found = [];
    timeline.frames.forEach((frames, index) => {
      if (!frames || (entry && entry.faces[index])) return;
      const start = index * timeline.bin_s;
      const last = found[found.length - 1];
      // an empty bin (no frame fell in it) does not end a stretch
      if (last && start - last[1] <= timeline.bin_s * 1.01) last[1] = start + timeline.bin_s;
      else found.push([start, start + timeline.bin_s]);
    });
    return found;
  }

  function line(label, color, axis, extra) {
    return Object.assign(
      {
        label: label, data: [], yAxisID: axis, borderColor: color, backgroundColor: color, borderWidth: 1.75,
        pointRadius: 0, pointHitRadius: 4, pointStyle: "rect", tension: 0.2, spanGaps: false,
      },
      extra || {}
    );
  }

  // `onSeek(seconds)` is called when someone clicks the chart.
  function timelineChart(canvas, onSeek, onLayout) {
    const session = { tasks: [], absences: [], cursor: null, onLayout: onLayout };
    const datasets = CLASSES.map((name) => line(name, COLORS[name], "y"));
    const dashed = { borderDash: [6, 4], borderWidth: 2, pointStyle: "line" };
    datasets.push(line("valence", COLORS.valence, "valence", dashed));
    const chart = new Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        onClick: (event, elements, chart) => {
          const seconds = chart.scales.x.getValueForPixel(event.x);
          if (onSeek && isFinite(seconds)) onSeek(Math.max(0, seconds));
        },
        scales: {
          x: { type: "linear", min: 0, ticks: { callback: axisClock, maxTicksLimit: 8, includeBounds: false } },
          y: {
            min: 0, max: 1, title: { display: true, text: "probability" },
            ticks: { callback: (v) => Math.round(v * 100) + "%", maxTicksLimit: 6 },
          },
          valence: {
            position: "right", min: -1, max: 1, grid: { drawOnChartArea: false },
            title: { display: true, text: "valence" }, ticks: { maxTicksLimit: 5 },
          },
        },
        plugins: {
          legend: { position: "top", labels: { boxWidth: 14, boxHeight: 10, padding: 10, usePointStyle: true } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? clock(items[0].parsed.x) : ""),
              label: (item) => item.dataset.label + ": " + (item.dataset.yAxisID === "valence"
                ? item.parsed.y.toFixed(2) : Math.round(item.parsed.y * 100) + "%"),
            },
          },
        },
      },
      plugins: [overlay(session)],
    });
    chart.$session = session;
    return chart;
  }

  // Series from per-time samples: `times` [n], `probs` [n][7] (or null: no face), `valence` [n].
  // Buckets of `bucketS` seconds are averaged; a gap longer than `gapS` without samples breaks the lines.
  function series(times, probs, valence, bucketS, gapS) {
    const buckets = new Map();
    times.forEach((time, index) => {
      if (!probs[index] || probs[index][0] === null) return; // no face in this bin
      const key = Math.floor(time / bucketS + 1e-6); // 0.3 / 0.1 is 2.9999…
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { n: 0, t: 0, p: new Array(7).fill(0), v: 0 }));
      bucket.n += 1;
      bucket.t += time;
      probs[index].forEach((value, k) => (bucket.p[k] += value));
      bucket.v += valence[index];
    });
    const keys = Array.from(buckets.keys()).sort((a, b) => a - b);
    const lines = Array.from({ length: 8 }, () => []);
    let previous = null;
    keys.forEach((key) => {
      const bucket = buckets.get(key);
      const x = bucket.t / bucket.n;
      if (previous !== null && x - previous > gapS) {
        lines.forEach((points) => points.push({ x: (x + previous) / 2, y: null }));
      }
      bucket.p.forEach((sum, k) => lines[k].push({ x: x, y: sum / bucket.n }));
      lines[7].push({ x: x, y: bucket.v / bucket.n });
      previous = x;
    });
    return { lines: lines, points: keys.length };
  }

  function bucketWidth(durationS, stepS) {
    return Math.max(stepS, (durationS || 0) / MAX_POINTS);
  }

  function show(chart, drawn, durationS) {
    drawn.lines.forEach((points, index) => (chart.data.datasets[index].data = points));
    const last = drawn.lines[0].length ? drawn.lines[0][drawn.lines[0].length - 1].x : 0;
    chart.options.scales.x.max = Math.max(durationS || 0, last) || undefined;
    chart.update("none");
    chart.canvas.dataset.points = String(drawn.points);
  }

  function setOverlay(chart, values) {
    Object.assign(chart.$session, values);
  }

  // Live rows ([frame, time_s, track, valence, p_angry … p_neutral]) kept per track, each row once (a catch-up and
  // the events after it may overlap); `busiest()` is the track with the most rows so far.
  function liveStore() {
    const tracks = new Map();
    return {
      events: 0,
      add(rows) {
        rows.forEach((row) => {
          const track = row[2];
          if (track < 0) return; // a frame without a face: a gap in the lines
          let series = tracks.get(track);
          if (!series) tracks.set(track, (series = { last: -1, times: [], probs: [], valence: [] }));
          if (row[0] <= series.last) return;
          series.last = row[0];
          series.times.push(row[1]);
          series.valence.push(row[3]);
          series.probs.push(row[4] === null ? null : row.slice(4, 11));
        });
      },
      busiest() {
        let best = null;
        tracks.forEach((series, id) => {
          if (!best || series.times.length > best.series.times.length) best = { id: id, series: series };
        });
        return best;
      },
    };
  }

  function distributionChart(canvas) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: CLASSES,
        datasets: [{ label: "mean probability", data: [], backgroundColor: CLASSES.map((name) => COLORS[name]) }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0, suggestedMax: 0.5, ticks: { callback: (v) => Math.round(v * 100) + "%" } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => (item.parsed.y * 100).toFixed(1) + "%" } },
        },
      },
    });
  }

  function showDistribution(chart, meanProbs) {
    chart.data.datasets[0].data = CLASSES.map((name) => (meanProbs && meanProbs[name]) || 0);
    chart.update("none");
  }

  return {
    CLASSES: CLASSES, COLORS: COLORS, timelineChart: timelineChart, series: series, bucketWidth: bucketWidth,
    show: show, setOverlay: setOverlay, absences: absences, liveStore: liveStore, distributionChart: distributionChart,
    showDistribution: showDistribution,
  };
})();
