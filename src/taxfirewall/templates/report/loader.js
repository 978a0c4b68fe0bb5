(function () {
  "use strict";
  var opts = JSON.parse(document.getElementById("tf-embed-options").textContent);
  var views = document.querySelectorAll("[data-vega-spec]");
  for (var i = 0; i < views.length; i++) {
    (function (el) {
      var spec = JSON.parse(document.getElementById(el.getAttribute("data-vega-spec")).textContent);
      if (typeof window.vegaEmbed !== "function") {
        el.textContent = el.getAttribute("aria-label");
        return;
      }
      window.vegaEmbed(el, spec, opts).catch(function () {
        el.textContent = el.getAttribute("aria-label");
      });
    })(views[i]);
  }
})();
