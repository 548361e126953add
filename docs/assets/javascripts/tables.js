/* Back Spasm Guide: sortable, filterable index tables (.sortable-table), no dependencies.
 *
 * A filter box above each table and a sort button in each header, announced
 * with aria-sort. Badges sort by their data-rank (the vocabulary's order),
 * other cells by their text. Only the index pages hold such tables, and only
 * they load this file (mkdocs.yml extra.page_assets; issue 22: no page
 * downloads what it does not use). Deferred, it runs after guide.js, whose
 * window.bsgOnPage runs it on each page.
 */
(function () {
  "use strict";

  /* A cell's sort key: the data-rank of a badge in it (its vocabulary word's
   * place in data/schemas/vocabularies.schema.json, written by
   * macros/pages/render.py: 0 is the most urgent tier or strongest grade),
   * else its text. */
  function sortKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var ranked = cell.querySelector("[data-rank]");
    return ranked ? Number(ranked.getAttribute("data-rank")) : cell.textContent.trim().toLowerCase();
  }

  function compareKeys(x, y) {
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x).localeCompare(String(y), undefined, { numeric: true });
  }

  function makeSortable(wrapper, n) {
    var table = wrapper.querySelector("table");
    if (!table || table.dataset.bsgSortable) return;
    table.dataset.bsgSortable = "1";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var controls = document.createElement("div");
    controls.className = "sortable-table__controls";
    var id = "table-filter-" + n;
    controls.innerHTML = '<label for="' + id + '">Filter this table</label>' +
      '<input type="search" id="' + id + '" autocomplete="off">' +
      '<span class="sortable-table__count" role="status" aria-live="polite"></span>';
    wrapper.insertBefore(controls, wrapper.firstChild);
    var input = controls.querySelector("input");
    var count = controls.querySelector(".sortable-table__count");
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var match = !q || row.textContent.toLowerCase().indexOf(q) >= 0;
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = q ? shown + " of " + rows.length + " shown" : "";
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var c = compareKeys(sortKey(a, index), sortKey(b, index));
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".sortable-table"), makeSortable);
  }

  window.bsgOnPage(init);
})();
