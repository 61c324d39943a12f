// Monitoring dashboards (ECharts + Leaflet, served locally; the CSP forbids inline scripts and styles, so data
// comes from json_script blocks and data- attributes, and sizes are set through the DOM).
// - [data-spark="1,2,3"]: a card's sparkline;
// - [data-mon-chart="series|communes"][data-source=ID]: the indicator page's charts;
// - #mon-map[data-config=ID]: a map with commune values ("points") or stations ("stations");
// - select[data-autosubmit]: the area selector submits itself on change.
(function () {
  "use strict";

  var NF = window.Intl ? new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "vi-VN") : null;

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function num(value) {
    if (value === null || value === undefined) { return "–"; }
    return NF ? NF.format(value) : String(value);
  }

  function config(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function sparkline(node) {
    if (!window.echarts) { return; }
    var values = node.getAttribute("data-spark").split(",").map(function (v) { return v === "" || v === "None" ? null : Number(v); });
    node.style.height = "48px";
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    var colour = node.getAttribute("data-colour") || "#0b3d73";
    chart.setOption({
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: "category", show: false, data: values.map(function (_v, i) { return i; }) },
      yAxis: { type: "value", show: false, scale: true },
      series: [{ type: "line", data: values, symbol: "none", smooth: true, connectNulls: true,
        lineStyle: { width: 2, color: colour }, areaStyle: { color: colour, opacity: 0.12 } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // The thresholds as dashed lines; on the commune ranking the labels would sit on the bars, so they are left
  // out there (the page says which colour is which under the chart).
  // `horizontal`: the value axis is x (the commune ranking's bars), so the lines are vertical.
  function markLine(data, withLabels, horizontal) {
    var lines = [];
    var labels = data.labelsText;
    var axis = horizontal ? "xAxis" : "yAxis";
    function line(value, name, colour) {
      var item = { name: name, lineStyle: { color: colour } };
      item[axis] = value;
      lines.push(item);
    }
    if (data.target !== null) { line(data.target, labels.target, "#1d4ed8"); }
    if (data.warning !== null) { line(data.warning, labels.warning, "#d97706"); }
    if (data.critical !== null) { line(data.critical, labels.critical, "#b91c1c"); }
    return { symbol: "none", label: { show: withLabels, formatter: "{b}: {c}", position: "insideEndTop" }, lineStyle: { type: "dashed", width: 1.5 }, data: lines };
  }

  function seriesOption(data) {
    return {
      color: ["#0b3d73"],
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return num(v) + " " + data.unit; } },
      grid: { left: 56, right: 24, top: 24, bottom: 56 },
      dataZoom: data.labels.length > 40 ? [{ type: "slider", height: 18, bottom: 8 }] : [],
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", scale: true, name: data.unit, axisLabel: { formatter: function (v) { return num(v); } } },
      series: [{ name: data.labelsText.value, type: "line", data: data.values, showSymbol: data.values.length < 80,
        connectNulls: false, areaStyle: { opacity: 0.08 }, markLine: markLine(data, true) }]
    };
  }

  function communesOption(data) {
    var rows = data.communes.slice().reverse();
    var shown = 25;
    var zoom = rows.length > shown ? [
      { type: "slider", yAxisIndex: 0, right: 4, width: 16, startValue: rows.length - shown, endValue: rows.length - 1,
        showDetail: false, brushSelect: false },
      { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true }
    ] : [];
    return {
      dataZoom: zoom,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
        valueFormatter: function (v) { return num(v) + " " + data.unit; } },
      grid: { left: 8, right: rows.length > shown ? 40 : 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", scale: false, axisLabel: { formatter: function (v) { return num(v); } } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ type: "bar", name: data.labelsText.value, data: rows.map(function (r) {
        return { value: r.value, itemStyle: { color: r.colour } };
      }), markLine: markLine(data, false, true) }]
    };
  }

  function chart(node) {
    if (!window.echarts) { return; }
    var data = config(node.getAttribute("data-source"));
    if (!data) { return; }
    var kind = node.getAttribute("data-mon-chart");
    node.style.width = "100%";
    node.style.height = kind === "communes" ? Math.min(600, Math.max(280, 40 + data.communes.length * 22)) + "px" : "340px";
    var instance = window.echarts.init(node, null, { renderer: "canvas" });
    instance.setOption(kind === "communes" ? communesOption(data) : seriesOption(data));
    instance.setOption({ aria: { enabled: true } });
    window.addEventListener("resize", function () { instance.resize(); });
  }

  function stationPopup(station) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = station.name;
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "list-plain small";
    station.values.forEach(function (v) {
      var li = document.createElement("li");
      li.textContent = v.name + ": " + num(v.value) + " " + v.unit + (v.time ? " (" + v.time + ")" : "");
      list.appendChild(li);
    });
    box.appendChild(list);
    var status = document.createElement("p");
    status.className = "small";
    status.textContent = station.status_label;
    box.appendChild(status);
    return box;
  }

  function map(container) {
    if (!window.L || !window.IocBaseMap) { return; }
    var data = config(container.getAttribute("data-config"));
    if (!data) { return; }
    container.style.height = container.classList.contains("mon-map-small") ? "360px" : "560px";
    var m = window.IocBaseMap.create(container, data);
    (data.points || []).forEach(function (p) {
      // [lat, lon, name, value, colour, text]
      var marker = L.circleMarker([p[0], p[1]], {
        radius: p[3] === null ? 4 : 8, color: "#ffffff", weight: 1.5, fillColor: p[4], fillOpacity: p[3] === null ? 0.4 : 0.95
      }).addTo(m);
      marker.bindTooltip(p[2] + ": " + p[5]);
    });
    (data.stations || []).forEach(function (s) {
      L.circleMarker([s.lat, s.lon], { radius: 9, color: "#ffffff", weight: 2, fillColor: s.colour, fillOpacity: 0.95 })
        .bindPopup(stationPopup(s)).bindTooltip(s.name).addTo(m);
    });
  }

  ready(function () {
    document.querySelectorAll("[data-spark]").forEach(sparkline);
    document.querySelectorAll("[data-mon-chart][data-source]").forEach(chart);
    document.querySelectorAll("#mon-map[data-config]").forEach(map);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
