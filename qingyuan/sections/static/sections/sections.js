// Class month by month: y = 1 (Ⅰ) … 6 (劣Ⅴ), better classes on top; the target as a dashed line.
(function () {
  document.querySelectorAll(".sections-chart").forEach(function (el) {
    var data = JSON.parse(el.dataset.chart || "[]").filter(function (s) { return s.data.length; });
    if (!data.length) {
      var note = document.createElement("p");
      note.className = "text-muted small";
      note.textContent = el.dataset.empty || "";
      el.replaceChildren(note);
      return;
    }
    var labels = JSON.parse(el.dataset.labels);
    el.style.height = "300px";
    var chart = echarts.init(el);
    var months = {};
    data.forEach(function (s) { s.data.forEach(function (d) { months[d[0]] = true; }); });
    var axis = Object.keys(months).sort();
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v ? labels[v - 1] : "—"; } },
      legend: { top: 0 },
      grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: axis },
      yAxis: { type: "value", min: 1, max: 6, interval: 1, inverse: true, axisLabel: { formatter: function (v) { return labels[v - 1]; } } },
      series: data.map(function (s, i) {
        var byMonth = {};
        s.data.forEach(function (d) { byMonth[d[0]] = d[1]; });
        var line = { name: s.name, type: "line", step: "middle", connectNulls: false, data: axis.map(function (m) { return byMonth[m] || null; }) };
        if (data.length === 1 || i === data.length - 1) {
          line.markLine = { symbol: "none", lineStyle: { type: "dashed", color: "#dc3545" },
                            label: { formatter: el.dataset.targetLabel + " " + labels[s.target - 1], position: "insideEndTop" }, data: [{ yAxis: s.target }] };
        }
        return line;
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
