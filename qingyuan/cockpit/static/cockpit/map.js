// The park map: boundary, enterprises (status colour, alarm ring), outlets, sections and stations,
// recent complaints and patrol routes, from the JSON endpoint (scoped to the user on the server).
// Offline: base tiles only when QINGYUAN_MAP_TILE_URL is configured. Leaflet takes HTML in popups
// and tooltips, so every value goes through esc().
(function () {
  "use strict";
  var el = document.getElementById("park-map");
  if (!el) { return; }
  var labels = JSON.parse(document.getElementById("park-map-labels").textContent);
  var STATUS = { operating: "#198754", rectifying: "#fd7e14", rectified: "#20c997", suspended: "#6c757d",
                 closed: "#212529", relocated: "#6610f2", transformed: "#0d6efd" };
  function esc(text) {
    var d = document.createElement("div");
    d.textContent = text === null || text === undefined ? "" : String(text);
    return d.innerHTML;
  }
  function popup(title, lines, url, linkText) {
    var html = "<strong>" + esc(title) + "</strong>";
    lines.forEach(function (line) { if (line) { html += "<br>" + esc(line); } });
    if (url) { html += "<br><a href=\"" + esc(encodeURI(url)) + "\">" + esc(linkText || labels.details) + " →</a>"; }
    return html;
  }
  var map = L.map(el).setView([30, 115], 5);  // a view before any layer
  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) { draw(data); });

  function draw(data) {
    if (data.tiles) { L.tileLayer(data.tiles, { maxZoom: 19, attribution: "" }).addTo(map); }
    var bounds = L.latLngBounds([]);
    var boundary = L.layerGroup(), enterprises = L.layerGroup(), outlets = L.layerGroup(),
        sections = L.layerGroup(), complaints = L.layerGroup(), routes = L.layerGroup();
    data.parks.forEach(function (park) {
      if (park.boundary) {
        var layer = L.geoJSON(park.boundary, { style: { color: "#0b5d55", weight: 2, fillOpacity: 0.04 } })
          .bindTooltip(esc(park.name));
        boundary.addLayer(layer);
        bounds.extend(layer.getBounds());
      } else if (park.center) { bounds.extend(park.center); }
    });
    var urls = data.urls, names = {};
    function link(pattern, id) { return pattern.replace("{}", String(id)); }
    data.enterprises.forEach(function (e) {
      names[e.id] = e.name;
      if (!e.at) { return; }
      var ring = e.alarm === "exceeding" ? "#dc3545" : (e.alarm === "alarm" ? "#fd7e14" : "#ffffff");
      var m = L.circleMarker(e.at, { radius: 8, color: ring, weight: e.alarm ? 4 : 1,
                                     fillColor: STATUS[e.status] || "#6c757d", fillOpacity: 0.9 });
      m.bindTooltip(esc(e.name));
      var html = popup(e.name, [data.statuses[e.status] || e.status, e.alarm ? labels[e.alarm] : ""],
                       link(urls.enterprise, e.id), labels.open);
      if (e.patrol) {  // inspectors: start a patrol of this enterprise from the map
        html += "<br><a class=\"btn btn-sm btn-primary text-white mt-2 map-start-patrol\" href=\"" +
          esc(encodeURI(link(urls.patrol, e.id))) + "\">" + esc(labels.start_patrol) + "</a>";
      }
      m.bindPopup(html);
      m.options.enterpriseId = e.id;
      enterprises.addLayer(m);
      bounds.extend(e.at);
    });
    data.outlets.forEach(function (o) {
      if (!o.at) { return; }
      var m = L.circleMarker(o.at, { radius: 4, color: o.medium === "gas" ? "#6f42c1" : "#0dcaf0", weight: 2,
                                     fillOpacity: 0.6 });
      m.bindPopup(popup(o.name + " " + o.code, [names[o.enterprise_id] || "", data.media[o.medium] || o.medium],
                        link(urls.enterprise, o.enterprise_id), labels.open));
      outlets.addLayer(m);
    });
    data.sections.forEach(function (s) {
      if (!s.at) { return; }
      var m = L.circleMarker(s.at, { radius: 7, color: "#0b5ed7", weight: 3, fillColor: "#9ec5fe", fillOpacity: 0.9 });
      m.bindTooltip(esc(s.name));
      m.bindPopup(popup(s.name, [s.kind_label + " · " + labels.target + " " + s.target,
                                 s.station ? labels.station + ": " + s.station : ""], s.url));
      sections.addLayer(m);
      bounds.extend(s.at);
    });
    data.complaints.forEach(function (c) {
      if (!c.at) { return; }
      var m = L.circleMarker(c.at, { radius: 5, color: "#d63384", weight: 2, fillOpacity: 0.5 });
      m.bindPopup(popup(c.category, [c.day + " · " + c.status], c.url));
      complaints.addLayer(m);
    });
    data.routes.forEach(function (r) {
      var line = r.stops.map(function (s) { return s.at; });
      if (line.length > 1) {
        routes.addLayer(L.polyline(line, { color: r.today ? "#198754" : "#6c757d", weight: 3, opacity: 0.7 })
          .bindTooltip(esc(r.day)));
      }
      r.stops.forEach(function (s) {
        routes.addLayer(L.circleMarker(s.at, { radius: 3, color: r.today ? "#198754" : "#6c757d" })
          .bindPopup(popup(s.name, [r.day + " " + s.time], s.url)));
      });
    });
    boundary.addTo(map); enterprises.addTo(map); sections.addTo(map);
    var overlays = {};
    overlays[esc(labels.boundary)] = boundary; overlays[esc(labels.enterprises)] = enterprises;
    overlays[esc(labels.outlets)] = outlets; overlays[esc(labels.sections)] = sections;
    overlays[esc(labels.complaints)] = complaints; overlays[esc(labels.patrols)] = routes;
    L.control.layers(null, overlays, { collapsed: window.innerWidth < 576 }).addTo(map);
    // A single place (one located enterprise, no boundary) has no extent: without a cap and without
    // tiles Leaflet zooms to infinity and draws every marker as an empty path.
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.1), { maxZoom: 16 }); }
    if (!data.enterprises.length && !data.sections.length) {
      document.getElementById("park-map-empty").classList.remove("d-none");
    }
    el.dataset.ready = "1";
  }
})();
