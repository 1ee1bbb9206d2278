/* The round page's QR scanner: the phone camera in the browser, decoded with jsQR
   (static/vendor/jsqr). A code read from a checkpoint label (its URL ends in /c/<CODE>/)
   fills the code field, marks it as scanned and sends the form; without a camera the
   inspector types the code. */
(function () {
  "use strict";

  function codeFrom(text) {
    var match = /\/c\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/.exec(text || "");
    return match ? match[1] : (text || "").trim();
  }

  function stop(video) {
    var stream = video.srcObject;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    video.srcObject = null;
    video.classList.add("d-none");
  }

  function start(button) {
    var box = button.closest("[data-testid=scan]");
    var video = box.querySelector("[data-scan-video]");
    var canvas = box.querySelector("[data-scan-canvas]");
    var error = box.querySelector("[data-scan-error]");
    var form = box.querySelector("[data-scan-form]");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      error.classList.remove("d-none");
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.classList.remove("d-none");
        video.play();
        var context = canvas.getContext("2d", { willReadFrequently: true });
        function tick() {
          if (!video.srcObject) return;
          if (video.readyState === video.HAVE_ENOUGH_DATA) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            var image = context.getImageData(0, 0, canvas.width, canvas.height);
            var found = window.jsQR(image.data, image.width, image.height, {
              inversionAttempts: "dontInvert",
            });
            if (found && found.data) {
              stop(video);
              form.querySelector("[data-scan-code]").value = codeFrom(found.data);
              form.querySelector("[data-scan-method]").value = "qr";
              form.dispatchEvent(new CustomEvent("anju:scanned", { bubbles: true }));
              form.requestSubmit();
              return;
            }
          }
          window.requestAnimationFrame(tick);
        }
        window.requestAnimationFrame(tick);
      })
      .catch(function () {
        error.classList.remove("d-none");
      });
  }

  // Web NFC (Chrome on Android): a checkpoint's tag id stands for its code.
  function readNfc(button) {
    var form = button.closest("[data-testid=scan]").querySelector("[data-scan-form]");
    var reader = new window.NDEFReader();
    reader.scan().then(function () {
      reader.onreading = function (event) {
        form.querySelector("[data-scan-code]").value = event.serialNumber || "";
        form.querySelector("[data-scan-method]").value = "nfc";
        form.requestSubmit();
      };
    }).catch(function () {
      button.disabled = true;
    });
  }

  document.querySelectorAll("[data-nfc-start]").forEach(function (button) {
    if ("NDEFReader" in window) button.classList.remove("d-none");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-scan-start]");
    if (button) start(button);
    var nfc = event.target.closest && event.target.closest("[data-nfc-start]");
    if (nfc) readNfc(nfc);
  });
  // Typing the code after a camera attempt: it is typed, not scanned.
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-scan-code]")) {
      var method = event.target.form.querySelector("[data-scan-method]");
      if (method) method.value = "typed";
    }
  });
  window.anjuScanCode = codeFrom;
})();
