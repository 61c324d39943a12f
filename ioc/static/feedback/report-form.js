// The report forms (public and hotline): description counter, map pin over commune centroids or configured
// tiles, "use my location", photo checks before upload. The form works without this file: the address field
// then locates the report. Texts come from data-msg-* attributes, translated by the server.
(function () {
  "use strict";
  var form = document.querySelector("[data-report-form]");
  if (!form) { return; }

  function msg(name, values) {
    var text = form.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(String(values[key])); });
    return text;
  }

  function describe(element, id) {
    var ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (ids.indexOf(id) === -1) { ids.push(id); }
    element.setAttribute("aria-describedby", ids.join(" "));
  }

  // Bring the error summary into view and focus when the page comes back with errors.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // --- Characters left in the description -------------------------------------------------------
  form.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var max = parseInt(area.getAttribute("data-counter"), 10);
    var counter = document.createElement("p");
    counter.className = "help char-counter";
    counter.id = area.id + "_counter";
    var announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    area.parentNode.insertBefore(counter, area.nextSibling);
    area.parentNode.insertBefore(announcer, counter.nextSibling);
    describe(area, counter.id);
    var timer = null;
    function update() {
      var count = area.value.length;
      var over = count > max;
      counter.textContent = over ? msg("over", { max: max }) : msg("counter", { count: count, max: max });
      counter.classList.toggle("over-limit", over);
      // Screen readers hear the count only near the limit, and not at every keystroke.
      window.clearTimeout(timer);
      if (count >= max * 0.9) {
        timer = window.setTimeout(function () { announcer.textContent = counter.textContent; }, 1200);
      }
    }
    area.addEventListener("input", update);
    update();
  });

  // --- A category suggested by the keywords the description contains ----------------------------------
  var hintBox = form.querySelector("[data-category-hint]");
  var hintData = document.getElementById("category-hints");
  var select = form.querySelector("select[name=category]");
  var description = form.querySelector("textarea[name=description]");
  if (hintBox && hintData && select && description && String.prototype.normalize) {
    // Text typed with diacritics is compared as typed ("tối", dark, is not "tôi", I); text typed without them is
    // compared with the keywords folded to plain letters.
    var fold = function (text) {
      return " " + text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
        .replace(/[^a-z0-9]+/g, " ").trim() + " ";
    };
    var plain = function (text) {
      return " " + text.toLowerCase().normalize("NFC").replace(/[^\p{L}\p{N}]+/gu, " ").trim() + " ";
    };
    var hints = JSON.parse(hintData.textContent || "[]");
    hints.forEach(function (h) { h.folded = h.keywords.map(fold); h.plain = h.keywords.map(plain); });
    var ranked = function (text) {
      var accented = /[^\x00-\x7f]/.test(text);
      var haystack = accented ? plain(text) : fold(text);
      return hints.map(function (h) {
        var score = 0;
        (accented ? h.plain : h.folded).forEach(function (k) {
          if (haystack.indexOf(k) !== -1) { score += k.trim().split(" ").length; }  // a phrase counts per word
        });
        return { hint: h, score: score };
      }).filter(function (s) { return s.score > 0; })
        .sort(function (a, b) { return b.score - a.score; }).slice(0, 3);
    };
    var suggest = function () {
      hintBox.textContent = "";
      if (description.value.trim().length < 10) { return; }
      var found = ranked(description.value);
      var chosen = select.value;
      if (!found.length || found.some(function (s) { return String(s.hint.id) === chosen; })) { return; }
      hintBox.appendChild(document.createTextNode(msg(chosen ? "category-maybe" : "category-hint") + " "));
      found.forEach(function (s) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button-secondary";
        button.textContent = s.hint.label;
        button.addEventListener("click", function () {
          select.value = String(s.hint.id);
          select.dispatchEvent(new Event("change", { bubbles: true }));
          select.focus();
        });
        hintBox.appendChild(button);
      });
    };
    var hintTimer = null;
    description.addEventListener("input", function () { window.clearTimeout(hintTimer); hintTimer = window.setTimeout(suggest, 500); });
    select.addEventListener("change", suggest);
    suggest();
  }

  // --- Map pin ----------------------------------------------------------------------------------
  var mapElement = form.querySelector("[data-map]");
  var latInput = form.querySelector("input[name=latitude]");
  var lonInput = form.querySelector("input[name=longitude]");
  if (mapElement && window.L && latInput && lonInput) {
    var block = form.querySelector("[data-map-block]");
    var status = form.querySelector("[data-pin-status]");
    var dataNode = document.getElementById("commune-points");
    var points = dataNode ? JSON.parse(dataNode.textContent || "[]") : [];
    block.hidden = false;

    var map = window.L.map(mapElement, { keyboard: true, zoomControl: true });
    var tileUrl = mapElement.getAttribute("data-tile-url");
    if (tileUrl) {
      window.L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    } else {
      // No tile server on a closed network: commune centres with their names help people find their place.
      points.forEach(function (p) {
        window.L.circleMarker([p.lat, p.lon], { radius: 5, weight: 1, color: "#0b3d73", fillColor: "#0b3d73",
                                                fillOpacity: 0.45 })
          .bindTooltip(p.name, { direction: "top" }).addTo(map);
      });
    }
    if (points.length) {
      map.fitBounds(window.L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; })), { padding: [12, 12] });
    } else {
      map.setView([21.24, 106.16], 10);
    }

    var nearestName = function (lat, lon) {
      var best = "", bestDistance = Infinity, scale = Math.cos(lat * Math.PI / 180);
      points.forEach(function (p) {
        var dLat = p.lat - lat, dLon = (p.lon - lon) * scale, distance = dLat * dLat + dLon * dLon;
        if (distance < bestDistance) { best = p.name; bestDistance = distance; }
      });
      return best;
    };

    var marker = null;
    var place = function (latlng, pan) {
      if (!marker) {
        marker = window.L.marker(latlng, { draggable: true, keyboard: true, autoPan: true }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(latlng);
      }
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      status.textContent = msg("pin", { lat: latlng.lat.toFixed(5), lon: latlng.lng.toFixed(5),
                                        commune: nearestName(latlng.lat, latlng.lng) || "—" });
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 15)); }
    };
    var clear = function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      latInput.value = "";
      lonInput.value = "";
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      status.textContent = msg("pin-cleared");
    };

    map.on("click", function (event) { place(event.latlng, false); });
    if (latInput.value && lonInput.value && !isNaN(+latInput.value) && !isNaN(+lonInput.value)) {
      place(window.L.latLng(+latInput.value, +lonInput.value), true);  // back after a validation error
    }

    var locate = form.querySelector("[data-locate]");
    if (!navigator.geolocation) {
      locate.hidden = true;
    } else {
      locate.addEventListener("click", function () {
        status.textContent = msg("locating");
        navigator.geolocation.getCurrentPosition(function (position) {
          place(window.L.latLng(position.coords.latitude, position.coords.longitude), true);
        }, function () {
          status.textContent = msg("geo-error");
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    form.querySelector("[data-pin-center]").addEventListener("click", function () { place(map.getCenter(), false); });
    form.querySelector("[data-pin-clear]").addEventListener("click", clear);
  }

  // --- Photos: say at once what the server would refuse -----------------------------------------
  var photos = form.querySelector("input[type=file][name=photos]");
  var list = form.querySelector("[data-photo-list]");
  if (photos && list) {
    photos.addEventListener("change", function () {
      list.textContent = "";
      var files = Array.prototype.slice.call(photos.files || []);
      var add = function (text, isError) {
        var item = document.createElement("li");
        item.textContent = text;
        if (isError) { item.className = "errorlist"; }
        list.appendChild(item);
      };
      if (files.length > 5) { add(msg("too-many", { max: 5 }), true); }
      files.forEach(function (file) {
        if (file.size > 10 * 1024 * 1024) {
          add(msg("too-large", { name: file.name }), true);
        } else {
          add(file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)", false);
        }
      });
    });
  }

  // --- Reports that may already describe this problem (open, same category, near the pin, alike in text) -----
  var similarBox = form.querySelector("[data-similar]");
  if (similarBox && window.fetch && latInput && lonInput) {
    var similarList = similarBox.querySelector("[data-similar-list]");
    var similarTimer = null, lastQuery = "";
    var field = function (name) { var node = form.querySelector("[name=" + name + "]"); return node ? node.value : ""; };
    var show = function (reports) {
      similarList.textContent = "";
      reports.forEach(function (r) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = r.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = r.code + " · " + r.category + " " + msg("new-tab");
        var text = document.createElement("p");
        text.textContent = r.excerpt;
        var meta = document.createElement("p");
        meta.className = "small muted";
        meta.textContent = [r.status, r.commune, r.received,
                            r.distance_m === null ? "" : msg("distance", { m: r.distance_m })].filter(Boolean).join(" · ");
        item.appendChild(link);
        item.appendChild(text);
        item.appendChild(meta);
        similarList.appendChild(item);
      });
      similarBox.hidden = !reports.length;
    };
    var lookUp = function () {
      var description = field("description").trim();
      if (!field("category") || !latInput.value || !lonInput.value || description.length < 15) { show([]); return; }
      var query = new URLSearchParams({ category: field("category"), lat: latInput.value, lon: lonInput.value,
                                        description: description.slice(0, 1500) }).toString();
      if (query === lastQuery) { return; }
      lastQuery = query;
      window.fetch(similarBox.getAttribute("data-similar") + "?" + query,
                   { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { reports: [] }; })
        .then(function (data) { show(data.reports || []); })
        .catch(function () { show([]); });
    };
    var later = function () { window.clearTimeout(similarTimer); similarTimer = window.setTimeout(lookUp, 700); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    later();  // back after a validation error, with everything filled in
  }

  // --- One click sends once (the server also recognises a repeated submission) -------------------
  form.addEventListener("submit", function () {
    var button = form.querySelector("[data-submit]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; button.textContent = msg("sending"); }, 0);
    }
  });
})();
