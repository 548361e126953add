/* Back Spasm Guide: the "Check your symptoms" stepper. No dependencies.
 *
 * The page already holds every screen (macros/pages/triage_page.py draws them,
 * the first one shown) and every outcome's care card (#outcome-<id>, in "The
 * whole check on paper"). This script shows one screen at a time; the reader
 * ticks the signs they have; the result is computed from the rules in the
 * data-rules attribute of #triage-app exactly as macros.data.triage.Rules does
 * (the browser tests compare the two): the tier is the highest of each ticked
 * sign's urgency and each combination rule whose every line has a ticked sign,
 * so ticking more never lowers it. After a screen on which the reader reaches
 * emergency, the result shows at once.
 *
 * Answers live only in the URL fragment (#answers=0-2.5-0: per screen, the
 * ticked signs' numbers, 0 for none), so a result can be bookmarked, shared
 * and reloaded; nothing is stored or sent. Each screen adds a history entry,
 * so Back goes back one screen. Data text is only ever set with textContent.
 *
 * Why an attribute and not <script type="application/json">: were Material's
 * instant navigation turned on (mkdocs.yml leaves it off), it would re-create
 * every inline script of the new page as JavaScript, and a JSON island would
 * throw and stop document$.
 *
 * Test contract (keep): #triage-app; each screen has data-screen; each sign
 * data-finding; the result data-tier (and data-outcome-id). The buttons are
 * named Next, None of these, Back, Start again, Print summary.
 * window.bsgTriage.evaluate(findings) gives {tier, outcome, rule, because}.
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

  /* ---- the rules (macros/data/triage.py, Rules.evaluate and Rules.run) ---- */

  function evaluate(rules, findings) {
    var have = {}, best = null, bestRank = rules.tiers.length;
    findings.forEach(function (f) { have[f] = true; });
    var asked = [];
    rules.screens.forEach(function (s) { asked = asked.concat(s.findings); });
    rules.combinations.forEach(function (rule) {
      var fired = rule.lines.every(function (line) { return line.some(function (f) { return have[f]; }); });
      var rank = rules.tiers.indexOf(rule.at_least);
      if (fired && rank < bestRank) {
        var because = asked.filter(function (f) {
          return have[f] && rule.lines.some(function (line) { return line.indexOf(f) !== -1; });
        });
        best = { tier: rule.at_least, outcome: rule.outcome, rule: rule.id, because: because };
        bestRank = rank;
      }
    });
    var order = function (f) { var i = asked.indexOf(f); return i === -1 ? asked.length : i; };
    Object.keys(have).filter(function (f) { return rules.urgency[f]; }).sort(function (a, b) {
      return order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0);
    }).forEach(function (f) {
      var rank = rules.tiers.indexOf(rules.urgency[f]);
      if (rank < bestRank) {
        best = { tier: rules.urgency[f], outcome: rules.single[f] || rules.default, rule: "finding:" + f, because: [f] };
        bestRank = rank;
      }
    });
    return best || { tier: rules.tiers[rules.tiers.length - 1], outcome: rules.default, rule: "default", because: [] };
  }

  /* ticks: one list of finding ids per screen answered. Stops after the screen that reaches emergency. */
  function run(rules, ticks) {
    var told = [], result = null;
    for (var i = 0; i < ticks.length && i < rules.screens.length; i++) {
      told = told.concat(ticks[i]);
      result = evaluate(rules, told);
      if (result.tier === rules.tiers[0]) return { result: result, screens: i + 1, done: true };
    }
    return { result: ticks.length >= rules.screens.length ? evaluate(rules, told) : null, screens: Math.min(ticks.length, rules.screens.length),
             done: ticks.length >= rules.screens.length };
  }

  /* ---- the address ---- */

  function readTicks(rules) {
    var hash = window.location.hash;
    if (hash.indexOf(PREFIX) !== 0) return [];
    var parts = hash.slice(PREFIX.length).split("-").filter(function (p) { return p !== ""; });
    return parts.slice(0, rules.screens.length).map(function (part, i) {
      var list = rules.screens[i].findings;
      return part.split(".").map(Number).filter(function (n) { return n >= 1 && n <= list.length; })
        .map(function (n) { return list[n - 1]; });
    });
  }

  function encode(rules, ticks) {
    return ticks.map(function (list, i) {
      var nums = list.map(function (f) { return rules.screens[i].findings.indexOf(f) + 1; }).filter(function (n) { return n > 0; });
      return nums.length ? nums.sort(function (a, b) { return a - b; }).join(".") : "0";
    }).join("-");
  }

  function urlFor(rules, ticks) {
    return window.location.pathname + window.location.search + (ticks.length ? PREFIX + encode(rules, ticks) : "");
  }

  /* push: a new history entry (a screen answered); otherwise replace the current one.
   * The state stays null: Material's instant navigation, were it on, only
   * re-fetches when the path changes and leaves same-page entries alone. */
  function writeTicks(rules, ticks, push) {
    var url = urlFor(rules, ticks), hash = window.location.hash;
    if (url === window.location.pathname + window.location.search + hash) return;
    // No answers yet and another fragment (a table-of-contents link): leave it.
    if (!ticks.length && hash && hash.indexOf(PREFIX) !== 0) return;
    try {
      if (push) window.history.pushState(null, "", url);
      else window.history.replaceState(window.history.state, "", url);
    } catch (e) {
      window.location.hash = ticks.length ? PREFIX + encode(rules, ticks) : "";
    }
  }

  function today() {
    try {
      return new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
    } catch (e) {
      return new Date().toISOString().slice(0, 10);
    }
  }

  /* ---- the stepper ---- */

  function Stepper(app, rules) {
    this.app = app;
    this.rules = rules;
    this.ticks = [];
    this.forms = Array.prototype.slice.call(app.querySelectorAll("form[data-screen]"));
    this.slot = app.querySelector(".triage-result-slot");
    this.nav = app.querySelector(".triage-nav");
    this.status = app.querySelector("#triage-status");
    var self = this;
    this.forms.forEach(function (form, i) {
      var next = form.querySelector("button.triage-next"), none = form.querySelector("button.triage-none");
      var boxes = Array.prototype.slice.call(form.querySelectorAll("input[data-finding]"));
      var sync = function () {
        // "None of these" cannot drop a ticked sign: it is off while any sign is ticked.
        none.disabled = boxes.some(function (b) { return b.checked; });
      };
      boxes.forEach(function (b) { b.disabled = false; b.addEventListener("change", sync); });
      next.disabled = false;
      none.disabled = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        self.answer(i, boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
      });
      none.addEventListener("click", function () {
        if (!none.disabled) self.answer(i, []);
      });
      form.bsgSync = sync;
    });
  }

  Stepper.prototype.answer = function (index, ticked) {
    this.go(this.ticks.slice(0, index).concat([ticked]), { push: true, focus: true });
  };

  Stepper.prototype.go = function (ticks, options) {
    var state = run(this.rules, ticks);
    this.ticks = ticks.slice(0, state.screens);
    writeTicks(this.rules, this.ticks, options && options.push);
    this.render(state, options && options.focus);
  };

  // A sign's name is its tick box's words on the page (the same title the rules were written with).
  Stepper.prototype.name = function (fid) {
    var box = this.app.querySelector('input[data-finding="' + fid + '"]');
    return box ? box.parentNode.querySelector("span").textContent : fid;
  };

  /* The result is the outcome's care card from the paper checklist: a copy,
   * its headings one level up (here it sits under the page's h1), with why,
   * the reader's notes and every sign asked with the answer. */
  Stepper.prototype.result = function (state) {
    var self = this, rules = this.rules, result = state.result;
    var card = document.getElementById("outcome-" + result.outcome).cloneNode(true);
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
    var because = el("p", { "class": "triage-because" });
    because.appendChild(el("strong", {}, "Because you said: "));
    because.appendChild(document.createTextNode(result.because.length
      ? result.because.map(function (f) { return self.name(f); }).join("; ") + "."
      : "none of the warning signs."));
    heading.parentNode.insertBefore(because, heading.nextSibling);
    var told = [].concat.apply([], this.ticks);
    var call = card.querySelector(".triage-call");
    rules.notes.forEach(function (note) {
      if (told.indexOf(note.when) !== -1 && note.unless.indexOf(result.outcome) === -1) {
        call.parentNode.insertBefore(el("p", { "class": "triage-reader-note" }, note.text), call.nextSibling);
      }
    });
    var note = card.querySelector(".triage-note");
    card.insertBefore(el("h3", {}, "Your answers"), note);
    var summary = el("ul", { "class": "triage-summary" });
    this.ticks.forEach(function (ticked, i) {
      var screen = rules.screens[i];
      var li = el("li", {});
      li.appendChild(el("strong", {}, rules.labels[screen.id] + ": "));
      li.appendChild(document.createTextNode(screen.findings.map(function (f) {
        return self.name(f) + ": " + (ticked.indexOf(f) !== -1 ? "Yes" : "No");
      }).join("; ") + "."));
      summary.appendChild(li);
    });
    card.insertBefore(summary, note);
    var address = (rules.pageUrl || window.location.href.split("#")[0]) + PREFIX + encode(rules, this.ticks);
    var printed = el("p", { "class": "triage-printed" }, "Back Spasm Guide, checked on " + today() + ". To see this result again: ");
    printed.appendChild(el("a", { href: address }, address));
    card.appendChild(printed);
    var tier = card.querySelector(".care-card__tier").textContent;
    return { element: card, focus: heading, status: "Result: " + tier + ". " + heading.textContent + "." };
  };

  Stepper.prototype.render = function (state, moveFocus) {
    var self = this, view;
    while (this.slot.firstChild) this.slot.removeChild(this.slot.firstChild);
    this.forms.forEach(function (form) { form.hidden = true; });
    if (state.done) {
      view = this.result(state);
      this.slot.appendChild(view.element);
    } else {
      var index = this.ticks.length, form = this.forms[index];
      Array.prototype.forEach.call(form.querySelectorAll("input[data-finding]"), function (b) { b.checked = false; });
      form.bsgSync();
      form.hidden = false;
      view = { focus: form.querySelector(".triage-legend-text"),
               status: "Step " + (index + 1) + " of " + this.rules.screens.length + ": " + form.querySelector(".triage-legend-text").textContent };
    }
    while (this.nav.firstChild) this.nav.removeChild(this.nav.firstChild);
    if (this.ticks.length) {
      this.nav.appendChild(button("Back", "triage-back", function () { self.go(self.ticks.slice(0, -1), { push: true, focus: true }); }));
      this.nav.appendChild(button("Start again", "triage-restart", function () { self.go([], { push: true, focus: true }); }));
    }
    if (state.done) this.nav.appendChild(button("Print summary", "triage-print", printSummary));
    this.status.textContent = view.status;  // one live region; only its text changes
    this.app.setAttribute("data-ready", "true");
    if (moveFocus) {
      view.focus.focus({ preventScroll: true });
      // Keep the question (or result) in view below the sticky header.
      var top = this.app.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight * 0.4) this.app.scrollIntoView({ block: "start" });
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

  /* Printing the whole page prints the whole paper checklist, collapsed or not. */
  var reopen = [];
  window.addEventListener("beforeprint", function () {
    if (document.body.classList.contains("triage-printing")) return;
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
    var rules;
    try { rules = JSON.parse(app.getAttribute("data-rules")); } catch (e) { return; }
    window.bsgTriage = {
      evaluate: function (findings) { return evaluate(rules, findings); },
      run: function (ticks) { return run(rules, ticks); }
    };
    current = new Stepper(app, rules);
    var ticks = readTicks(rules);
    // With no answers in the address, start at the top with the first screen
    // in view, whatever scroll position the browser or theme restored.
    if (!window.location.hash) window.scrollTo(0, 0);
    if (!ticks.length) {
      current.status.textContent = "Step 1 of " + rules.screens.length + ": " + current.forms[0].querySelector(".triage-legend-text").textContent;
      app.setAttribute("data-ready", "true");
      return;
    }
    current.go(ticks, { push: false, focus: false });
  }

  /* Back/Forward between screens, or a fragment edited by hand, is followed.
   * Other fragments (a table-of-contents link) leave the stepper alone. */
  function onLocation() {
    if (!current || !document.body.contains(current.app)) return;
    var hash = window.location.hash;
    if (hash && hash.indexOf(PREFIX) !== 0) return;
    var ticks = readTicks(current.rules);
    if (encode(current.rules, ticks) !== encode(current.rules, current.ticks) || ticks.length !== current.ticks.length) {
      current.go(ticks, { push: false, focus: true });
    }
  }
  window.addEventListener("popstate", onLocation);
  window.addEventListener("hashchange", onLocation);

  window.bsgOnPage(init);  // from guide.js (extra_javascript, end of <body>), which runs before this deferred script
})();
