// Draws every [data-figure] element with plotly.js (served from /static, never a CDN),
// on first load and whenever htmx swaps new content in (the live refresh). The figure's own
// config names the locale (pt-BR, registered by plotly-pt-br.js).
(function () {
  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      var figure = JSON.parse(el.dataset.figure);
      // Never a "Share chart" button: it would upload the clinic's data to Plotly's cloud.
      var config = Object.assign({ responsive: true }, figure.config || {},
        { displaylogo: false, showSendToCloud: false });
      Plotly.react(el, figure.data, figure.layout, config);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.detail.elt.parentElement || document); });
})();
