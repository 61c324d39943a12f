// Staff pages of the feedback module: the report's map, response templates, "select all" checkboxes.
// Loaded as a file with defer (the Content-Security-Policy forbids inline scripts).
(function () {
  "use strict";

  // A small map with the report's pin and the duplicate-detection radius. Tiles only when configured
  // (closed networks have no tile server); without them the communes' centroids are drawn as on the public map
  // (circles of each commune's area, named on hover), from the JSON block named by data-communes.
  function communes(element) {
    var node = element.dataset.communes && document.getElementById(element.dataset.communes);
    if (!node) { return []; }
    try { return JSON.parse(node.textContent) || []; } catch (error) { return []; }
  }

  function drawMap(element) {
    if (!element || typeof window.L === "undefined") { return; }
    var lat = parseFloat(element.dataset.lat), lon = parseFloat(element.dataset.lon);
    if (isNaN(lat) || isNaN(lon)) { return; }
    var L = window.L;
    if (element.dataset.icons) { L.Icon.Default.imagePath = element.dataset.icons; }
    // Without tiles, start wider: the commune around the pin and its neighbours give the place.
    var map = L.map(element, { scrollWheelZoom: false, maxZoom: 19 }).setView([lat, lon], element.dataset.tiles ? 16 : 14);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19 }).addTo(map);
    } else if (window.IocCommuneLayer) {
      window.IocCommuneLayer.draw(map, communes(element), { fit: false, labels: false });
    }
    var marker = L.marker([lat, lon], { title: element.dataset.label || "", alt: element.dataset.label || "" }).addTo(map);
    marker.bindTooltip(element.dataset.label || "");
    var radius = parseFloat(element.dataset.radius);
    if (!isNaN(radius) && radius > 0) {
      L.circle([lat, lon], { radius: radius, weight: 1, fillOpacity: 0.08 }).addTo(map);
    }
  }

  // Choosing a response template fills the answer text (the officer then edits it).
  function bindTemplates() {
    document.querySelectorAll("select[data-fill-target]").forEach(function (select) {
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        var target = document.getElementById(select.dataset.fillTarget);
        if (!target || !option || !option.dataset.body) { return; }
        if (target.value.trim() && select.dataset.confirm && !window.confirm(select.dataset.confirm)) {
          return;
        }
        target.value = option.dataset.body;
        target.focus();
      });
    });
  }

  // A header checkbox selects every row checkbox of its form.
  function bindCheckAll() {
    document.querySelectorAll("input[data-check-all]").forEach(function (all) {
      all.addEventListener("change", function () {
        var selector = 'input[type=checkbox][name="' + all.dataset.checkAll + '"][form="' + all.getAttribute("form") + '"]';
        document.querySelectorAll(selector).forEach(function (box) { box.checked = all.checked; });
      });
    });
  }

  function init() {
    drawMap(document.getElementById("report-map"));
    bindTemplates();
    bindCheckAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
