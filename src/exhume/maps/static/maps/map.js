/* exhume maps: draw the GeoJSON named by #map's data-geojson with Leaflet.
   No inline script, no request to another host unless data-tiles names a tile server. */
(function () {
  "use strict";

  var STATUS_COLOURS = {
    not_exhumed: "#8c8c8c",
    exhumed: "#e69f00",
    sampled: "#0072b2",
    identified: "#009e73"
  };
  var STATUS_LABELS = {
    not_exhumed: "not yet exhumed",
    exhumed: "exhumed",
    sampled: "sampled (DNA)",
    identified: "identified"
  };

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  function link(href, label) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    return a;
  }

  function sitePopup(p) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.appendChild(link(p.url, p.name));
    box.appendChild(title);
    box.appendChild(text("div", p.place));
    box.appendChild(text("div", p.total + " killed" + (p.is_synthetic ? " (synthetic)" : "")));
    return box;
  }

  function gravePopup(p) {
    var box = document.createElement("div");
    box.appendChild(text("strong", "Grave " + p.number));
    box.appendChild(text("div", p.kind + " · " + STATUS_LABELS[p.status]));
    if (p.remains.length) {
      var list = document.createElement("ul");
      p.remains.forEach(function (r) {
        var item = document.createElement("li");
        item.appendChild(link(r.url, "remains " + r.case_number));
        list.appendChild(item);
      });
      box.appendChild(list);
    } else {
      box.appendChild(text("div", "no remains recorded"));
    }
    return box;
  }

  function draw(el, data) {
    var map = L.map(el, { zoomSnap: 0.25, maxZoom: 22 });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 22, maxNativeZoom: 19,
                           attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
    }
    var kind = el.getAttribute("data-kind");
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        if (kind === "sites") {
          var radius = 6 + Math.sqrt(p.total || 0);
          return L.circleMarker(latlng, { radius: radius, color: "#7a1c1c", weight: 2,
                                          fillColor: "#7a1c1c", fillOpacity: 0.45 });
        }
        return L.circleMarker(latlng, { radius: p.kind === "collective" ? 9 : 5, weight: 1,
                                        color: "#222", fillColor: STATUS_COLOURS[p.status],
                                        fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        marker.bindPopup(kind === "sites" ? sitePopup(p) : gravePopup(p));
        if (kind === "sites") {
          marker.bindTooltip(p.name, { permanent: true, direction: "right", className: "site-label" });
        }
        marker.feature = feature;
      }
    }).addTo(map);
    el.exhumeLayer = layer;
    if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: kind === "sites" ? 8 : 21 });
    } else {
      map.setView([48.5, 31.5], 5);
    }
    L.control.scale({ imperial: false }).addTo(map);
    if (data.statuses) {
      Object.keys(data.statuses).forEach(function (s) {
        var span = document.querySelector('.map-legend .count[data-status="' + s + '"]');
        if (span) { span.textContent = "(" + data.statuses[s] + ")"; }
      });
    }
    if (data.unplaced) {
      var note = document.querySelector(".unplaced");
      if (note) { note.textContent = data.unplaced + " graves have no recorded position."; }
    }
    el.setAttribute("data-ready", String(layer.getLayers().length));
  }

  function start() {
    var el = document.getElementById("map");
    if (!el || typeof L === "undefined") { return; }
    fetch(el.getAttribute("data-geojson"), { credentials: "same-origin",
                                             headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("GeoJSON: HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { draw(el, data); })
      .catch(function (error) {
        el.setAttribute("data-error", String(error));
        el.textContent = "The map could not be loaded: " + error;
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
