// The home page's service status line, from the answer of the /healthz poll (htmx).
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var box = event.detail.elt;
    if (!box || box.id !== "health") return;
    box.textContent = event.detail.successful
      ? "Todos os componentes respondem."
      : "Algum componente não responde: veja /healthz.";
  });
})();
