// Survey charts (ECharts) from json_script data: a round's rate per village, and the years beside complaints.
(function () {
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node);
    chart.setOption(option);
    charts.push(chart);
  }
  var round = data("survey-round-data");
  if (round) {
    draw("chart-villages", {
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 30, bottom: 60 },
      xAxis: { type: "category", data: round.villages, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: round.label, min: 0, max: 100, nameTextStyle: { align: "left" } },
      series: [{ type: "bar", data: round.rates, itemStyle: { color: "#0b5d55" },
                 label: { show: true, position: "top", formatter: "{c}" } }]
    });
  }
  var years = data("survey-years-data");
  if (years) {
    draw("chart-years", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 45, right: 45, top: 50, bottom: 30 },
      xAxis: { type: "category", data: years.years },
      yAxis: [{ type: "value", name: years.labels.percent, min: 0, max: 100 },
              { type: "value", name: years.labels.count, minInterval: 1 }],
      series: [{ name: years.labels.rate, type: "line", data: years.rates, itemStyle: { color: "#0b5d55" },
                 label: { show: true, formatter: "{c} %" } },
               { name: years.labels.complaints, type: "bar", yAxisIndex: 1, data: years.complaints,
                 itemStyle: { color: "#fd7e14" }, label: { show: true, position: "top" } }]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
