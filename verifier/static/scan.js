// Read a share QR with the camera where the browser offers BarcodeDetector; otherwise the
// upload and paste fields (server-side decoding) remain.
(function () {
  "use strict";
  var cam = document.getElementById("camera");
  var none = document.getElementById("no-camera");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    if (none) { none.hidden = false; }
    return;
  }
  cam.hidden = false;
  var video = document.getElementById("video");
  var form = document.getElementById("scan-form");
  var text = document.getElementById("text");
  document.getElementById("start-camera").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () {
          function look() {
            detector.detect(video).then(function (codes) {
              if (codes.length > 0) {
                stream.getTracks().forEach(function (t) { t.stop(); });
                text.value = codes[0].rawValue;
                form.submit();
              } else {
                window.requestAnimationFrame(look);
              }
            }).catch(function () { window.requestAnimationFrame(look); });
          }
          look();
        });
      })
      .catch(function () { if (none) { none.hidden = false; } cam.hidden = true; });
  });
}());
