// The statistics charts (ECharts), from <script id="chart-data" type="application/json">.
(function () {
  var el = document.getElementById("chart-data");
  if (!el || typeof echarts === "undefined") { return; }
  var d = JSON.parse(el.textContent);
  var charts = [];
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node);
    chart.setOption(option);
    charts.push(chart);
  }
  var months = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
  draw("chart-years", {
    tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 20, bottom: 30 },
    xAxis: { type: "category", data: d.years.map(function (r) { return r[0]; }) }, yAxis: { type: "value" },
    series: [{ type: "bar", data: d.years.map(function (r) { return r[1]; }), itemStyle: { color: "#0b5d55" },
               label: { show: true, position: "top" } }]
  });
  draw("chart-months", {
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 30 },
    xAxis: { type: "category", data: months }, yAxis: { type: "value" },
    series: [{ name: d.labels.last_year, type: "line", data: d.months_last, itemStyle: { color: "#adb5bd" } },
             { name: d.labels.this_year, type: "line", data: d.months, itemStyle: { color: "#0b5d55" } }]
  });
  function pie(id, data) {
    draw(id, { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"],
      data: data.filter(function (x) { return x.value > 0; }), label: { formatter: "{b}: {c}" } }] });
  }
  pie("chart-category", d.category);
  pie("chart-channel", d.channel);
  var ent = d.enterprise.slice().reverse();
  draw("chart-enterprise", {
    tooltip: { trigger: "axis" }, grid: { left: 150, right: 20, top: 10, bottom: 20 },
    xAxis: { type: "value" }, yAxis: { type: "category", data: ent.map(function (r) { return r[0]; }) },
    series: [{ type: "bar", data: ent.map(function (r) { return r[1]; }), itemStyle: { color: "#fd7e14" } }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
