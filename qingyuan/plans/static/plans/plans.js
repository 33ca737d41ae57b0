// Charts of the plans pages; the data sit in data- attributes written by the server.
(function () {
  "use strict";
  function onResize(chart) { window.addEventListener("resize", function () { chart.resize(); }); }

  // Measures as a timeline: one bar per measure from its start to its deadline, coloured by status.
  function timeline(el) {
    var d = JSON.parse(el.dataset.timeline);
    if (!d.rows.length) { el.style.display = "none"; return; }
    el.style.height = Math.max(160, 48 + d.rows.length * 30) + "px";
    var max = el.clientWidth < 520 ? 7 : 18;
    var names = d.rows.map(function (r, i) {
      return (i + 1) + ". " + (r.name.length > max ? r.name.slice(0, max) + "…" : r.name); });
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 22, bottom: 24, containLabel: true },
      // A formatter function returns HTML: every value in it is escaped (titles are typed by enterprises).
      tooltip: { formatter: function (p) { var r = d.rows[p.dataIndex], esc = echarts.format.encodeHTML;
        return esc(r.name) + "<br>" + esc(r.start) + " → " + esc(r.end) + "<br>" + esc(r.status); } },
      xAxis: { type: "time", min: d.start, max: d.end },
      yAxis: { type: "category", data: names, inverse: true, axisTick: { show: false } },
      series: [{
        type: "custom",
        renderItem: function (params, api) {
          var y = api.value(0), start = api.coord([api.value(1), y]), end = api.coord([api.value(2), y]);
          var h = api.size([0, 1])[1] * 0.55;
          var shape = echarts.graphic.clipRectByRect(
            { x: start[0], y: start[1] - h / 2, width: Math.max(2, end[0] - start[0]), height: h },
            { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
          return shape && { type: "rect", shape: shape, style: api.style() };
        },
        encode: { x: [1, 2], y: 0 },
        data: d.rows.map(function (r, i) { return { value: [i, r.start, r.end], itemStyle: { color: r.colour } }; }),
        markLine: { symbol: "none", silent: true, lineStyle: { color: "#dc3545", type: "dashed" },
                    label: { position: "start", formatter: d.today }, data: [{ xAxis: d.today }] }
      }]
    });
    onResize(chart);
  }

  // One donut per target type: its enterprises by how far their plan has come.
  function stages(el) {
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: JSON.parse(el.dataset.series),
                 label: { formatter: "{b}: {c}" } }]
    });
    onResize(chart);
  }

  // Load reductions: required against achieved, per pollutant.
  function loads(el) {
    var d = JSON.parse(el.dataset.loads);
    if (!d.names.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { data: d.labels, bottom: 0 },
      grid: { left: 8, right: 8, top: 10, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: d.names }, yAxis: { type: "value", name: "t/a" },
      series: [{ name: d.labels[0], type: "bar", data: d.required, itemStyle: { color: "#adb5bd" } },
               { name: d.labels[1], type: "bar", data: d.achieved, itemStyle: { color: "#198754" } }]
    });
    onResize(chart);
  }

  if (typeof echarts === "undefined") { return; }
  document.querySelectorAll("#measure-timeline").forEach(timeline);
  document.querySelectorAll(".stage-chart").forEach(stages);
  document.querySelectorAll("#load-chart").forEach(loads);
})();
