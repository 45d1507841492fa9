// The API reference page (templates/api/docs.html): starts Swagger UI, shipped by django-ninja,
// from the settings the page carries as JSON, so the page needs no inline script under the CSP.
(function () {
  "use strict";
  var holder = document.getElementById("api-docs");
  if (!holder || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var options = JSON.parse(holder.dataset.settings || "{}");
  options.domNode = holder;
  options.presets = [window.SwaggerUIBundle.presets.apis];
  window.SwaggerUIBundle(options);
})();
