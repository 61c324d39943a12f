// Public map of citizen reports (Leaflet + markercluster, served locally).
// Reads its settings from the JSON block #feedback-map-config (rendered with json_script; the CSP forbids inline
// scripts). Without a tile server the communes' centroids are drawn as labelled circles, so the map still tells
// where things are on a closed network. Points come as compact arrays: [lat, lon, status, category, code].
(function () {
  "use strict";

  var LABEL_MIN_ZOOM = 11;

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function setStatus(text) {
    var status = document.getElementById("map-status");
    if (status) { status.textContent = text; }
  }

  function drawCommunes(map, communes, options) {
    // communes: [[lat, lon, name, area_km2], ...]; the circle has the commune's area, centred on its centroid.
    // The view is set from the centroids first: a circle can only measure itself on a map that has a view.
    // options.fit = false keeps a view the caller has already set (the staff page centres on one report);
    // options.labels = false leaves names to the hover, so no label hides a pin near a commune's centre.
    if (!options || options.fit !== false) {
      var bounds = L.latLngBounds(communes.map(function (c) { return [c[0], c[1]]; }));
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [20, 20] });
      } else {
        map.setView([21.18, 106.07], 10);
      }
    }
    var circles = L.featureGroup();
    var labels = L.layerGroup();
    communes.forEach(function (c) {
      var radius = c[3] > 0 ? Math.sqrt(c[3] / Math.PI) * 1000 : 1500;
      // Names show on hover at any zoom, and as permanent labels once zoomed in enough for them not to overlap.
      L.circle([c[0], c[1]], {
        radius: radius, color: "#64748b", weight: 1, fillColor: "#64748b", fillOpacity: 0.08
      }).bindTooltip(c[2], { sticky: true }).addTo(circles);
      labels.addLayer(L.tooltip({ permanent: true, direction: "center", className: "commune-label", interactive: false })
        .setLatLng([c[0], c[1]]).setContent(c[2]));
    });
    circles.addTo(map);
    if (options && options.labels === false) { return circles; }
    function toggleLabels() {
      if (map.getZoom() >= LABEL_MIN_ZOOM) { labels.addTo(map); } else { labels.remove(); }
    }
    map.on("zoomend", toggleLabels);
    toggleLabels();
    return circles;
  }

  // The offline base layer, shared with the staff report page (staff.js), which loads this file first.
  window.IocCommuneLayer = { draw: drawCommunes };

  function popupContent(config, data) {
    var labels = config.labels;
    var box = element("div", "map-popup");
    var title = element("p");
    title.appendChild(element("strong", "code", data.code));
    box.appendChild(title);
    var facts = element("dl", "facts small");
    [[labels.category, data.category], [labels.status, data.status], [labels.date, data.received],
      [labels.commune, data.commune]].forEach(function (pair) {
      if (!pair[1]) { return; }
      facts.appendChild(element("dt", "", pair[0]));
      facts.appendChild(element("dd", "", pair[1]));
    });
    box.appendChild(facts);
    var link = element("a", "", labels.open);
    link.href = data.url;
    box.appendChild(element("p")).appendChild(link);
    return box;
  }

  function openPopup(map, config, marker, code) {
    var popup = L.popup().setLatLng(marker.getLatLng()).setContent(element("p", "small", config.labels.loading));
    popup.openOn(map);
    fetch(config.detailUrl.replace("__code__", encodeURIComponent(code)), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      popup.setContent(popupContent(config, data));
    }).catch(function () {
      popup.setContent(element("p", "small", config.labels.error));
    });
  }

  function drawReports(map, config, data) {
    var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    var colours = config.colours;
    var markers = new Array(data.points.length);
    data.points.forEach(function (p, i) {
      var marker = L.circleMarker([p[0], p[1]], {
        radius: 7, color: "#ffffff", weight: 1.5, fillColor: colours[p[2]] || "#334155", fillOpacity: 0.95
      });
      marker.on("click", function () { openPopup(map, config, marker, p[4]); });
      markers[i] = marker;
    });
    cluster.addLayers(markers);
    cluster.addTo(map);
    setStatus(config.labels.count.replace("%(n)s", data.points.length.toLocaleString("vi-VN")));
  }

  ready(function () {
    var container = document.getElementById("feedback-map");
    var configNode = document.getElementById("feedback-map-config");
    if (!container || !configNode || !window.L) { return; }
    var config = JSON.parse(configNode.textContent);
    // Set through the DOM (not a style attribute): the CSP allows it, and Leaflet needs a height.
    container.style.height = "70vh";
    container.style.minHeight = "420px";
    // markercluster needs a maxZoom, which a map without a tile layer does not have.
    var map = L.map(container, { preferCanvas: true, minZoom: 7, maxZoom: 19 });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: "" }).addTo(map);
    }
    drawCommunes(map, config.communes || []);
    if (!config.dataUrl) { return; }
    fetch(config.dataUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) { drawReports(map, config, data); })
      .catch(function (error) {
        setStatus(config.labels.error);
        if (window.console) { window.console.error(error); }
      });
  });
})();
