/* Back Spasm Guide: the "Check your symptoms" stepper. No dependencies.
 *
 * Reads the decision tree from the JSON island #triage-data (built from
 * data/triage.yaml by macros/triage_page.py) and shows one question at a
 * time in #triage-app. Answers live only in the URL fragment
 * (#answers=ynn...), so a result can be bookmarked, shared and reloaded;
 * nothing is stored or sent. Data text is only ever set with textContent.
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

  function writeAnswers(answers) {
    var url = window.location.pathname + window.location.search + (answers.length ? PREFIX + answers.join("") : "");
    try { window.history.replaceState(window.history.state, "", url); } catch (e) { window.location.hash = answers.length ? PREFIX + answers.join("") : ""; }
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

  function Stepper(app, tree) {
    this.app = app;
    this.tree = tree;
    this.answers = [];
  }

  Stepper.prototype.go = function (answers, moveFocus) {
    var state = follow(this.tree, answers);
    this.answers = state.path.map(function (p) { return p.answer; });
    writeAnswers(this.answers);
    this.render(state, moveFocus);
  };

  Stepper.prototype.answer = function (value) {
    this.go(this.answers.concat([value]), true);
  };

  Stepper.prototype.render = function (state, moveFocus) {
    var self = this, tree = this.tree, node = tree.nodes[state.node];
    var app = this.app;
    while (app.firstChild) app.removeChild(app.firstChild);
    var status = el("p", { "class": "visually-hidden", role: "status", "aria-live": "polite", id: "triage-status" });
    var focusTarget;
    if (node.tier) {
      var tier = tree.tiers[node.tier];
      var card = el("section", { "class": "triage-result care-card care-card--" + node.tier, "data-tier": node.tier, "aria-labelledby": "triage-result-title" });
      card.appendChild(el("p", { "class": "care-card__tier" }, tier.title + ": " + tier.action));
      focusTarget = el("h2", { id: "triage-result-title", tabindex: "-1" }, node.title);
      card.appendChild(focusTarget);
      card.appendChild(el("p", {}, node.advice));
      if (node.watchFor) {
        var watch = el("p", {});
        watch.appendChild(el("strong", {}, "Get help faster if: "));
        watch.appendChild(document.createTextNode(node.watchFor));
        card.appendChild(watch);
      }
      var call = el("p", { "class": "triage-call" });
      call.appendChild(el("strong", {}, node.tier === "emergency" ? "Call your local emergency number now: " : "If things get worse, call your local emergency number: "));
      call.appendChild(document.createTextNode(tree.emergencyNumbers + ". "));
      var signs = el("a", { href: tree.emergencyUrl }, "Emergency signs");
      call.appendChild(signs);
      card.appendChild(call);
      if (node.causes.length) {
        card.appendChild(el("h3", {}, "Possibly related, to read about (not a diagnosis)"));
        var list = el("ul", {});
        node.causes.forEach(function (c) {
          var li = el("li", {});
          li.appendChild(el("a", { href: c.url }, c.name));
          list.appendChild(li);
        });
        card.appendChild(list);
      }
      card.appendChild(el("h3", {}, "Your answers"));
      var summary = el("ol", { "class": "triage-summary" });
      state.path.forEach(function (step) {
        var li = el("li", {}, tree.nodes[step.id].question + " ");
        li.appendChild(el("strong", {}, step.answer === "y" ? "Yes" : "No"));
        summary.appendChild(li);
      });
      card.appendChild(summary);
      card.appendChild(el("p", { "class": "triage-note" }, "This is not a diagnosis. If you are worried, get help: when in doubt, treat it as more urgent, not less."));
      app.appendChild(card);
      status.textContent = "Result: " + tier.title + ". " + node.title + ".";
    } else {
      var number = state.path.length + 1;
      var fieldset = el("fieldset", { "data-node-id": state.node, "class": "triage-question" });
      var legend = el("legend", {});
      focusTarget = el("span", { tabindex: "-1", "class": "triage-legend-text" }, node.question);
      legend.appendChild(el("span", { "class": "visually-hidden" }, "Question " + number + ": "));
      legend.appendChild(focusTarget);
      fieldset.appendChild(legend);
      if (node.help) fieldset.appendChild(el("p", { "class": "triage-help" }, node.help));
      fieldset.appendChild(el("p", { "class": "triage-counts" }, "Answer Yes if you have any of these:"));
      var findings = el("ul", { "class": "triage-finding-list" });
      node.findings.forEach(function (f) {
        var li = el("li", {});
        li.appendChild(el("a", { href: f.url, target: "_blank", rel: "noopener" }, f.name));
        findings.appendChild(li);
      });
      fieldset.appendChild(findings);
      var row = el("div", { "class": "triage-buttons" });
      row.appendChild(button("Yes", "triage-yes", function () { self.answer("y"); }));
      row.appendChild(button("No", "triage-no", function () { self.answer("n"); }));
      fieldset.appendChild(row);
      app.appendChild(fieldset);
      status.textContent = "Question " + number + ": " + node.question;
    }
    var nav = el("div", { "class": "triage-buttons triage-nav" });
    if (state.path.length) {
      nav.appendChild(button("Back", "triage-back", function () { self.go(self.answers.slice(0, -1), true); }));
      nav.appendChild(button("Start again", "triage-restart", function () { self.go([], true); }));
    }
    if (node.tier) {
      nav.appendChild(button("Print summary", "triage-print", function () { printSummary(); }));
    }
    app.appendChild(nav);
    app.appendChild(status);
    app.setAttribute("data-ready", "true");
    if (moveFocus && focusTarget) focusTarget.focus();
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

  var current = null;

  function init() {
    var app = document.getElementById("triage-app");
    var data = document.getElementById("triage-data");
    if (!app || !data) { current = null; return; }
    if (app.getAttribute("data-ready") === "true") return;  // already running on this page
    var tree;
    try { tree = JSON.parse(data.textContent); } catch (e) { return; }
    current = new Stepper(app, tree);
    current.go(readAnswers(), false);
  }

  // A changed fragment (edited by hand, or the browser's back button) is followed.
  window.addEventListener("hashchange", function () {
    if (current && window.location.hash.indexOf(PREFIX) === 0) current.go(readAnswers(), true);
  });

  window.bsgOnPage(init);  // from guide.js, loaded first (mkdocs.yml extra_javascript)
})();
