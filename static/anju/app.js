/* Anju: small page behaviour on top of Bootstrap and htmx. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every htmx request carries Django's CSRF token (read from <meta name="csrf-token">).
  function install() {
    document.body.addEventListener("htmx:configRequest", function (event) {
      var token = csrfToken();
      if (token) {
        event.detail.headers["X-CSRFToken"] = token;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", install);
  } else {
    install();
  }
})();
