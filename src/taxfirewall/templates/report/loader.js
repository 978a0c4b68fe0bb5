(function () {
  "use strict";
  // Draw every chart; one that cannot be drawn keeps its caption (the alt text) on screen.
  if (typeof window.vegaEmbed !== "function") return;
  var opts = JSON.parse(document.getElementById("tf-embed-options").textContent);
  var views = document.querySelectorAll("[data-vega-spec]");
  for (var i = 0; i < views.length; i++) {
    (function (el) {
      var spec = JSON.parse(document.getElementById(el.getAttribute("data-vega-spec")).textContent);
      window.vegaEmbed(el, spec, opts).then(function () {
        el.classList.add("drawn");
      }, function () {});
    })(views[i]);
  }
})();
