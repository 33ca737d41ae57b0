// Leaflet maps of the complaint pages. Data comes from <script id="map-data" type="application/json">:
// {"boundary": GeoJSON|null, "centre": [lon, lat]|null, "tiles": url|"", "attribution": ""}.
// Base tiles are drawn only when a tile URL is configured, so the maps also work offline.
(function () {
  var dataEl = document.getElementById("map-data");
  if (!dataEl || typeof L === "undefined") { return; }
  var cfg = JSON.parse(dataEl.textContent);
  // Leaflet treats strings given to bindTooltip/bindPopup and layer-control names as HTML: escape them.
  function esc(text) {
    var d = document.createElement("div");
    d.textContent = String(text);
    return d.innerHTML;
  }

  function baseMap(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: !!cfg.tiles });
    if (cfg.tiles) { L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: cfg.attribution || "" }).addTo(map); }
    var bounds = null;
    if (cfg.boundary) {
      var layer = L.geoJSON(cfg.boundary, { style: { color: "#0b5d55", weight: 2, fillOpacity: 0.05 } }).addTo(map);
      bounds = layer.getBounds();
    }
    if (bounds && bounds.isValid()) { map.fitBounds(bounds.pad(0.3)); }
    else if (cfg.centre) { map.setView([cfg.centre[1], cfg.centre[0]], 14); }
    else { map.setView([35, 105], 4); }
    return map;
  }

  // The intake form: tap to pick the place; "use my location" asks the phone.
  var pickEl = document.getElementById("pick-map");
  if (pickEl) {
    var lonInput = document.getElementById(pickEl.dataset.lonInput);
    var latInput = document.getElementById(pickEl.dataset.latInput);
    var status = document.getElementById("pick-status");
    var map = baseMap(pickEl);
    var marker = null;
    function place(lat, lon, pan) {
      lat = Math.round(lat * 1e6) / 1e6; lon = Math.round(lon * 1e6) / 1e6;
      latInput.value = lat; lonInput.value = lon;
      if (marker) { marker.setLatLng([lat, lon]); }
      else { marker = L.circleMarker([lat, lon], { radius: 9, color: "#dc3545", fillOpacity: 0.6 }).addTo(map); }
      if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 15)); }
      if (status) { status.textContent = lon + ", " + lat; }
      lonInput.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (lonInput.value && latInput.value) { place(parseFloat(latInput.value), parseFloat(lonInput.value), true); }
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, false); });
    var locate = document.getElementById("locate-me");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          place(pos.coords.latitude, pos.coords.longitude, true);
        }, function () { if (status) { status.textContent = locate.dataset.failed || "?"; } }, { timeout: 10000 });
      });
    } else if (locate) { locate.hidden = true; }
    window.qyPickMap = { map: map, place: place };
  }

  // The statistics page: complaint hotspots as circles sized by count.
  var hotEl = document.getElementById("hotspot-map");
  if (hotEl) {
    var hmap = baseMap(hotEl);
    var spots = JSON.parse(document.getElementById("hotspot-data").textContent);
    var max = spots.reduce(function (m, s) { return Math.max(m, s[2]); }, 1);
    var group = [];
    var complaintsLayer = L.layerGroup().addTo(hmap);
    spots.forEach(function (s) {
      var c = L.circleMarker([s[1], s[0]], { radius: 4 + 16 * Math.sqrt(s[2] / max), color: "#dc3545",
                                             weight: 1, fillOpacity: 0.45 }).addTo(complaintsLayer);
      c.bindTooltip(esc(s[2]));
      group.push([s[1], s[0]]);
    });
    if (!cfg.boundary && group.length) { hmap.fitBounds(L.latLngBounds(group).pad(0.2)); }
    // Patrols of the same park on the same map, as a layer that can be switched off.
    if (hotEl.dataset.patrols && window.fetch) {
      fetch(hotEl.dataset.patrols, { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (geo) {
          var patrols = L.geoJSON(geo, { pointToLayer: function (f, ll) {
            return L.circleMarker(ll, { radius: 5, color: "#0d6efd", weight: 1, fillOpacity: 0.7 });
          } }).addTo(hmap);
          var overlays = {};
          overlays[esc(hotEl.dataset.complaintsLabel || "Complaints")] = complaintsLayer;
          overlays[esc(hotEl.dataset.patrolsLabel || "Patrols")] = patrols;
          L.control.layers(null, overlays, { collapsed: false }).addTo(hmap);
        }).catch(function () {});
    }
  }
})();
