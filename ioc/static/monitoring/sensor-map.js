// Sensor map: stations coloured by status (Leaflet on the offline base map); a click on a station (on the map or
// in the table) loads its history from /api/v1/monitoring/stations/<code>/history and draws one chart per
// metric (ECharts) with the metric's thresholds.
(function () {
  "use strict";

  var NF = window.Intl ? new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "vi-VN") : null;
  var charts = [];

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function num(value) {
    if (value === null || value === undefined) { return "–"; }
    return NF ? NF.format(value) : String(value);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // The station's latest value of every metric, above its history charts.
  function latestList(config, station) {
    var list = element("ul", "list-plain small mon-latest");
    station.values.forEach(function (v) {
      var li = element("li");
      var dot = element("span", "mon-dot mon-dot-" + (v.fresh ? v.status : "silent"));
      dot.setAttribute("aria-hidden", "true");
      li.appendChild(dot);
      li.appendChild(document.createTextNode(" " + v.name + ": "));
      li.appendChild(element("strong", null, num(v.value)));
      li.appendChild(document.createTextNode(" " + v.unit));
      list.appendChild(li);
    });
    var head = element("p", "small");
    head.appendChild(element("span", "mon-badge mon-badge-" + (station.silent ? "silent" : station.status), station.status_label));
    var time = station.values.length && station.values[0].time ? " " + config.labels.at + " " + station.values[0].time : "";
    head.appendChild(document.createTextNode(" " + station.kind_label + " · " + station.commune + time));
    var box = element("div");
    box.appendChild(head);
    box.appendChild(list);
    return box;
  }

  function drawHistory(config, data, station) {
    var box = document.querySelector("[data-history-charts]");
    var status = document.querySelector("[data-history-status]");
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    box.textContent = "";
    document.querySelector("[data-history-title]").textContent = data.name;
    status.textContent = config.labels.history;
    if (station) { box.appendChild(latestList(config, station)); }
    data.series.forEach(function (s) {
      var figure = element("figure", "mon-history-figure");
      figure.appendChild(element("figcaption", "small", s.name + (s.unit ? " (" + s.unit + ")" : "")));
      var node = element("div", "mon-chart");
      node.setAttribute("role", "img");
      node.setAttribute("aria-label", s.name);
      figure.appendChild(node);
      box.appendChild(figure);
      if (!s.points.length) { figure.appendChild(element("p", "small muted", config.labels.noData)); return; }
      node.style.width = "100%";
      node.style.height = "180px";
      var chart = window.echarts.init(node, null, { renderer: "canvas" });
      var lines = [];
      if (s.warning !== null) { lines.push({ yAxis: s.warning, name: config.labels.warning, lineStyle: { color: "#d97706" } }); }
      if (s.critical !== null) { lines.push({ yAxis: s.critical, name: config.labels.critical, lineStyle: { color: "#b91c1c" } }); }
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return num(v) + " " + s.unit; } },
        grid: { left: 48, right: 12, top: 12, bottom: 28 },
        xAxis: { type: "category", data: s.points.map(function (p) { return p[0]; }) },
        yAxis: { type: "value", scale: true, axisLabel: { formatter: function (v) { return num(v); } } },
        series: [
          { type: "line", name: s.name, data: s.points.map(function (p) { return p[1]; }), showSymbol: false,
            lineStyle: { width: 2, color: "#0b3d73" },
            markLine: { symbol: "none", label: { show: false }, lineStyle: { type: "dashed" }, data: lines } },
          { type: "line", data: s.points.map(function (p) { return p[3]; }), showSymbol: false,
            lineStyle: { width: 1, color: "#94a3b8" }, name: "max" }
        ]
      });
      charts.push(chart);
    });
  }

  function openStation(config, code) {
    var status = document.querySelector("[data-history-status]");
    var station = null;
    config.stations.forEach(function (s) { if (s.code === code) { station = s; } });
    document.querySelectorAll("tr[data-station]").forEach(function (row) {
      row.classList.toggle("mon-row-selected", row.getAttribute("data-station") === code);
    });
    var panel = document.querySelector(".mon-history");
    if (panel && panel.getBoundingClientRect().top < 0) { panel.scrollIntoView({ block: "start" }); }
    status.textContent = config.labels.loading;
    fetch(config.historyUrl.replace("__code__", encodeURIComponent(code)) + "?days=7", {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) { drawHistory(config, data, station); })
      .catch(function () { status.textContent = config.labels.error; });
  }

  ready(function () {
    var container = document.getElementById("mon-map");
    var node = document.getElementById("mon-map-config");
    if (!container || !node || !window.L || !window.IocBaseMap) { return; }
    var config = JSON.parse(node.textContent);
    container.style.height = "560px";
    var map = window.IocBaseMap.create(container, config);
    config.stations.forEach(function (s) {
      var marker = L.circleMarker([s.lat, s.lon], { radius: 10, color: "#ffffff", weight: 2, fillColor: s.colour, fillOpacity: 0.95 });
      var lines = s.values.map(function (v) { return v.name + ": " + num(v.value) + " " + v.unit; });
      marker.bindTooltip(s.name + " – " + s.status_label + (lines.length ? "\n" + lines.join("; ") : ""));
      marker.on("click", function () { openStation(config, s.code); });
      marker.addTo(map);
    });
    document.querySelectorAll("[data-station-open]").forEach(function (button) {
      button.addEventListener("click", function () { openStation(config, button.getAttribute("data-station-open")); });
    });
  });
})();
