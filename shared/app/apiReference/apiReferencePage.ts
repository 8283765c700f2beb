/**
 * The API reference page: Swagger UI from the `swagger-ui-dist` package, served by the app (no CDN at run time), with
 * only our own files (no inline script or style, so the CSP can forbid both).
 */
export const apiReferencePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Redis Cluster Manager API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="stylesheet" href="docs/assets/reference.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/reference.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI on the document the app serves (`/api/openapi.json`, the same bytes API Management imports). The
 * function key the page was opened with (`?code=`) is sent as `x-functions-key` with the document request and with
 * "Try it out" calls, and taken out of the address bar so it is not shown, bookmarked or screenshotted; the
 * role-bearing API key is entered with "Authorize" and stays in the page. No validator badge: it would call out.
 */
export const apiReferenceScript = `(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var code = params.get('code');
  if (code) {
    params.delete('code');
    var rest = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (rest ? '?' + rest : '') + window.location.hash);
  }
  window.addEventListener('load', function () {
    window.ui = window.SwaggerUIBundle({
      url: 'openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: 'BaseLayout',
      requestInterceptor: function (request) {
        if (code && !request.headers['x-functions-key']) request.headers['x-functions-key'] = code;
        return request;
      },
      onComplete: function () { document.body.setAttribute('data-loaded', 'true'); }
    });
  });
})();
`;

/** A little room around Swagger UI's own layout (BaseLayout has no top bar). */
export const apiReferenceStyles = `body { margin: 0; background: #fafafa; }
#swagger-ui { max-width: 1460px; margin: 0 auto; padding: 0 20px 40px; }
`;
