// Starts Swagger UI (app/static/vendor/swagger-ui-bundle.js) on the schema the page names
// (app/web/apidocs.py). A file, not an inline script, so the CSP stays strict.
"use strict";
(function () {
  const root = document.getElementById("swagger-ui");
  const { specUrl, csrfHeader, csrfToken } = root.dataset;
  window.SwaggerUIBundle({
    url: specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // no badge from swagger.io: no third-party requests
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // "Try it out" with the session cookie needs the CSRF token, as htmx sends it.
    requestInterceptor: (request) => {
      request.headers[csrfHeader] = csrfToken;
      return request;
    },
  });
})();
