// The park map of the public portal: enterprise markers whose popups open the public card.
// Data from <script id="map-data" type="application/json">: boundary, centre, tiles, markers
// [{id, name, status, status_label, longitude, latitude, url}]. Popup text is escaped (Leaflet takes HTML).
(function () {
  var dataEl = document.getElementById("map-data");
  var el = document.getElementById("park-map");
  if (!dataEl || !el || typeof L === "undefined") { return; }
  var cfg = JSON.parse(dataEl.textContent);
  function esc(text) {
    var d = document.createElement("div");
    d.textContent = String(text);
    return d.innerHTML;
  }
  var colours = { operating: "#198754", rectified: "#198754", rectifying: "#fd7e14", suspended: "#6c757d" };
  var map = L.map(el, { zoomControl: true, attributionControl: !!cfg.tiles });
  if (cfg.tiles) { L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: cfg.attribution || "" }).addTo(map); }
  var bounds = L.latLngBounds([]);
  if (cfg.boundary) {
    var layer = L.geoJSON(cfg.boundary, { style: { color: "#0b5d55", weight: 2, fillOpacity: 0.05 } }).addTo(map);
    bounds.extend(layer.getBounds());
  }
  var label = el.dataset.openLabel || "";
  (cfg.markers || []).forEach(function (m) {
    var marker = L.circleMarker([m.latitude, m.longitude], {
      radius: 11, weight: 2, className: "enterprise-marker enterprise-" + m.id, color: "#ffffff", fillColor: colours[m.status] || "#343a40", fillOpacity: 0.9
    }).addTo(map);
    marker.bindPopup('<div class="enterprise-popup"><strong>' + esc(m.name) + "</strong><br>" + esc(m.status_label) +
      '<br><a class="open-card" href="' + esc(m.url) + '">' + esc(label) + "</a></div>");
    bounds.extend([m.latitude, m.longitude]);
  });
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.15)); }
  else if (cfg.centre) { map.setView([cfg.centre[1], cfg.centre[0]], 14); }
  else { map.setView([35, 105], 4); }
  window.qyPortalMap = map;
})();
