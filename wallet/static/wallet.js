// Rotonde wallet: small progressive enhancements only; every page works without JavaScript.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Show the remaining time of a share; reload when it expires so the page says so.
  var el = document.querySelector("[data-expires]");
  if (el) {
    var until = Number(el.getAttribute("data-expires")) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((until - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) { window.clearInterval(timer); }
    };
    var timer = window.setInterval(tick, 1000);
    tick();
  }
  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
});
