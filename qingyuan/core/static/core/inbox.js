// Inbox: each notification is a link to its object; following an unread one also marks it read
// (a POST with the page's CSRF token, kept alive while the browser navigates).
(function () {
  "use strict";
  function token() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[data-read-url]") : null;
    if (!link) return;
    fetch(link.dataset.readUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"X-CSRFToken": token(), "HX-Request": "true"}
    }).catch(function () {});
    link.removeAttribute("data-read-url");
  });
})();
