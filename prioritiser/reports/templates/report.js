(function () {
  "use strict";

  // Give each drawn chart a viewBox and its aspect ratio, so the print stylesheet can scale
  // it to the paper (printing happens too late to redraw the charts at another width).
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
    var embedded = JSON.parse(document.getElementById("report-figures").textContent);
    Object.keys(embedded.figures).forEach(function (id) {
      var element = document.getElementById(id);
      var figure = embedded.figures[id];
      if (element && window.Plotly) {
        // Figures of a fixed size (the print Gantts, the dependency view) keep it.
        var config = Object.assign({}, embedded.config);
        if (figure.layout.autosize === false) { config.responsive = false; }
        Plotly.newPlot(element, figure.data, figure.layout, config);
        makeScalable(element);
        element.on("plotly_afterplot", function () { makeScalable(element); });
      }
    });
  }

  // The systems table: filter by text, department and decision; sort by any column.
  function setUpTable(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var text = document.getElementById("filter-text");
    var department = document.getElementById("filter-department");
    var decision = document.getElementById("filter-decision");
    var count = document.getElementById("systems-count");

    function matches(row) {
      var kind = row.getAttribute("data-kind");
      var wanted = decision.value;
      if (department.value && row.getAttribute("data-department") !== department.value) {
        return false;
      }
      if (wanted === "modernised" && kind === "retained") { return false; }
      if (wanted && wanted !== "modernised" && kind !== wanted) { return false; }
      var needle = text.value.trim().toLowerCase();
      return !needle || row.textContent.toLowerCase().indexOf(needle) !== -1;
    }

    function filter() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = matches(row);
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " systems";
    }
    [text, department, decision].forEach(function (control) {
      control.addEventListener("input", filter);
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
  var table = document.getElementById("systems-table");
  if (table) { setUpTable(table); }
  // Reached only when every chart and the table were set up without an error.
  document.documentElement.setAttribute("data-report-ready", "true");
})();
