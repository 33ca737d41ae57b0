// The patrol form, phone-first, working through a short loss of signal.
//
// Everything typed, ticked or photographed is kept in localStorage under the form's
// draft key until the server answers that the patrol was saved (201). If sending fails
// (no signal, server unreachable, session expired), the draft stays marked "pending"
// and is sent again when the browser comes back online, every 30 seconds, and from the
// patrol list page. The form's client_id makes a repeated send harmless: the server
// records the patrol once.
(function () {
  "use strict";
  var PREFIX = "qy-patrol:";
  var RETRY_MS = 30000;
  var MAX_SIDE = 1600;
  var DRAFT_HOURS = 12;
  var msgEl = document.getElementById("patrol-messages");
  var T = msgEl ? JSON.parse(msgEl.textContent) : {};

  function t(key, arg) {
    var text = T[key] || key;
    return arg === undefined ? text : text.replace("%s", arg);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function store(key, draft) {
    try {
      localStorage.setItem(key, JSON.stringify(draft));
      return true;
    } catch (e) {
      // Storage full: keep the text at least, photos stay in memory only.
      try {
        var light = Object.assign({}, draft, { photos: [] });
        localStorage.setItem(key, JSON.stringify(light));
      } catch (e2) { /* nothing more we can do */ }
      return false;
    }
  }

  function dataUrlToBlob(url) {
    var parts = url.split(","), mime = parts[0].match(/:(.*?);/)[1], bin = atob(parts[1]);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return new Blob([bytes], { type: mime });
  }

  function formData(draft) {
    var fd = new FormData();
    Object.keys(draft.fields).forEach(function (name) {
      var value = draft.fields[name];
      (Array.isArray(value) ? value : [value]).forEach(function (v) { fd.append(name, v); });
    });
    (draft.photos || []).forEach(function (p) { fd.append("photos", dataUrlToBlob(p.data), p.name); });
    return fd;
  }

  // Send a draft; resolves to {state: "saved" | "invalid" | "refused" | "offline", ...}.
  function send(draft) {
    return fetch(draft.url, {
      method: "POST", body: formData(draft), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) { return { state: "refused", status: response.status }; }
      return response.json().then(function (body) {
        if (response.status === 201 && body.ok) { return { state: "saved", url: body.url }; }
        if (response.status === 400 && body.errors) { return { state: "invalid", errors: body.errors }; }
        return { state: "refused", status: response.status };
      });
    }, function () { return { state: "offline" }; });
  }

  // ---- the outbox: pending drafts of other forms (and of this one, after a reload) ----------
  function pendingKeys(except) {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0 && key !== except) {
        var d = load(key);
        if (d && d.pending) { keys.push(key); }
      }
    }
    return keys;
  }

  // One draft after another, and one flush at a time: a phone back online after a day in the field
  // may hold many, and the server should not get them all at once (nor the same one twice).
  var flushing = null;
  function flushOutbox(except) {
    var box = document.getElementById("patrol-outbox");
    var keys = pendingKeys(except);
    if (box) {
      box.classList.toggle("d-none", keys.length === 0);
      box.textContent = keys.length ? t("pending", keys.length) : "";
    }
    if (flushing) { return flushing; }
    flushing = keys.reduce(function (previous, key) {
      return previous.then(function () {
        var draft = load(key);
        if (!draft || !navigator.onLine) { return; }
        return send(draft).then(function (result) {
          if (result.state === "saved") {
            localStorage.removeItem(key);
            if (box) { box.textContent = t("sent"); }
          } else if (result.state === "invalid") {
            draft.pending = false; draft.errors = result.errors; store(key, draft);
          }
        });
      });
    }, Promise.resolve()).then(function () { flushing = null; }, function () { flushing = null; });
    return flushing;
  }

  var form = document.getElementById("patrol-form");
  var ownKey = form ? form.dataset.draftKey : null;
  flushOutbox(ownKey);
  window.addEventListener("online", function () { flushOutbox(ownKey); });
  setInterval(function () { flushOutbox(ownKey); }, RETRY_MS);
  if (!form) { return; }

  // ---- the form ------------------------------------------------------------------------------
  var statusEl = document.getElementById("draft-status");
  var photoInput = document.getElementById("photos");
  var previews = document.getElementById("photo-previews");
  var findingsEl = document.getElementById("findings");
  var template = document.getElementById("finding-template");
  var submitButton = document.getElementById("submit-patrol");
  var draft = load(ownKey);
  var photos = [];
  var saveTimer = null;

  function say(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "alert small alert-" + (kind || "warning") + (text ? "" : " d-none");
  }

  function clock(iso) {
    var d = iso ? new Date(iso) : new Date();
    return d.toLocaleString();
  }

  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.closest("template")) { return; }
      if (out[el.name] === undefined) { out[el.name] = el.value; }
      else { out[el.name] = [].concat(out[el.name], el.value); }
    });
    return out;
  }

  function save(pending) {
    var record = {
      url: form.getAttribute("action") || (location.pathname + location.search),
      fields: fields(), photos: photos, savedAt: new Date().toISOString(),
      pending: pending === undefined ? !!(draft && draft.pending) : pending
    };
    draft = record;
    if (!store(ownKey, record)) { say(t("quota")); }
  }

  function saveSoon() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () { save(); }, 300);
  }

  // Findings: rows are numbered 0..n-1 in the order shown.
  function findingCount() { return findingsEl.querySelectorAll(".finding-row").length; }

  function addFinding() {
    var html = template.innerHTML.replace(/__i__/g, String(findingCount()));
    var wrapper = document.createElement("div");
    wrapper.innerHTML = html.trim();
    var row = wrapper.firstChild;
    findingsEl.appendChild(row);
    return row;
  }

  function renumber() {
    Array.prototype.forEach.call(findingsEl.querySelectorAll(".finding-row"), function (row, i) {
      row.dataset.index = i;
      row.querySelectorAll("[name], [id], [for], [data-error-for]").forEach(function (el) {
        ["name", "id", "for", "data-error-for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.replace(/^findings-\d+-/, "findings-" + i + "-")); }
        });
      });
    });
  }

  function restore(d) {
    var names = Object.keys(d.fields);
    var wanted = 0;
    names.forEach(function (n) {
      var m = n.match(/^findings-(\d+)-/);
      if (m) { wanted = Math.max(wanted, parseInt(m[1], 10) + 1); }
    });
    while (findingCount() < wanted) { addFinding(); }
    names.forEach(function (name) {
      var values = [].concat(d.fields[name]);
      form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (el) {
        if (el.closest("template")) { return; }
        if (el.type === "radio" || el.type === "checkbox") { el.checked = values.indexOf(el.value) >= 0; }
        else { el.value = values[0]; }
      });
    });
    photos = d.photos || [];
    drawPhotos();
  }

  function drawPhotos() {
    previews.innerHTML = "";
    photos.forEach(function (p, i) {
      var box = document.createElement("div");
      box.className = "position-relative";
      var img = document.createElement("img");
      img.src = p.data; img.alt = p.name; img.className = "rounded border"; img.style.height = "84px";
      var del = document.createElement("button");
      del.type = "button"; del.className = "btn btn-sm btn-danger position-absolute top-0 end-0 py-0 px-1";
      del.textContent = "✕"; del.setAttribute("aria-label", t("remove"));
      del.addEventListener("click", function () { photos.splice(i, 1); drawPhotos(); save(); });
      box.appendChild(img); box.appendChild(del); previews.appendChild(box);
    });
  }

  // Photos are shrunk to at most 1600 px (JPEG) so a few of them fit in the phone's storage.
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        resolve({ name: file.name.replace(/\.[^.]*$/, "") + ".jpg", data: canvas.toDataURL("image/jpeg", 0.8) });
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(file); };
      img.src = url;
    });
  }

  photoInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(photoInput.files);
    photoInput.value = "";
    Promise.all(files.map(function (f) {
      return shrink(f).catch(function () { say(t("not_image", f.name), "danger"); return null; });
    })).then(function (shrunk) {
      shrunk.forEach(function (p) { if (p) { photos.push(p); } });
      drawPhotos(); save();
    });
  });

  // Position and time.
  var gpsStatus = document.getElementById("gps-status");
  function locate() {
    if (!navigator.geolocation) { gpsStatus.textContent = t("no_geolocation"); return; }
    gpsStatus.textContent = t("locating");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      form.elements.gps_accuracy_m.value = Math.round(pos.coords.accuracy);
      form.elements.gps_at.value = new Date(pos.timestamp || Date.now()).toISOString();
      gpsStatus.textContent = form.elements.latitude.value + ", " + form.elements.longitude.value +
        " ±" + form.elements.gps_accuracy_m.value + " m · " + clock(form.elements.gps_at.value);
      if (draft) { save(); }
    }, function (err) {
      gpsStatus.textContent = t("position_failed", err.message || err.code);
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }
  document.getElementById("gps-refresh").addEventListener("click", locate);

  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.innerHTML = ""; });
    var general = document.getElementById("form-errors");
    general.innerHTML = ""; general.classList.add("d-none");
    var first = null;
    Object.keys(errors).forEach(function (key) {
      var target = form.querySelector("[data-error-for='" + key.replace(/'/g, "") + "']");
      errors[key].forEach(function (message) {
        var line = document.createElement("div");
        line.textContent = message;
        if (target) { target.appendChild(line); first = first || target; }
        else { general.appendChild(line); general.classList.remove("d-none"); first = first || general; }
      });
    });
    say(t("invalid"), "danger");
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  function attempt() {
    if (!draft || !draft.pending) { return; }
    submitButton.disabled = true;
    say(t("sending"), "info");
    send(draft).then(function (result) {
      submitButton.disabled = false;
      if (result.state === "saved") {
        localStorage.removeItem(ownKey);
        draft = null;
        say(t("sent"), "success");
        window.location.href = result.url;
      } else if (result.state === "invalid") {
        save(false);
        showErrors(result.errors);
      } else if (result.state === "refused") {
        say(t("refused", result.status));
      } else {
        say(t("offline"));
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.elements.finished_at.value) { form.elements.finished_at.value = new Date().toISOString(); }
    save(true);
    attempt();
  });

  document.getElementById("add-finding").addEventListener("click", function () {
    var row = addFinding();
    row.querySelector("textarea").focus();
    save();
  });
  findingsEl.addEventListener("click", function (event) {
    if (event.target.classList.contains("remove-finding")) {
      event.target.closest(".finding-row").remove();
      renumber(); save();
    }
  });
  document.getElementById("all-ok").addEventListener("click", function () {
    form.querySelectorAll(".checklist-item").forEach(function (fs) {
      if (!fs.querySelector("input[type=radio]:checked")) {
        var ok = fs.querySelector("input[type=radio][value=ok]");
        if (ok) { ok.checked = true; }
      }
    });
    save();
  });
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);

  // Start: restore an unsent draft (unless the server just answered with errors). A draft that
  // was never sent and is older than DRAFT_HOURS belongs to an earlier visit: start afresh.
  var fresh = draft && (Date.now() - new Date(draft.savedAt).getTime()) < DRAFT_HOURS * 3600000;
  if (draft && !draft.pending && !fresh) { localStorage.removeItem(ownKey); draft = null; }
  if (draft && !form.dataset.serverErrors) {
    restore(draft);
    say(t("restored", clock(draft.savedAt)));
    if (draft.pending) { setTimeout(function () { (flushing || Promise.resolve()).then(attempt); }, 500); }
  }
  if (!form.elements.client_id.value) { form.elements.client_id.value = uuid(); }
  if (!draft || !form.elements.latitude.value) { locate(); }
  var started = document.getElementById("started-label");
  if (started && form.elements.started_at.value) { started.textContent = clock(form.elements.started_at.value); }
  // This form's draft goes after the outbox's, not beside it (the outbox's "online" listener runs first).
  window.addEventListener("online", function () { (flushing || Promise.resolve()).then(attempt); });
  setInterval(function () { (flushing || Promise.resolve()).then(attempt); }, RETRY_MS);
})();
