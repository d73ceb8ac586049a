/* The panel's answer to refused htmx requests.
 *
 * htmx swaps nothing when the server answers 4xx/5xx, so a refused action (an empty reply,
 * an expired form, a conflict) would look like nothing happened. The server answers such a
 * request with a Portuguese fragment (templates/panel/_error.html); this shows its text in
 * the layout's message area (#panel-toast, role="alert") and marks the field at fault. */
(function () {
  "use strict";

  var OFFLINE = "Sem conexão com o servidor. Confira a internet e tente de novo.";
  var FALLBACK = "Não foi possível concluir (erro {status}). Tente de novo em instantes.";

  function refusal(xhr) {
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var said = doc.querySelector("[data-panel-error]");
    if (said && said.textContent.trim()) {
      return { text: said.textContent.trim(), field: said.getAttribute("data-field") };
    }
    // Not one of ours (a proxy's error page, say): say at least that it failed.
    return { text: FALLBACK.replace("{status}", String(xhr.status)), field: null };
  }

  function show(text) {
    var box = document.getElementById("panel-toast");
    if (!box) return;
    document.getElementById("panel-toast-text").textContent = text;
    document.getElementById("panel-toast-close").hidden = false;
    box.classList.add("shown");
  }

  function hide() {
    document.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    var box = document.getElementById("panel-toast");
    if (!box || !box.classList.contains("shown")) return;
    document.getElementById("panel-toast-text").textContent = "";
    document.getElementById("panel-toast-close").hidden = true;
    box.classList.remove("shown");
  }

  function markField(source, name) {
    var form = source && source.closest ? source.closest("form") : null;
    var input = form && name ? form.querySelector('[name="' + CSS.escape(name) + '"]') : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  document.addEventListener("htmx:responseError", function (event) {
    var said = refusal(event.detail.xhr);
    show(said.text);
    markField(event.detail.elt, said.field);
  });

  document.addEventListener("htmx:sendError", function () {
    show(OFFLINE);
  });

  // An action the person starts (not a live update polling) clears the last refusal.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.requestConfig && event.detail.requestConfig.verb !== "get") hide();
  });

  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "panel-toast-close") hide();
  });

  // Behaviour the templates ask for with data- attributes, since the Content-Security-Policy
  // runs no inline handlers (onchange=, hx-on): a form emptied once its message was taken,
  // and a select (the company switcher) that submits its form when changed.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form && form.matches && form.matches("form[data-reset-on-success]")) {
      form.reset();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select && select.matches && select.matches("select[data-submit-on-change]")) {
      select.form.requestSubmit();
    }
  });
})();
