(function () {
  "use strict";

  // As report.js: give each drawn chart a viewBox so the print stylesheet can scale it.
  function makeScalable(element) {
    var width = 0;
    var height = 0;
    element.querySelectorAll(".main-svg").forEach(function (svg) {
      width = svg.getAttribute("width");
      height = svg.getAttribute("height");
      if (width && height) { svg.setAttribute("viewBox", "0 0 " + width + " " + height); }
    });
    var container = element.querySelector(".svg-container");
    if (container && width && height) {
      container.style.setProperty("--ratio", width + " / " + height);
    }
  }

  // Draw every figure from the embedded JSON; nothing is fetched.
  function drawCharts() {
    var embedded = JSON.parse(document.getElementById("tracking-figures").textContent);
    Object.keys(embedded.figures).forEach(function (id) {
      var element = document.getElementById(id);
      var figure = embedded.figures[id];
      if (element && window.Plotly) {
        Plotly.newPlot(element, figure.data, figure.layout, embedded.config);
        makeScalable(element);
        element.on("plotly_afterplot", function () { makeScalable(element); });
      }
    });
  }

  // The RAG table: filter by colour and department, sort by any column.
  function setUpTable(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var colour = document.getElementById("filter-rag");
    var department = document.getElementById("filter-department");
    var count = document.getElementById("systems-count");

    function filter() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!colour.value || row.getAttribute("data-rag") === colour.value) &&
          (!department.value || row.getAttribute("data-department") === department.value);
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " systems";
    }
    [colour, department].forEach(function (control) {
      control.addEventListener("change", filter);
    });

    function key(row, column, numeric) {
      var cell = row.cells[column];
      var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
      return numeric ? parseFloat(value) : value.trim().toLowerCase();
    }

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (header, column) {
      header.querySelector("button").addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        var numeric = header.getAttribute("data-type") === "number";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var order = rows.map(function (row, index) {
          return [key(row, column, numeric), index, row];
        });
        order.sort(function (a, b) {
          var result = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
          return (ascending ? result : -result) || a[1] - b[1];
        });
        order.forEach(function (item) { body.appendChild(item[2]); });
        rows = order.map(function (item) { return item[2]; });
      });
    });
  }

  drawCharts();
  var table = document.getElementById("rag-table");
  if (table) { setUpTable(table); }
  // Reached only when every chart and the table were set up without an error.
  document.documentElement.setAttribute("data-report-ready", "true");
})();
