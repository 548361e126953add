/* Back Spasm Guide page behaviour on every page, no dependencies.
 * (The index pages' sortable tables: tables.js; the flowchart: flowchart.js.)
 * - Glossary terms (<abbr title="meaning">, the first mention on a page):
 *   hover shows the browser's own title; a tap or keyboard focus shows the
 *   meaning in one small box under the word (a phone shows no title). One
 *   listener for the page and one box, made when first needed: Material's
 *   content.tooltips set up a tooltip per term on load, which cost the cause
 *   pages most of their blocking time on a slow phone (issue 22).
 * - The search dialog gets an accessible name (axe: aria-dialog-name) where
 *   the theme gives it none (Material 9 does not; Zensical does).
 * Runs on every page load (and after an instant navigation, were it turned
 * on) and exposes that as window.bsgOnPage for flowchart.js.
 */
(function () {
  "use strict";

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
    hideTip();  // a new page (after an instant navigation, the old page's box would stay)
    Array.prototype.forEach.call(document.querySelectorAll(".md-content abbr[title]"), function (abbr) {
      if (!abbr.hasAttribute("tabindex")) abbr.setAttribute("tabindex", "0");
    });
    var dialog = document.querySelector('.md-search[role="dialog"]:not([aria-label])');
    if (dialog) dialog.setAttribute("aria-label", "Search the guide");
  }

  // onPage(fn): run fn on this page now, and again after each instant
  // navigation if it is turned on. On file:// Material's document$ never emits,
  // so do not rely on it alone. fn must be safe to run twice on one page.
  // Shared with flowchart.js and tables.js, which run after this file (deferred).
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
