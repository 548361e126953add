/* Back Spasm Guide page behaviour, no dependencies.
 * - Sortable, filterable index tables (.sortable-table): a filter box and a
 *   sort button in each header, announced with aria-sort. Badges sort by
 *   their data-rank (the vocabulary's order), other cells by their text.
 * - Glossary terms (<abbr title="meaning">, the first mention on a page):
 *   hover shows the browser's own title; a tap or keyboard focus shows the
 *   meaning in one small box under the word (a phone shows no title). One
 *   listener for the page and one box, made when first needed: Material's
 *   content.tooltips set up a tooltip per term on load, which cost the cause
 *   pages most of their blocking time on a slow phone (issue 22).
 * - The search dialog gets an accessible name (axe: aria-dialog-name) where
 *   the theme gives it none (Material 9 does not; Zensical does).
 * Runs on every page load, including Material's instant navigation, and
 * exposes that as window.bsgOnPage for flowchart.js.
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

  var tip = null;

  function showTip(abbr) {
    if (!tip) {
      tip = document.createElement("span");
      tip.className = "bsg-tip";
      tip.setAttribute("aria-hidden", "true");  // the same words are the term's title, which screen readers read
      document.body.appendChild(tip);
    }
    tip.textContent = abbr.getAttribute("title");
    tip.hidden = false;
    var word = abbr.getBoundingClientRect();
    var page = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(word.left, page - tip.offsetWidth - 8));
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (word.bottom + window.scrollY + 6) + "px";
  }

  function hideTip() {
    if (tip) tip.hidden = true;
  }

  function term(node) {
    return node && node.closest ? node.closest(".md-content abbr[title]") : null;
  }

  document.addEventListener("focusin", function (e) { var abbr = term(e.target); if (abbr) showTip(abbr); });
  document.addEventListener("focusout", function (e) { if (term(e.target)) hideTip(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hideTip(); });

  function init() {
    hideTip();  // a new page (instant navigation)
    Array.prototype.forEach.call(document.querySelectorAll(".sortable-table"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll(".md-content abbr[title]"), function (abbr) {
      if (!abbr.hasAttribute("tabindex")) abbr.setAttribute("tabindex", "0");
    });
    var dialog = document.querySelector('.md-search[role="dialog"]:not([aria-label])');
    if (dialog) dialog.setAttribute("aria-label", "Search the guide");
  }

  // onPage(fn): run fn on this page now, and again after each instant
  // navigation. On file:// (offline build) Material's document$ never emits,
  // so do not rely on it alone. fn must be safe to run twice on one page.
  // Shared with flowchart.js, which is loaded after this file.
  function onPage(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(fn);
    }
  }
  window.bsgOnPage = onPage;
  onPage(init);
})();
