// Charts of the alarm pages: bars on the board (data-series, data-key), a line around one alarm.
(function () {
  function empty(el) {
    var note = document.createElement("p");
    note.className = "text-muted small";
    note.textContent = el.dataset.empty || "";
    el.replaceChildren(note);
  }
  function bars(el) {
    var rows = JSON.parse(el.dataset.series)[el.dataset.key] || [];
    if (!rows.length) { empty(el); return; }
    el.style.height = Math.max(160, rows.length * 24 + 40) + "px";
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, axisLabel: { interval: 0 }, data: rows.map(function (r) { return r[0]; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), label: { show: true, position: "right" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function line(el) {
    var data = JSON.parse(el.dataset.chart || "{}");
    if (!data.points || !data.points.length) { empty(el); return; }
    var chart = echarts.init(el);
    var marks = [];
    if (data.limit !== null && data.limit !== undefined) {
      marks.push({ yAxis: data.limit, name: el.dataset.limitLabel, lineStyle: { color: "#dc3545" } });
    }
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: data.unit || "" },
      series: [{
        name: data.name, type: "line", showSymbol: false, connectNulls: false,
        data: data.points.map(function (p) { return [p[0], p[1]]; }),
        markLine: { symbol: "none", data: marks },
        markArea: { itemStyle: { color: "rgba(220,53,69,0.08)" }, data: [[{ xAxis: data.band[0] }, { xAxis: data.band[1] }]] }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function draw(root) {
    root.querySelectorAll(".alarm-chart").forEach(bars);
    var el = root.querySelector("#alarm-chart");
    if (el) { line(el); }
  }
  draw(document);
  document.body.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
