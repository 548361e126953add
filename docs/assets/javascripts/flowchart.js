/* Back Spasm Guide: the "Check your symptoms" stepper. No dependencies.
 *
 * Reads the decision tree from the data-tree attribute of #triage-app (built
 * from data/triage.yaml by macros/pages/triage_page.py, which also draws the
 * first question so it shows before this script runs) and shows one question
 * at a time; the result is a copy of the outcome's care card, which the page
 * already holds (#outcome-<id>). Answers live only in the URL fragment
 * (#answers=ynn...), so a result can be bookmarked, shared and reloaded;
 * nothing is stored or sent. Each answer adds a history entry, so the
 * browser's (or phone's) Back goes back one question. Data text is only ever
 * set with textContent.
 *
 * Why an attribute and not <script type="application/json">: Material's
 * instant navigation re-creates every inline script of the new page as
 * JavaScript, and a JSON island then throws and stops document$.
 *
 * Test hooks (keep): the question element has data-node-id, the outcome
 * data-tier; the buttons are named exactly Yes, No, Back, Start again.
 */
(function () {
  "use strict";

  var PREFIX = "#answers=";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  /* Links from the data are site-relative (built by macros/pages/text.py); refuse anything else. */
  function safeHref(url) {
    return /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(url) ? "#" : url;
  }

  function button(label, cls, onClick) {
    var b = el("button", { type: "button", "class": cls }, label);
    b.addEventListener("click", onClick);
    return b;
  }

  function readAnswers() {
    var hash = window.location.hash;
    if (hash.indexOf(PREFIX) !== 0) return [];
    return hash.slice(PREFIX.length).split("").filter(function (c) { return c === "y" || c === "n"; });
  }

  function urlFor(answers) {
    return window.location.pathname + window.location.search + (answers.length ? PREFIX + answers.join("") : "");
  }

  /* push: a new history entry (an answer); otherwise replace the current one.
   * The state stays null so that Material's instant navigation, which only
   * re-fetches when the path changes, leaves same-page entries alone. */
  function writeAnswers(answers, push) {
    var url = urlFor(answers), hash = window.location.hash;
    if (url === window.location.pathname + window.location.search + hash) return;
    // No answers yet and another fragment (a table-of-contents link): leave it.
    if (!answers.length && hash && hash.indexOf(PREFIX) !== 0) return;
    try {
      if (push) window.history.pushState(null, "", url);
      else window.history.replaceState(window.history.state, "", url);
    } catch (e) {
      window.location.hash = answers.length ? PREFIX + answers.join("") : "";
    }
  }

  /* Follow the answers from the start; stop early if they run out. */
  function follow(tree, answers) {
    var node = tree.start, path = [];
    for (var i = 0; i < answers.length && tree.nodes[node] && !tree.nodes[node].tier; i++) {
      path.push({ id: node, answer: answers[i] });
      node = answers[i] === "y" ? tree.nodes[node].yes : tree.nodes[node].no;
    }
    return { node: node, path: path };
  }

  function today() {
    try {
      return new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
    } catch (e) {
      return new Date().toISOString().slice(0, 10);
    }
  }

  function Stepper(app, tree) {
    this.app = app;
    this.tree = tree;
    this.answers = [];
  }

  Stepper.prototype.go = function (answers, options) {
    var state = follow(this.tree, answers);
    this.answers = state.path.map(function (p) { return p.answer; });
    writeAnswers(this.answers, options && options.push);
    this.render(state, options && options.focus);
  };

  Stepper.prototype.answer = function (value) {
    this.go(this.answers.concat([value]), { push: true, focus: true });
  };

  Stepper.prototype.question = function (state) {
    var self = this, node = this.tree.nodes[state.node];
    var number = state.path.length + 1;
    var fieldset = el("fieldset", { "data-node-id": state.node, "class": "triage-question" });
    var legend = el("legend", {});
    legend.appendChild(el("span", { "class": "triage-progress" }, "Question " + number + " of about " + (number - 1 + node.ahead)));
    var text = el("span", { tabindex: "-1", "class": "triage-legend-text" }, node.question);
    legend.appendChild(text);
    fieldset.appendChild(legend);
    if (node.help) fieldset.appendChild(el("p", { "class": "triage-help" }, node.help));
    if (node.findings.length > 1) {
      fieldset.appendChild(el("p", { "class": "triage-counts" }, "Answer Yes if any of these apply:"));
      var findings = el("ul", { "class": "triage-finding-list" });
      node.findings.forEach(function (f) {
        var li = el("li", {});
        li.appendChild(el("a", { href: safeHref(f.url), target: "_blank", rel: "noopener" }, f.name));
        findings.appendChild(li);
      });
      fieldset.appendChild(findings);
    }
    var row = el("div", { "class": "triage-buttons" });
    row.appendChild(button("Yes", "triage-yes", function () { self.answer("y"); }));
    row.appendChild(button("No", "triage-no", function () { self.answer("n"); }));
    fieldset.appendChild(row);
    return { element: fieldset, focus: text, status: "Question " + number + ": " + node.question };
  };

  /* The result is the outcome's care card, drawn at build time under "All the
   * questions at once" (macros/pages/triage_page.py, outcome_card): show a
   * copy, its headings one level up (here it sits under the page's h1), with
   * this reader's answers before its closing note and the address after it. */
  Stepper.prototype.result = function (state) {
    var card = document.getElementById("outcome-" + state.node).cloneNode(true);
    card.removeAttribute("id");
    card.classList.add("triage-result");
    card.setAttribute("aria-labelledby", "triage-result-title");
    Array.prototype.forEach.call(card.querySelectorAll("h3, h4"), function (h) {
      var up = el("h" + (Number(h.tagName.charAt(1)) - 1), {});
      while (h.firstChild) up.appendChild(h.firstChild);
      h.parentNode.replaceChild(up, h);
    });
    var heading = card.querySelector("h2");
    heading.id = "triage-result-title";
    heading.setAttribute("tabindex", "-1");
    var note = card.querySelector(".triage-note");
    card.insertBefore(el("h3", {}, "Your answers"), note);
    var summary = el("ol", { "class": "triage-summary" });
    state.path.forEach(function (step) {
      var li = el("li", {}, this.tree.nodes[step.id].question + " ");
      li.appendChild(el("strong", {}, step.answer === "y" ? "Yes" : "No"));
      summary.appendChild(li);
    }, this);
    card.insertBefore(summary, note);
    var address = (this.tree.pageUrl || window.location.href.split("#")[0]) + PREFIX + this.answers.join("");
    var printed = el("p", { "class": "triage-printed" }, "Back Spasm Guide, checked on " + today() + ". To see this result again: ");
    printed.appendChild(el("a", { href: address }, address));
    card.appendChild(printed);
    var tier = card.querySelector(".care-card__tier").textContent;
    return { element: card, focus: heading, status: "Result: " + tier + ". " + heading.textContent + "." };
  };

  /* The first question is already in the page (drawn at build time): keep
   * those elements and only wire the buttons, so nothing is repainted (the
   * largest paint stays the first one) and nothing moves. */
  Stepper.prototype.hydrate = function () {
    var self = this, app = this.app;
    var fieldset = app.querySelector("fieldset[data-node-id]");
    if (!fieldset || fieldset.getAttribute("data-node-id") !== this.tree.start) return false;
    var yes = fieldset.querySelector("button.triage-yes"), no = fieldset.querySelector("button.triage-no");
    if (!yes || !no) return false;
    yes.disabled = false;
    no.disabled = false;
    yes.addEventListener("click", function () { self.answer("y"); });
    no.addEventListener("click", function () { self.answer("n"); });
    this.answers = [];
    app.appendChild(el("div", { "class": "triage-buttons triage-nav" }));
    app.appendChild(el("p", { "class": "visually-hidden", role: "status", "aria-live": "polite", id: "triage-status" },
      "Question 1: " + this.tree.nodes[this.tree.start].question));
    app.setAttribute("data-ready", "true");
    return true;
  };

  Stepper.prototype.render = function (state, moveFocus) {
    var self = this, app = this.app, node = this.tree.nodes[state.node];
    var view = node.tier ? this.result(state) : this.question(state);
    while (app.firstChild) app.removeChild(app.firstChild);
    app.appendChild(view.element);
    var nav = el("div", { "class": "triage-buttons triage-nav" });
    if (state.path.length) {
      nav.appendChild(button("Back", "triage-back", function () { self.go(self.answers.slice(0, -1), { push: true, focus: true }); }));
      nav.appendChild(button("Start again", "triage-restart", function () { self.go([], { push: true, focus: true }); }));
    }
    if (node.tier) nav.appendChild(button("Print summary", "triage-print", printSummary));
    app.appendChild(nav);
    var status = el("p", { "class": "visually-hidden", role: "status", "aria-live": "polite", id: "triage-status" }, view.status);
    app.appendChild(status);
    app.setAttribute("data-ready", "true");
    if (moveFocus) {
      view.focus.focus({ preventScroll: true });
      // Keep the question (or result) in view below the sticky header.
      var top = app.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight * 0.4) app.scrollIntoView({ block: "start" });
    }
  };

  function printSummary() {
    document.body.classList.add("triage-printing");
    var done = function () {
      document.body.classList.remove("triage-printing");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  }

  /* Printing the whole page prints every question, collapsed or not. */
  var reopen = [];
  window.addEventListener("beforeprint", function () {
    reopen = Array.prototype.filter.call(document.querySelectorAll("details.triage-all"), function (d) { return !d.open; });
    reopen.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    reopen.forEach(function (d) { d.open = false; });
    reopen = [];
  });

  var current = null;

  function init() {
    var app = document.getElementById("triage-app");
    if (!app) { current = null; return; }
    if (app.getAttribute("data-ready") === "true") return;  // already running on this page
    var tree;
    try { tree = JSON.parse(app.getAttribute("data-tree")); } catch (e) { return; }
    current = new Stepper(app, tree);
    var answers = readAnswers();
    if (!answers.length && current.hydrate()) return;
    current.go(answers, { push: false, focus: false });
  }

  /* Back/Forward between answers, or a fragment edited by hand, is followed.
   * Other fragments (a table-of-contents link) leave the stepper alone. */
  function onLocation() {
    if (!current || !document.body.contains(current.app)) return;
    var hash = window.location.hash;
    if (hash && hash.indexOf(PREFIX) !== 0) return;
    var answers = readAnswers();
    if (answers.join("") !== current.answers.join("")) current.go(answers, { push: false, focus: true });
  }
  window.addEventListener("popstate", onLocation);
  window.addEventListener("hashchange", onLocation);

  window.bsgOnPage(init);  // from guide.js, loaded first (mkdocs.yml extra_javascript)
})();
