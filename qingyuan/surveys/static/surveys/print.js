// The notice page's print button (no inline handlers: the CSP forbids them).
(function () {
  var button = document.getElementById("print-button");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
