// Forms that send themselves when a choice changes: <select data-autosubmit> (no inline handlers, see the CSP).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
})();
