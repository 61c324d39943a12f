// Charts of the feedback statistics (ECharts, served locally).
// Each <div data-chart="month|category|area|unit" data-source="ID"> is drawn from the JSON block #ID (rendered with
// Django's json_script: data, not code, so the CSP allows it). The same figures are in the tables on the page.
(function () {
  "use strict";

  var COLOURS = { received: "#1d4ed8", answered: "#15803d", rate: "#c2410c" };

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function monthOption(data, series) {
    return {
      color: [COLOURS.received, COLOURS.answered, COLOURS.rate],
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 32 },
      xAxis: { type: "category", data: data.labels },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } }],
      series: [
        { name: series.received, type: "bar", data: data.received },
        { name: series.answered, type: "bar", data: data.answered },
        { name: series.on_time_rate, type: "line", yAxisIndex: 1, data: data.on_time_rate, connectNulls: true }
      ]
    };
  }

  function rankingOption(data, series) {
    // Horizontal bars, the largest on top.
    var labels = data.labels.slice().reverse();
    return {
      color: [COLOURS.received, COLOURS.answered],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, axisLabel: { width: 180, overflow: "truncate" } },
      series: [
        { name: series.received, type: "bar", data: data.received.slice().reverse() },
        { name: series.answered, type: "bar", data: data.answered.slice().reverse() }
      ]
    };
  }

  function draw(node) {
    var source = document.getElementById(node.getAttribute("data-source"));
    if (!source || !window.echarts) { return; }
    var all = JSON.parse(source.textContent);
    var name = node.getAttribute("data-chart");
    var data = all[name];
    if (!data || !data.labels.length) { return; }
    var rows = name === "month" ? 0 : data.labels.length;
    // Heights set through the DOM (the CSP forbids style attributes, not this).
    node.style.width = "100%";
    node.style.height = (name === "month" ? 320 : Math.max(240, 60 + rows * 26)) + "px";
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(name === "month" ? monthOption(data, all.series) : rankingOption(data, all.series));
    chart.setOption({ aria: { enabled: true } });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  ready(function () {
    document.querySelectorAll("[data-chart][data-source]").forEach(draw);
  });
})();
