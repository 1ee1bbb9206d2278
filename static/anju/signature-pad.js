/* Anju: the owner's signature drawn on the phone (maintenance/partials/signature_pad.html).
   Writes a PNG data URL into the hidden input of each [data-signature-pad] box. */
(function () {
  "use strict";

  function install(box) {
    var canvas = box.querySelector("canvas");
    var input = box.querySelector('input[type="hidden"]');
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;
    function setup() {
      var ratio = window.devicePixelRatio || 1, rect = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.2; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
      drawn = false; input.value = "";
    }
    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; last = point(e); canvas.setPointerCapture(e.pointerId); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e);
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p; drawn = true; e.preventDefault();
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      if (drawn) input.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    box.querySelector(".signature-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; input.value = "";
    });
    // The canvas has its size once shown (it may sit in a closed <details>).
    var details = box.closest("details");
    if (details) details.addEventListener("toggle", function () { if (details.open && !drawn) setup(); });
    setup();
  }

  function installAll() {
    document.querySelectorAll("[data-signature-pad]").forEach(function (box) {
      if (box.dataset.signatureReady) return;
      box.dataset.signatureReady = "1";
      install(box);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", installAll);
  } else {
    installAll();
  }
})();
