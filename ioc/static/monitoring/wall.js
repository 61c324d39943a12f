// The IOC video wall. One page load; then every config.pollMs the script asks config.dataUrl for the figures
// with If-None-Match (304 when nothing changed) and redraws the visible panels in place, so new data shows within
// seconds without reloading. Panels rotate by their own durations: one at a time on a 1080p layout, four at a
// time (2 × 2) on a 2160p layout. The stage has the layout's pixel size and is scaled to the screen, so there are
// never scroll bars and the proportions are the same on every display. At the wall's computer an operator steps
// through the pages with ← and → (or Page Up / Page Down) and holds the current one with the space bar; an address
// ending in #3 opens the third page and holds it (a screen that always shows one panel).
(function () {
  "use strict";

  var SIZES = { "1080p": [1920, 1080], "2160p": [3840, 2160] };
  var COLOURS = { ok: "#22c55e", warning: "#f59e0b", critical: "#ef4444", unknown: "#94a3b8" };
  var NF = window.Intl ? new Intl.NumberFormat("vi-VN") : null;

  var config, stage, container, statusNode;
  var state = { data: null, etag: null, page: 0, timer: null, charts: [], maps: [], structure: "", held: false };

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function num(v) { return v === null || v === undefined ? "–" : (NF ? NF.format(v) : String(v)); }

  function fit() {
    var size = SIZES[config.resolution] || SIZES["1080p"];
    var scale = Math.min(window.innerWidth / size[0], window.innerHeight / size[1]);
    var x = (window.innerWidth - size[0] * scale) / 2;
    var y = (window.innerHeight - size[1] * scale) / 2;
    stage.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")";
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  // Vietnam's time (UTC+7, no daylight saving), whatever the display computer's time zone is.
  function vnNow() { return new Date(Date.now() + 7 * 3600 * 1000); }

  function hms(d) { return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()); }

  function tick() {
    var now = vnNow();
    document.getElementById("wall-time").textContent = hms(now);
    document.getElementById("wall-date").textContent = config.labels.weekdays[now.getUTCDay()] + ", " + pad(now.getUTCDate()) + "/" + pad(now.getUTCMonth() + 1) + "/" + now.getUTCFullYear();
  }

  function perPage() { return config.resolution === "2160p" ? 4 : 1; }

  function pages() {
    var panels = state.data ? state.data.panels : [];
    var out = [];
    for (var i = 0; i < panels.length; i += perPage()) { out.push(panels.slice(i, i + perPage())); }
    return out;
  }

  // --- Panels ---------------------------------------------------------------------------------------

  function sparkline(node, values, colour) {
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false, grid: { left: 0, right: 0, top: 6, bottom: 6 },
      xAxis: { type: "category", show: false, data: values.map(function (_v, i) { return i; }) },
      yAxis: { type: "value", show: false, scale: true },
      series: [{ type: "line", data: values, symbol: "none", smooth: true, connectNulls: true,
        lineStyle: { width: 4, color: colour }, areaStyle: { color: colour, opacity: 0.18 } }]
    });
    state.charts.push(chart);
  }

  function card(c, big) {
    var box = el("div", "wall-card wall-status-" + c.status + (big ? " wall-card-big" : ""));
    box.setAttribute("data-card", c.code);
    var head = el("div", "wall-card-head");
    head.appendChild(el("span", "wall-card-name", c.name));
    head.appendChild(el("span", "wall-badge wall-badge-" + c.status, c.status_label));
    box.appendChild(head);
    var value = el("div", "wall-card-value");
    // Long figures (3.724.488) get a smaller size so they never run out of the card.
    var long = (c.value_text || "").length;
    var v = el("span", "wall-value" + (long > 9 ? " wall-value-longer" : long > 6 ? " wall-value-long" : ""), c.value_text);
    v.setAttribute("data-value", "");
    value.appendChild(v);
    value.appendChild(el("span", "wall-unit", c.unit));
    box.appendChild(value);
    var meta = el("div", "wall-card-meta");
    meta.appendChild(el("span", "", c.period_label ? (c.realtime ? config.labels.hour : config.labels.period) + " " + c.period_label : config.labels.noData));
    if (c.change_text) {
      var arrow = c.trend === "up" ? "▲ " : c.trend === "down" ? "▼ " : "■ ";
      var cls = c.change_good === null ? "neutral" : c.change_good ? "good" : "bad";
      meta.appendChild(el("span", "wall-change wall-change-" + cls,
        arrow + c.change_text + (c.change_pct_text ? " (" + c.change_pct_text + " %)" : "")));
    }
    box.appendChild(meta);
    if (c.spark && c.spark.length > 1) {
      var spark = el("div", "wall-spark");
      box.appendChild(spark);
      box._spark = [spark, c.spark, COLOURS[c.status] || COLOURS.unknown];
    }
    if (c.target_text) {
      box.appendChild(el("div", "wall-target" + (c.target_met === true ? " wall-target-met" : c.target_met === false ? " wall-target-missed" : ""),
        config.labels.target + ": " + c.target_text + " " + c.unit));
    }
    return box;
  }

  function drawSparks(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll(".wall-card").forEach(function (box) {
      if (box._spark) { sparkline(box._spark[0], box._spark[1], box._spark[2]); }
    });
  }

  function domainPanel(panel, body) {
    var grid = el("div", "wall-cards wall-cards-" + Math.min(panel.data.cards.length, 8));
    panel.data.cards.forEach(function (c) { grid.appendChild(card(c)); });
    if (!panel.data.cards.length) { grid.appendChild(el("p", "wall-empty", config.labels.noData)); }
    body.appendChild(grid);
    if (panel.data.more > 0) { body.appendChild(el("p", "wall-note", "+" + panel.data.more + " " + config.labels.more)); }
    return function () { drawSparks(grid); };
  }

  function indicatorPanel(panel, body) {
    var d = panel.data;
    if (d.missing) { body.appendChild(el("p", "wall-empty", config.labels.missing)); return null; }
    var left = el("div", "wall-col wall-col-left");
    if (d.card) { left.appendChild(card(d.card, true)); }
    left.appendChild(el("h3", "wall-subtitle", config.labels.communes + (d.period_label ? " – " + d.period_label : "")));
    var bars = el("div", "wall-bars");
    left.appendChild(bars);
    var right = el("div", "wall-col wall-col-right");
    var mapNode = el("div", "wall-map");
    right.appendChild(mapNode);
    var row = el("div", "wall-row");
    row.appendChild(left);
    row.appendChild(right);
    body.appendChild(row);
    return function () {
      drawSparks(left);
      if (window.echarts && d.bars.length) {
        var rows = d.bars.slice().reverse();
        var chart = window.echarts.init(bars, null, { renderer: "canvas" });
        chart.setOption({
          animation: false, grid: { left: 8, right: 110, top: 4, bottom: 4, containLabel: true },
          xAxis: { type: "value", show: false },
          yAxis: { type: "category", data: rows.map(function (r) { return r[0]; }), axisLabel: { color: "#e2e8f0", fontSize: 22 },
            axisLine: { show: false }, axisTick: { show: false } },
          series: [{ type: "bar", barWidth: "70%", data: rows.map(function (r) { return { value: r[1], itemStyle: { color: r[2] } }; }),
            label: { show: true, position: "right", color: "#f8fafc", fontSize: 22, formatter: function (p) { return num(p.value); } } }]
        });
        state.charts.push(chart);
      }
      var map = makeMap(mapNode);
      if (map) {
        d.points.forEach(function (p) {
          L.circleMarker([p[0], p[1]], { radius: p[3] === null ? 5 : 12, color: "#0f172a", weight: 2, fillColor: p[4], fillOpacity: p[3] === null ? 0.4 : 0.95 }).addTo(map);
        });
      }
    };
  }

  function makeMap(node) {
    if (!window.L || !window.IocBaseMap) { return null; }
    var map = window.IocBaseMap.create(node, config.map, {
      interactive: false, zoomControl: false, outlineColour: "#60a5fa", fillColour: "#1e293b", communeColour: "#475569"
    });
    state.maps.push(map);
    return map;
  }

  function sensorsPanel(panel, body) {
    var d = panel.data;
    var row = el("div", "wall-row");
    var mapNode = el("div", "wall-map wall-map-wide");
    row.appendChild(mapNode);
    var side = el("div", "wall-col wall-col-side");
    var counts = el("div", "wall-counts");
    [[d.counts.total, config.labels.stations, "unknown"], [d.counts.critical, config.labels.critical, "critical"],
      [d.counts.warning, config.labels.warning, "warning"], [d.counts.silent, config.labels.silent, "unknown"]].forEach(function (c) {
      var box = el("div", "wall-count wall-status-" + c[2]);
      box.appendChild(el("span", "wall-count-n", num(c[0])));
      box.appendChild(el("span", "wall-count-label", c[1]));
      counts.appendChild(box);
    });
    side.appendChild(counts);
    var list = el("ul", "wall-list");
    d.alarming.forEach(function (s) {
      var li = el("li", "wall-list-item wall-status-" + s.status);
      li.appendChild(el("span", "wall-badge wall-badge-" + s.status, s.status_label));
      li.appendChild(el("span", "wall-list-title", s.name));
      if (s.values.length) { li.appendChild(el("span", "wall-list-detail", s.values.join(" · "))); }
      list.appendChild(li);
    });
    if (!d.alarming.length) { list.appendChild(el("li", "wall-list-item wall-ok-note", config.labels.allNormal)); }
    side.appendChild(list);
    if (d.alarming_more) { side.appendChild(el("p", "wall-note", "+" + d.alarming_more + " " + config.labels.moreStations)); }
    row.appendChild(side);
    body.appendChild(row);
    return function () {
      var map = makeMap(mapNode);
      if (!map) { return; }
      d.stations.forEach(function (s) {
        L.circleMarker([s[0], s[1]], { radius: 14, color: "#0f172a", weight: 3, fillColor: s[3], fillOpacity: 0.95 }).addTo(map);
      });
    };
  }

  function eventsPanel(panel, body) {
    var d = panel.data;
    if (!d.connected) { body.appendChild(el("p", "wall-empty", config.labels.notConnected)); return null; }
    if (!d.events.length) { body.appendChild(el("p", "wall-empty wall-ok-note", config.labels.noEvents)); return null; }
    var list = el("ul", "wall-list");
    d.events.forEach(function (e) {
      var severity = e.severity || "warning";
      var li = el("li", "wall-list-item wall-status-" + (severity === "critical" ? "critical" : "warning"));
      li.appendChild(el("span", "wall-badge wall-badge-" + (severity === "critical" ? "critical" : "warning"), e.severity_label || severity));
      li.appendChild(el("span", "wall-list-title", e.title || ""));
      li.appendChild(el("span", "wall-list-detail", [e.area, e.opened_at_text || e.opened_at].filter(Boolean).join(" · ")));
      list.appendChild(li);
    });
    body.appendChild(list);
    return null;
  }

  function feedbackPanel(panel, body) {
    var d = panel.data;
    var top = el("div", "wall-counts wall-counts-big");
    [[d.received_today, config.labels.receivedToday], [d.open, config.labels.open],
     [d.overdue, config.labels.overdue, true]].forEach(function (c) {
      var box = el("div", "wall-count");
      if (c[2] && c[0]) box.classList.add("wall-status-critical");
      box.appendChild(el("span", "wall-count-n", num(c[0])));
      box.appendChild(el("span", "wall-count-label", c[1]));
      top.appendChild(box);
    });
    body.appendChild(top);
    var grid = el("div", "wall-status-grid");
    (d.by_status || []).forEach(function (s) {
      var box = el("div", "wall-count wall-count-small");
      box.setAttribute("data-status", s.status);
      box.appendChild(el("span", "wall-count-n", num(s.count)));
      box.appendChild(el("span", "wall-count-label", s.label));
      grid.appendChild(box);
    });
    body.appendChild(grid);
    return null;
  }

  var RENDER = { domain: domainPanel, indicator: indicatorPanel, sensors: sensorsPanel, events: eventsPanel, feedback: feedbackPanel };

  function clear() {
    state.charts.forEach(function (c) { c.dispose(); });
    state.maps.forEach(function (m) { m.remove(); });
    state.charts = [];
    state.maps = [];
    container.textContent = "";
  }

  function render() {
    var all = pages();
    if (!all.length) { clear(); container.appendChild(el("p", "wall-empty", config.labels.noData)); return; }
    state.page = state.page % all.length;
    clear();
    container.className = "wall-panels wall-panels-" + perPage();
    var after = [];
    all[state.page].forEach(function (panel) {
      var section = el("section", "wall-panel wall-panel-" + panel.kind);
      section.setAttribute("data-panel", panel.id);
      section.appendChild(el("h2", "wall-panel-title", panel.title));
      var body = el("div", "wall-panel-body");
      section.appendChild(body);
      container.appendChild(section);
      var draw = (RENDER[panel.kind] || function () { return null; })(panel, body);
      if (draw) { after.push(draw); }
    });
    after.forEach(function (fn) { fn(); });
    var pager = document.getElementById("wall-pager");
    pager.textContent = "";
    all.forEach(function (_p, i) { pager.appendChild(el("span", "wall-dot" + (i === state.page ? " wall-dot-on" : ""))); });
    if (state.held) { pager.appendChild(el("span", "wall-held", config.labels.held)); }
  }

  // The operator's keys: the next or previous page (the rotation starts again from it), or hold this one.
  function step(by) {
    var count = pages().length;
    if (!count) { return; }
    state.page = (state.page + by + count) % count;
    render();
    schedule();
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "ArrowRight" || event.key === "PageDown") { step(1); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { step(-1); }
    else if (event.key === " ") { state.held = !state.held; render(); schedule(); }
    else { return; }
    event.preventDefault();
  }

  function schedule() {
    clearTimeout(state.timer);
    var all = pages();
    if (all.length < 2 || state.held) { return; }
    var seconds = Math.max.apply(null, all[state.page % all.length].map(function (p) { return p.seconds || 20; }));
    state.timer = setTimeout(function () {
      state.page = (state.page + 1) % pages().length;
      render();
      schedule();
    }, seconds * 1000);
  }

  function poll() {
    var headers = { "Accept": "application/json" };
    if (state.etag) { headers["If-None-Match"] = state.etag; }
    fetch(config.dataUrl, { credentials: "same-origin", headers: headers, cache: "no-store" }).then(function (response) {
      if (response.status === 304) { return null; }
      if (!response.ok) { throw new Error(response.status); }
      state.etag = response.headers.get("ETag");
      return response.json();
    }).then(function (data) {
      statusNode.textContent = config.labels.updated + " " + hms(vnNow());
      statusNode.className = "wall-status";
      if (!data) { return; }
      var structure = data.layout_version + "|" + data.panels.map(function (p) { return p.id; }).join(",");
      var first = state.data === null;
      state.data = data;
      if (data.resolution !== config.resolution) {
        config.resolution = data.resolution;
        stage.className = "wall-stage wall-" + data.resolution;
        fit();
      }
      render();
      if (first || structure !== state.structure) { state.structure = structure; schedule(); }
    }).catch(function () {
      statusNode.textContent = config.labels.offline;
      statusNode.className = "wall-status wall-status-offline";
    }).then(function () {
      setTimeout(poll, config.pollMs);
    });
  }

  ready(function () {
    var node = document.getElementById("wall-config");
    stage = document.getElementById("wall-stage");
    container = document.getElementById("wall-panels");
    statusNode = document.getElementById("wall-status");
    if (!node || !stage) { return; }
    config = JSON.parse(node.textContent);
    var pinned = /^#(\d+)$/.exec(window.location.hash);
    if (pinned && parseInt(pinned[1], 10) > 0) { state.page = parseInt(pinned[1], 10) - 1; state.held = true; }
    document.addEventListener("keydown", onKey);
    fit();
    window.addEventListener("resize", fit);
    tick();
    setInterval(tick, 1000);
    poll();
  });
})();
