// Charts of the load pages: <div class="loads-chart" data-kind="park|enterprise|bars|rebound" data-chart='[...]'>
(function () {
  var MONTHS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

  function box(el, height) {
    var div = document.createElement("div");
    div.style.height = (height || 260) + "px";
    el.appendChild(div);
    var chart = echarts.init(div);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function title(text) { return { text: text, left: "center", textStyle: { fontSize: 13 } }; }

  // Park totals: what reaches the environment, stacked (direct dischargers + plant effluent);
  // beside it, what was sent to treatment plants (not added: the plant's effluent carries it).
  function park(el, data) {
    data.forEach(function (p) {
      var effluent = p.effluent || [], sent = p.sent || [];
      var hasSplit = effluent.some(function (v) { return v > 0; }) || sent.some(function (v) { return v > 0; });
      var series = [{ name: hasSplit ? el.dataset.directLabel : el.dataset.loadLabel, type: "bar", stack: "env",
                      data: hasSplit ? p.months.map(function (v, i) { return +(v - (effluent[i] || 0)).toFixed(4); }) : p.months }];
      if (hasSplit) {
        series.push({ name: el.dataset.effluentLabel, type: "bar", stack: "env", data: effluent });
        series.push({ name: el.dataset.sentLabel, type: "bar", data: sent, itemStyle: { color: "#adb5bd", opacity: 0.6 } });
      }
      var lines = [];
      if (p.baseline) { lines.push({ yAxis: +(p.baseline / 12).toFixed(4), name: el.dataset.baselineLabel, lineStyle: { color: "#6c757d" } }); }
      if (p.target) { lines.push({ yAxis: +(p.target / 12).toFixed(4), name: el.dataset.targetLabel, lineStyle: { color: "#198754" } }); }
      if (lines.length) { series[0].markLine = { symbol: "none", label: { formatter: "{b}", position: "insideEndTop" }, lineStyle: { type: "dashed" }, data: lines }; }
      box(el, hasSplit ? 250 : 220).setOption({ title: title(p.name), tooltip: { trigger: "axis" },
        legend: hasSplit ? { bottom: 0 } : undefined,
        grid: { left: 8, right: 90, top: 30, bottom: hasSplit ? 30 : 8, containLabel: true },
        xAxis: { type: "category", data: MONTHS }, yAxis: { type: "value", name: "t" }, series: series });
    });
  }

  function enterprise(el, data) {
    data.forEach(function (p) {
      box(el, 220).setOption({ title: title(p.name), tooltip: { trigger: "axis" }, legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 30, bottom: 30, containLabel: true },
        xAxis: { type: "category", data: MONTHS }, yAxis: { type: "value", name: "t" },
        series: [{ name: el.dataset.loadLabel, type: "bar", data: p.months },
                 { name: el.dataset.quotaLabel, type: "line", step: "middle", symbol: "none", lineStyle: { type: "dashed" }, data: p.quota }] });
    });
  }

  function bars(el, data) {
    JSON.parse(el.dataset.codes).forEach(function (code) {
      var rows = data.filter(function (r) { return r[code] && (r[code][0] > 0 || r[code][2]); });
      if (!rows.length) { return; }
      var names = rows.map(function (r) { return r.name; });
      box(el, 60 + rows.length * 26).setOption({ title: title(code), tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 30, bottom: 30, containLabel: true },
        yAxis: { type: "category", data: names, inverse: true }, xAxis: { type: "value", name: "t" },
        series: [{ name: el.dataset.ytdLabel, type: "bar", data: rows.map(function (r) { return r[code][0]; }) },
                 { name: el.dataset.projectedLabel, type: "bar", data: rows.map(function (r) { return r[code][1]; }) },
                 { name: el.dataset.quotaLabel, type: "scatter", symbol: "rect", symbolSize: [4, 18], itemStyle: { color: "#dc3545" },
                   data: rows.map(function (r) { return r[code][2]; }) }] });
    });
  }

  function rebound(el, data) {
    box(el, 280).setOption({ tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 8, right: 16, top: 16, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: data.map(function (r) { return r.month.slice(0, 7); }) },
      yAxis: [{ type: "value", max: function (v) { return Math.max(1, v.max); } }, { type: "value", minInterval: 1 }],
      series: [{ name: el.dataset.shareLabel, type: "line", data: data.map(function (r) { return r.share; }),
                 markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#dc3545" }, data: [{ yAxis: 1 }] } },
               { name: el.dataset.alarmsLabel, type: "bar", yAxisIndex: 1, data: data.map(function (r) { return r.alarms; }) }] });
  }

  var draw = { park: park, enterprise: enterprise, bars: bars, rebound: rebound };
  document.querySelectorAll(".loads-chart").forEach(function (el) {
    var data = JSON.parse(el.dataset.chart || "[]");
    if (!data.length) {
      var note = document.createElement("p");
      note.className = "text-muted small";
      note.textContent = el.dataset.empty || "";
      el.replaceChildren(note);
      return;
    }
    draw[el.dataset.kind](el, data);
  });
})();
