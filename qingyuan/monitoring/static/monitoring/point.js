// A point's readings: one small ECharts line chart per parameter, for 24 h (minute) or 7 d (hourly) data.
(function () {
  var box = document.getElementById("point-charts");
  if (!box || !window.echarts) { return; }
  var charts = [];

  function draw(data) {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    box.replaceChildren();
    if (!data.series.length) {
      var note = document.createElement("p");
      note.className = "text-muted mb-0";
      note.textContent = box.dataset.empty;
      box.appendChild(note);
      return;
    }
    var shift = data.utc_offset_ms || 0;  // drawn with useUTC: the platform's local time on any browser
    data.series.forEach(function (s) {
      var title = document.createElement("div");
      title.className = "small fw-semibold mt-2";
      title.textContent = s.name + (s.unit ? " (" + s.unit + ")" : "") + " · " + s.code;
      var el = document.createElement("div");
      el.className = "chart";
      el.style.height = "180px";
      box.appendChild(title);
      box.appendChild(el);
      var chart = echarts.init(el);
      chart.setOption({
        useUTC: true,
        grid: { left: 50, right: 12, top: 10, bottom: 28 },
        tooltip: { trigger: "axis", formatter: function (items) {
          var p = items[0], esc = echarts.format.encodeHTML;  // the flag comes from the device: escaped
          return esc(echarts.format.formatTime("MM-dd hh:mm", p.value[0], true)) + "<br>" + esc(String(p.value[1])) +
            (p.value[2] && p.value[2] !== "N" ? " (" + esc(String(p.value[2])) + ")" : "");
        } },
        xAxis: { type: "time", min: data.from + shift, max: data.to + shift },
        yAxis: { type: "value", scale: true },
        series: [{ type: "line", showSymbol: false, connectNulls: false,
                   data: s.points.map(function (p) { return [p[0] + shift, p[1], p[2]]; }) }]
      });
      charts.push(chart);
    });
  }

  function load(range) {
    fetch(box.dataset.url + "?range=" + range, { credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(draw);
  }

  document.querySelectorAll("#chart-range button").forEach(function (button) {
    button.addEventListener("click", function () {
      document.querySelectorAll("#chart-range button").forEach(function (b) { b.classList.remove("active"); });
      button.classList.add("active");
      load(button.dataset.range);
    });
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  load("24h");
})();
