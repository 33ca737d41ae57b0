// Draw the charts declared in the page: <div class="chart" id="status-chart" data-series='[...]'>
(function () {
  function pie(el) {
    var data = JSON.parse(el.dataset.series);
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: data.filter(function (d) { return d.value > 0; }),
                 label: { formatter: "{b}: {c}" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("#status-chart").forEach(pie);
})();
