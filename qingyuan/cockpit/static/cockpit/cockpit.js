// The cockpit's charts (ECharts) and progress bars, from the json_script block "cockpit-data".
// Tooltips escape what they show (echarts.format.encodeHTML).
(function () {
  "use strict";
  var source = document.getElementById("cockpit-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var enc = echarts.format.encodeHTML;
  var CLASSES = ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"];
  var COLOURS = { operating: "#198754", rectifying: "#fd7e14", rectified: "#20c997", suspended: "#6c757d",
                  closed: "#212529", relocated: "#6610f2", transformed: "#0d6efd" };
  document.querySelectorAll(".progress-bar[data-share]").forEach(function (bar) {
    var share = parseFloat(bar.dataset.share);
    bar.style.width = (isNaN(share) ? 0 : Math.max(0, Math.min(1, share)) * 100) + "%";
  });
  function chart(name, option) {
    var el = document.querySelector('.cockpit-chart[data-chart="' + name + '"]');
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  chart("status", {
    tooltip: { trigger: "item", formatter: function (p) { return enc(p.name) + ": " + enc(String(p.value)); } },
    series: [{ type: "pie", radius: ["45%", "70%"], label: { show: false },
               data: data.status.filter(function (d) { return d.value > 0; }).map(function (d) {
                 return { name: d.name, value: d.value, itemStyle: { color: COLOURS[d.key] } };
               }) }]
  });
  if (data.section) {
    var s = data.section;
    chart("section", {
      grid: { left: 44, right: 12, top: 12, bottom: 24 },
      tooltip: { trigger: "axis", formatter: function (ps) {
        return ps.map(function (p) { return enc(p.axisValue) + ": " + enc(CLASSES[p.value[1] - 1] || "—"); }).join("<br>");
      } },
      xAxis: { type: "category", axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", min: 1, max: 6, inverse: true, interval: 1, name: "",
               axisLabel: { formatter: function (v) { return CLASSES[v - 1] || ""; } } },
      series: [{ type: "line", name: s.name, data: s.data, connectNulls: false,
                 markLine: s.target ? { symbol: "none", silent: true, lineStyle: { color: "#dc3545", type: "dashed" },
                   label: { formatter: s.target_label + " " + CLASSES[s.target - 1], position: "insideStartTop" },
                   data: [{ yAxis: s.target }] } : undefined }]
    });
  }
  var L = data.labels;
  chart("loads", {
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    legend: { data: [L.ytd, L.projected, L.target] },
    tooltip: { trigger: "axis", formatter: function (ps) {
      return enc(ps[0].axisValue) + "<br>" + ps.map(function (p) {
        return enc(p.seriesName) + ": " + (p.value === null || p.value === undefined ? "—" : enc(String(p.value)) + " " + enc(L.tonnes));
      }).join("<br>");
    } },
    xAxis: { type: "category", data: data.loads.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
    yAxis: { type: "value", name: L.tonnes },
    series: [
      { type: "bar", name: L.ytd, data: data.loads.map(function (r) { return r.ytd; }) },
      { type: "bar", name: L.projected, data: data.loads.map(function (r) { return r.projected; }) },
      { type: "scatter", name: L.target, symbol: "rect", symbolSize: [28, 3], itemStyle: { color: "#dc3545" },
        data: data.loads.map(function (r) { return r.target; }) }
    ]
  });
})();
