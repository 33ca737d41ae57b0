// The issue form: choosing an enterprise fills in its linked unit; a note appears when the
// chosen unit is not the enterprise's linked unit (the server warns again on submit).
(function () {
  "use strict";
  var form = document.getElementById("issue-form");
  var data = document.getElementById("linked-units");
  if (!form || !data) return;
  var linked = JSON.parse(data.textContent);
  var enterprise = form.querySelector("[name=enterprise]");
  var unit = form.querySelector("[name=assignee_unit]");
  var note = document.getElementById("unit-warning");
  if (!enterprise || !unit) return;

  function check() {
    var wanted = linked[enterprise.value];
    var differs = Boolean(wanted) && Boolean(unit.value) && String(wanted) !== unit.value;
    if (note) {
      note.textContent = differs ? note.dataset.text : "";
      note.classList.toggle("d-none", !differs);
    }
  }

  enterprise.addEventListener("change", function () {
    var wanted = linked[enterprise.value];
    if (wanted && unit.querySelector('option[value="' + String(wanted) + '"]')) {
      unit.value = String(wanted);
    }
    check();
  });
  unit.addEventListener("change", check);
  check();
})();
