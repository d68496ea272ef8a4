// Poll the request status; go to the result page when the wallet has answered.
(function () {
  "use strict";
  var box = document.getElementById("request");
  if (!box) { return; }
  var statusUrl = box.getAttribute("data-status-url");
  var resultUrl = box.getAttribute("data-result-url");
  var statusEl = document.getElementById("status");
  var delay = 1500;
  function tick() {
    fetch(statusUrl, { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "completed" || s.status === "failed") {
          window.location.assign(resultUrl);
          return;
        }
        if (s.status === "expired") { window.location.reload(); return; }
        if ((s.verdict || "") !== (box.getAttribute("data-verdict") || "")) {
          window.location.reload();  // a rejected or declined answer that left it open
          return;
        }
        if (statusEl && s.status && statusEl.className.indexOf("status-" + s.status) < 0) {
          window.location.reload();
          return;
        }
        setTimeout(tick, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(tick, delay); });
  }
  setTimeout(tick, delay);
}());
