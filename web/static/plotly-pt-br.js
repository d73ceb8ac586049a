// plotly.js in Brazilian Portuguese: month and day names, dd/mm/aaaa, "1.234,5".
// Registered before charts.js draws; each figure asks for it with config.locale = "pt-BR".
(function () {
  if (!window.Plotly) return;
  Plotly.register({
    moduleType: "locale",
    name: "pt-BR",
    dictionary: {
      "Autoscale": "Escala automática",
      "Reset axes": "Restaurar eixos",
      "Zoom in": "Aproximar",
      "Zoom out": "Afastar",
      "Pan": "Mover",
      "Zoom": "Zoom",
      "Download plot as a png": "Baixar gráfico como PNG",
      "Download plot as a PNG": "Baixar gráfico como PNG",
      "Download plot as JSON": "Baixar dados como JSON",
      "Produced with Plotly.js": "Feito com Plotly.js",
      "Toggle show closest data on hover": "Mostrar o dado mais próximo",
      "Reset camera to default": "Restaurar a vista",
      "Reset view": "Restaurar a vista",
      "Share chart...": "Compartilhar",
      "Snapshot succeeded": "Imagem gerada",
      "Taking snapshot - this may take a few seconds": "Gerando a imagem, aguarde alguns segundos",
      "Sorry, there was a problem downloading your snapshot!": "Não foi possível baixar a imagem.",
      "Click to enter Colorscale title": "Clique para dar um título à escala",
      "Click to enter X axis title": "Clique para dar um título ao eixo X",
      "Click to enter Y axis title": "Clique para dar um título ao eixo Y",
      "Click to enter Plot title": "Clique para dar um título ao gráfico",
      "Double-click on legend to isolate one trace": "Clique duas vezes na legenda para isolar uma série",
      "Download plot": "Baixar gráfico",
      "Box Select": "Selecionar retângulo",
      "Lasso Select": "Selecionar laço",
      "Reset": "Restaurar",
      "Toggle Spike Lines": "Linhas de referência",
      "Show closest data on hover": "Mostrar o dado mais próximo",
      "Compare data on hover": "Comparar dados",
      "Double-click to zoom back out": "Clique duas vezes para afastar"
    },
    format: {
      days: ["domingo", "segunda", "terça", "quarta", "quinta", "sexta", "sábado"],
      shortDays: ["dom", "seg", "ter", "qua", "qui", "sex", "sáb"],
      months: ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
               "setembro", "outubro", "novembro", "dezembro"],
      shortMonths: ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"],
      date: "%d/%m/%Y",
      decimal: ",",
      thousands: "."
    }
  });
})();
