/* Anju: small page behaviour on top of Bootstrap and htmx. The Content-Security-Policy
   allows no inline script or handler: pages ask for behaviour with data- attributes. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // <div data-progress="40">: a progress bar's width (no style attribute under the CSP).
  function showProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.dataset.progress) || 0));
      bar.style.width = value + "%";
    });
  }

  // A form that failed: its error summary gets the focus (and is read out, and scrolled to
  // on a phone, where the field in error may be far below).
  function focusErrorSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }

  // A link to #action-complete (from "My jobs") opens that action's form.
  function openActionFromHash() {
    if (!location.hash || location.hash.indexOf("#action-") !== 0) return;
    var card = document.getElementById(location.hash.slice(1));
    var details = card && card.querySelector("details");
    if (details) {
      details.open = true;
      card.scrollIntoView();
    }
  }

  function install() {
    // Every htmx request carries Django's CSRF token (read from <meta name="csrf-token">).
    document.body.addEventListener("htmx:configRequest", function (event) {
      var token = csrfToken();
      if (token) {
        event.detail.headers["X-CSRFToken"] = token;
      }
    });
    document.body.addEventListener("htmx:load", function (event) {
      showProgress(event.detail.elt.parentNode || event.detail.elt);
    });
    // <select data-autosubmit>: choosing an option submits its form.
    document.addEventListener("change", function (event) {
      var field = event.target.closest && event.target.closest("[data-autosubmit]");
      if (field && field.form) {
        if (field.form.requestSubmit) field.form.requestSubmit();
        else field.form.submit();
      }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest) return;
      // <button data-confirm="Sure?">: asks first.
      var asking = event.target.closest("[data-confirm]");
      if (asking && !window.confirm(asking.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      // <button data-print>: prints the page.
      if (event.target.closest("[data-print]")) {
        window.print();
      }
    });
    showProgress(document);
    openActionFromHash();
    focusErrorSummary(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", install);
  } else {
    install();
  }
})();
