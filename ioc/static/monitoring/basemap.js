// The offline base map of the monitoring pages (Leaflet, served locally).
// Without a tile server it draws the approximate province outline and the communes' centroids from the page's
// JSON config ({tileUrl, outline: [[[lat, lon], ...]], communes: [[lat, lon, name, code], ...]}); with
// settings.MAP_TILE_URL it adds the tiles underneath. window.IocBaseMap.create(container, config) → L.Map.
(function () {
  "use strict";

  function create(container, config, options) {
    options = options || {};
    var map = L.map(container, {
      preferCanvas: true, minZoom: 7, maxZoom: 18, zoomSnap: 0.25,
      attributionControl: false, zoomControl: options.zoomControl !== false,
      dragging: options.interactive !== false, scrollWheelZoom: false
    });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 18 }).addTo(map);
    }
    var bounds = L.latLngBounds([]);
    (config.outline || []).forEach(function (ring) {
      var polygon = L.polygon(ring, {
        color: options.outlineColour || "#0b3d73", weight: 2, dashArray: "6 4",
        fillColor: options.fillColour || "#dbe7f3", fillOpacity: config.tileUrl ? 0.05 : 0.55, interactive: false
      }).addTo(map);
      bounds.extend(polygon.getBounds());
    });
    (config.communes || []).forEach(function (c) {
      L.circleMarker([c[0], c[1]], {
        radius: 2, color: options.communeColour || "#64748b", weight: 1, fillOpacity: 0.6, interactive: false
      }).addTo(map);
      bounds.extend([c[0], c[1]]);
    });
    if (config.focus && config.focus[0] !== null) {
      map.setView(config.focus, 12);
    } else if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    } else {
      map.setView([21.2, 106.2], 9);
    }
    return map;
  }

  window.IocBaseMap = { create: create };
})();
