// Rotonde: loaded before redoc.standalone.js on /redoc. ReDoc 2.x always adds a Redocly logo
// from its CDN to the side menu ("API docs by Redocly"); the docs must not reach outside the
// service (and the CSP's img-src 'self' would refuse it with a console error), so that one
// image gets an empty local picture instead. Nothing else is changed.
(function () {
  "use strict";
  var CDN = "https://cdn.redoc.ly/";
  var EMPTY = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";
  function local(value) {
    return String(value).indexOf(CDN) === 0 ? EMPTY : value;
  }
  var proto = HTMLImageElement.prototype;
  var src = Object.getOwnPropertyDescriptor(proto, "src");
  Object.defineProperty(proto, "src", {
    configurable: true, enumerable: src.enumerable, get: src.get,
    set: function (value) { src.set.call(this, local(value)); }
  });
  var setAttribute = Element.prototype.setAttribute;
  proto.setAttribute = function (name, value) {
    return setAttribute.call(this, name, String(name).toLowerCase() === "src" ? local(value) : value);
  };
})();
