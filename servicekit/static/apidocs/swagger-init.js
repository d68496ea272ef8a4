// Rotonde: starts Swagger UI on /docs. A file (not an inline script), so the page's
// Content-Security-Policy keeps script-src 'self'. The OpenAPI URL comes from the page.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: node.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // no calls to validator.swagger.io: the docs work offline
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
