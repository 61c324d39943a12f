// The chart of an alert event: the series (or indicator periods) around the trigger time, the threshold as a
// horizontal line and the trigger time as a vertical one (ECharts, served locally). Data comes from the JSON
// block named by data-event-chart (json_script: data, not code, so the CSP allows it).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function draw(node) {
    var source = document.getElementById(node.getAttribute("data-event-chart"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.points || !data.points.length) { return; }
    node.style.width = "100%";
    node.style.height = "320px";
    var lines = [];
    if (data.threshold !== null && data.threshold !== undefined) {
      lines.push({ yAxis: data.threshold, name: data.threshold_label, lineStyle: { color: "#c2410c", type: "dashed" },
                   label: { position: "insideEndTop", formatter: data.threshold_label + ": {c}" } });
    }
    if (data.escalation !== null && data.escalation !== undefined) {
      lines.push({ yAxis: data.escalation, name: data.escalation_label, lineStyle: { color: "#b00020", type: "dashed" },
                   label: { position: "insideEndTop", formatter: data.escalation_label + ": {c}" } });
    }
    if (!data.category) {
      lines.push({ xAxis: data.trigger, lineStyle: { color: "#b00020" }, label: { show: false } });
    }
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({
      aria: { enabled: true },
      color: ["#1d4ed8"],
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 56, right: 24, top: 24, bottom: 40 },
      xAxis: data.category ? { type: "category", data: data.points.map(function (p) { return p[0]; }) }
                           : { type: "time" },
      yAxis: { type: "value", name: data.uom, scale: true },
      series: [{
        name: data.label, type: "line", showSymbol: data.points.length < 60, connectNulls: false,
        data: data.category ? data.points.map(function (p) { return p[1]; }) : data.points,
        markLine: { symbol: "none", silent: true, data: lines }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  ready(function () {
    document.querySelectorAll("[data-event-chart]").forEach(draw);
  });
})();
