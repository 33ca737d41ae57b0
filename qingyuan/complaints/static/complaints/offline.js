// Keep the complaint form's text on the phone until it is sent, so a lost signal loses nothing.
// Photos cannot be kept (the browser does not allow it); the challenge is always asked afresh.
(function () {
  var KEEP = ["category", "description", "address", "longitude", "latitude", "enterprise", "observed_at", "name", "phone"];
  var done = document.querySelector("[data-clear-offline]");
  if (done) {
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf("qy-complaint-") === 0) { localStorage.removeItem(k); } });
    return;
  }
  var form = document.getElementById("complaint-form");
  if (!form || !window.localStorage) { return; }
  var key = form.dataset.offlineKey;
  var hasErrors = !!document.getElementById("form-errors");
  function save() {
    var data = {};
    KEEP.forEach(function (name) {
      var el = form.elements[name];
      if (!el) { return; }
      data[name] = el.value;
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  }
  function restore() {
    var raw = localStorage.getItem(key);
    if (!raw || hasErrors) { return; }  // a form sent back by the server already holds the user's text
    var data = JSON.parse(raw);
    KEEP.forEach(function (name) {
      var el = form.elements[name];
      if (!el || data[name] === undefined || data[name] === "") { return; }
      if (el instanceof RadioNodeList) {
        Array.prototype.forEach.call(el, function (r) { r.checked = r.value === data[name]; });
      } else { el.value = data[name]; }
    });
    if (data.longitude && data.latitude && window.qyPickMap) {
      window.qyPickMap.place(parseFloat(data.latitude), parseFloat(data.longitude), true);
    }
  }
  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  var note = document.getElementById("offline-note");
  function online() { if (note) { note.hidden = navigator.onLine; } }
  window.addEventListener("online", online);
  window.addEventListener("offline", online);
  online();
  form.addEventListener("submit", function (e) {
    save();
    if (!navigator.onLine) { e.preventDefault(); online(); }
  });
})();
