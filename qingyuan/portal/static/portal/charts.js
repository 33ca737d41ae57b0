// Charts of the portal overview (vendored ECharts). Data from <script id="portal-charts" type="application/json">:
// {section: {months: [{month, rank, label}], target_rank} | null, loads: [{name, cumulative_t, target_t}],
//  complaints: {months: [12 counts]}}. Tooltips are escaped with echarts.format.encodeHTML.
(function () {
  document.querySelectorAll(".portal-bar[data-share]").forEach(function (bar) {
    var share = Math.max(0, Math.min(1, parseFloat(bar.dataset.share) || 0));
    bar.style.width = (share * 100).toFixed(1) + "%";
  });
  var dataEl = document.getElementById("portal-charts");
  if (!dataEl || typeof echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var enc = echarts.format.encodeHTML;
  var CLASSES = ["", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"];
  var months12 = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

  function init(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el);
    window.addEventListener("resize", function () { chart.resize(); });
    return { el: el, chart: chart };
  }

  var s = data.section && init("section-chart");
  if (s && data.section.months.length) {
    var rows = data.section.months;
    s.chart.setOption({
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: "axis", formatter: function (p) {
        var r = rows[p[0].dataIndex];
        return enc(String(r.month).slice(0, 7)) + ": " + enc(r.label || "—");
      } },
      xAxis: { type: "category", data: rows.map(function (r) { return String(r.month).slice(0, 7); }) },
      yAxis: { type: "value", name: s.el.dataset.yName, min: 1, max: 6, inverse: true, interval: 1,
               axisLabel: { formatter: function (v) { return CLASSES[v] || ""; } } },
      series: [{ type: "line", data: rows.map(function (r) { return r.rank; }), connectNulls: false,
                 markLine: data.section.target_rank ? { symbol: "none", label: { formatter: s.el.dataset.targetName },
                   data: [{ yAxis: data.section.target_rank }] } : undefined }]
    });
  }

  var l = data.loads && data.loads.length && init("loads-chart");
  if (l) {
    l.chart.setOption({
      grid: { left: 56, right: 16, top: 32, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + " t"; } },
      xAxis: { type: "category", data: months12.slice(0, data.loads[0].cumulative_t.length) },
      yAxis: { type: "value", name: l.el.dataset.yName },
      series: data.loads.map(function (p) {
        return { name: p.name, type: "line", data: p.cumulative_t,
                 markLine: p.target_t ? { symbol: "none", label: { formatter: l.el.dataset.targetName + " " + p.target_t },
                   data: [{ yAxis: p.target_t }] } : undefined };
      })
    });
  }

  var c = data.complaints && init("complaints-chart");
  if (c) {
    c.chart.setOption({
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: months12 },
      yAxis: { type: "value", name: c.el.dataset.yName, minInterval: 1 },
      series: [{ type: "bar", data: data.complaints.months, itemStyle: { color: "#0b5d55" } }]
    });
  }
})();
