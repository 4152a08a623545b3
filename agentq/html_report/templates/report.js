(function () {
  "use strict";
  var table = document.getElementById("episode-table");
  if (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var text = document.getElementById("filter-text");
    var agent = document.getElementById("filter-agent");
    var difficulty = document.getElementById("filter-difficulty");
    var outcome = document.getElementById("filter-outcome");
    var status = document.getElementById("filter-status");
    var apply = function () {
      var needle = text.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var d = row.dataset;
        var ok = (!needle || d.search.indexOf(needle) !== -1) &&
          (!agent.value || d.agent === agent.value) &&
          (!difficulty.value || d.difficulty === difficulty.value) &&
          (!outcome.value || d.outcome === outcome.value);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " episodes";
    };
    [text, agent, difficulty, outcome].forEach(function (el) {
      el.addEventListener("input", apply);
      el.addEventListener("change", apply);
    });
    document.getElementById("filter-reset").addEventListener("click", function () {
      text.value = ""; agent.value = ""; difficulty.value = ""; outcome.value = "";
      apply();
    });
    apply();
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-tree]"), function (button) {
    button.addEventListener("click", function () {
      var tree = document.getElementById(button.dataset.tree);
      var open = button.dataset.action === "expand";
      Array.prototype.forEach.call(tree.querySelectorAll("details"), function (d) { d.open = open; });
    });
  });
}());
