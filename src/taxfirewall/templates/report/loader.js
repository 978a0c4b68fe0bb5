(function () {
  "use strict";
  // Draws every chart at the layout that suits its column, again when the column changes
  // width; a chart that cannot be drawn keeps its caption (the alt text) on screen.
  if (typeof window.vegaEmbed !== "function") return;
  var opts = JSON.parse(document.getElementById("tf-embed-options").textContent);

{% include 'patch.js' %}

  // The widest layout the column shows at no less than min_scale, else the narrowest.
  function choose(chart, column) {
    var widths = chart.layouts.map(function (l) { return l[0]; });
    if (chart.width) widths.push(chart.width);
    var best = widths.length ? widths[0] : null;
    for (var i = 0; i < widths.length; i++) if (widths[i] * chart.min_scale <= column) best = widths[i];
    return best;
  }

  function specAt(chart, width) {
    for (var i = 0; i < chart.layouts.length; i++) {
      if (chart.layouts[i][0] === width) return tfPatch(chart.spec, chart.layouts[i][1]);
    }
    return chart.spec;
  }

  function draw(view) {
    var width = choose(view.chart, view.el.parentNode.clientWidth);
    if (view.token && width === view.width) return;
    var token = (view.token = (view.token || 0) + 1);
    view.width = width;
    window.vegaEmbed(view.el, specAt(view.chart, width), opts).then(function (result) {
      if (token !== view.token) return result.finalize();  // a newer layout took its place
      if (view.result) view.result.finalize();
      view.result = result;
      view.el.setAttribute("data-layout", width === null ? "" : String(width));
      view.el.classList.add("drawn");
    }, function () {
      if (token === view.token) view.el.classList.remove("drawn");
    });
  }

  var views = [], els = document.querySelectorAll("[data-vega-spec]"), timer = null;
  for (var i = 0; i < els.length; i++) {
    views.push({ el: els[i], chart: JSON.parse(document.getElementById(els[i].getAttribute("data-vega-spec")).textContent) });
  }
  views.forEach(draw);
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { views.forEach(draw); }, 150);
  });
})();
