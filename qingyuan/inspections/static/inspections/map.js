// Patrols on a map of the park: the park boundary (GeoJSON) and one circle per patrol.
// Base tiles only when QINGYUAN_MAP_TILE_URL is configured, so the map works offline.
(function () {
  "use strict";
  var el = document.getElementById("patrol-map");
  var data = JSON.parse(document.getElementById("patrol-map-data").textContent);
  // A view before any layer: Leaflet cannot project a boundary added to a map without one.
  var map = L.map(el).setView([30, 115], 5);
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 19, attribution: "" }).addTo(map);
  }
  // Leaflet treats a string given to bindTooltip/bindPopup as HTML: every value goes through esc().
  function esc(text) {
    var d = document.createElement("div");
    d.textContent = String(text);
    return d.innerHTML;
  }
  var bounds = L.latLngBounds([]);
  data.parks.forEach(function (park) {
    if (park.boundary) {
      var layer = L.geoJSON(park.boundary, { style: { color: "#0b5d55", weight: 2, fillOpacity: 0.05 } })
        .bindTooltip(esc(park.name)).addTo(map);
      bounds.extend(layer.getBounds());
    } else if (park.center) {
      bounds.extend(park.center);
    }
  });
  data.points.forEach(function (p) {
    var colour = p.open ? "#dc3545" : (p.findings ? "#fd7e14" : "#198754");
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 7, color: colour, weight: p.gps ? 2 : 1, dashArray: p.gps ? null : "3", fillOpacity: 0.6
    });
    marker.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc(p.date) + " · " + esc(p.kind) +
      "<br>" + esc(data.labels.findings) + " " + esc(p.findings) + " · " + esc(data.labels.open) + " " + esc(p.open) +
      (p.gps ? "" : "<br><em>" + esc(data.labels.no_gps) + "</em>") +
      "<br><a href=\"" + esc(encodeURI(p.url)) + "\">→</a>");
    marker.addTo(map);
    bounds.extend([p.lat, p.lon]);
  });
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.1)); } else { map.setView([30, 115], 5); }
})();
