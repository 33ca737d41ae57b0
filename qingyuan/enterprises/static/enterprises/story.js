// The enterprise page's 30-day charts: one per point and pollutant, daily means with the limit as a
// dashed line. Data comes from the json_script "story-charts-data"; every text reaching markup is escaped.
(function () {
  var box = document.getElementById("story-charts");
  var source = document.getElementById("story-charts-data");
  if (!box || !source || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(source.textContent || "[]");
  var esc = echarts.format.encodeHTML;
  if (!charts.length) {
    var note = document.createElement("p");
    note.className = "text-muted small mb-0";
    note.textContent = box.dataset.empty || "";
    box.replaceChildren(note);
    return;
  }
  var instances = [];
  charts.forEach(function (c) {
    var col = document.createElement("div");
    col.className = "col-12 col-lg-6";
    var title = document.createElement("div");
    title.className = "small fw-semibold text-break";
    title.textContent = c.point + " · " + c.name + " (" + c.code + ")";
    var el = document.createElement("div");
    el.className = "story-chart";
    el.style.height = "220px";
    col.append(title, el);
    box.append(col);
    var values = c.data.map(function (d) {
      return { value: [d[0], d[1]], itemStyle: d[2] ? {} : { color: "#adb5bd" } };
    });
    var line = { name: c.name, type: "line", showSymbol: true, symbolSize: 5, data: values };
    if (c.limit !== null && c.limit !== undefined) {
      line.markLine = { symbol: "none", lineStyle: { type: "dashed", color: "#dc3545" },
                        label: { formatter: box.dataset.limitLabel + " " + c.limit + " " + c.unit, position: "insideEndTop" },
                        data: [{ yAxis: c.limit }] };
    }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", formatter: function (items) {
        var item = items[0];
        if (!item) { return ""; }
        var invalid = item.data.itemStyle && item.data.itemStyle.color ? " (" + esc(box.dataset.invalidLabel || "") + ")" : "";
        return esc(echarts.time.format(item.value[0], "{yyyy}-{MM}-{dd}")) + "<br>" + esc(c.name) + ": " +
          esc(String(item.value[1])) + " " + esc(c.unit) + invalid;
      } },
      grid: { left: 8, right: 24, top: 28, bottom: 28, containLabel: true },
      xAxis: { type: "time", name: box.dataset.dayLabel || "", nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "value", scale: true, name: c.unit, max: function (v) { return c.limit && c.limit > v.max ? c.limit * 1.1 : v.max; } },
      series: [line]
    });
    instances.push(chart);
  });
  window.addEventListener("resize", function () { instances.forEach(function (ch) { ch.resize(); }); });
})();
