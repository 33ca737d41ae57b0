// The compliance page's trend: one line per point and parameter (daily means), the limit as a dashed line.
(function () {
  var el = document.getElementById("compliance-chart");
  if (!el) { return; }
  var series = JSON.parse(el.dataset.chart || "[]");
  if (!series.length) {
    var note = document.createElement("p");
    note.className = "text-muted small";
    note.textContent = el.dataset.empty || "";
    el.replaceChildren(note);
    return;
  }
  el.style.height = "320px";
  var chart = echarts.init(el);
  var lines = [];
  series.forEach(function (s) {
    var name = s.point + " · " + s.name;
    var line = { name: name, type: "line", showSymbol: true, symbolSize: 5,
                 data: s.data.map(function (d) { return { value: [d[0], d[1]], itemStyle: d[2] ? {} : { color: "#adb5bd" } }; }) };
    if (s.limit !== null && s.limit !== undefined) {
      line.markLine = { symbol: "none", lineStyle: { type: "dashed" }, label: { formatter: el.dataset.limitLabel + " " + s.limit, position: "insideEndTop" },
                        data: [{ yAxis: s.limit }] };
    }
    lines.push(line);
  });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "time" },
    yAxis: { type: "value", scale: true },
    series: lines
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
