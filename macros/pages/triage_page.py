"""The flowchart page, from data/triage.yaml: the stepper, the paper checklist, the overview.

* ``stepper``: the app (docs/assets/javascripts/flowchart.js) with every
  screen already drawn (only the first shown; each sign a checkbox with its
  explanation opening in place) and the rules as JSON in its ``data-rules``
  attribute. The script computes the tier with the same rules as
  ``macros.data.triage.Rules`` (the browser tests hold the two together) and
  only ever sets textContent from the data.
  Test contract (keep): ``#triage-app``; each screen ``data-screen``; each
  sign ``data-finding``; the outcome ``data-tier``.
* ``checklist``: the same screens on paper, "if you ticked any of these, do
  this", and every outcome as a care card (``outcome_card``); collapsed by
  default, complete without JavaScript and in print. The stepper's result is
  a copy of one of these cards.
* ``overview``: an SVG of the screens and where they lead.

These write raw HTML (MkDocs does not rewrite links inside it), so links are
computed with ``macros.pages.text.href`` for the build's URL style. Markup is
built only with ``macros.pages.text.Html``, which escapes every piece of data
text for HTML and Markdown alike.
"""

from __future__ import annotations

import json

from ..data import vocab
from ..data.model import Dataset
from ..data.triage import compile_rules
from .render import EMERGENCY_PAGE, care_box, emergency_numbers_html, src
from .text import Html, attr, clean, clean_data, href, page_url


def _name(ds: Dataset, fid: str) -> str:
    return ds.finding(fid).title


def rules_json(ds: Dataset, page: str, dirs: bool, site_url: str = "") -> dict:
    """What flowchart.js needs to compute a result: the same rules as ``macros.data.triage.Rules``."""
    rules, tree = compile_rules(ds), ds.triage
    return {
        "screens": [{"id": sid, "findings": list(found)} for sid, found in rules.screens],
        "tiers": list(vocab.tiers().ids),  # most urgent first
        "urgency": dict(sorted(rules.urgency.items())),
        "single": dict(sorted(rules.single_outcome.items())),
        "combinations": [{"id": c.id, "lines": [sorted(line) for line in c.lines], "at_least": c.at_least, "outcome": c.outcome}
                         for c in rules.combinations],
        "default": rules.default,
        "labels": {s["id"]: s["label"] for s in tree["screens"]},
        "notes": [{"when": n["when"], "unless": n.get("unless", []), "text": n["text"]} for n in tree.get("notes", [])],
        # The printed summary names the page it came from; without a site_url the page's own address is used.
        "pageUrl": (site_url.rstrip("/") + "/" + page_url(page, dirs)) if site_url else "",
    }


def rules_attribute(data: dict) -> Html:
    """The rules as JSON in an HTML attribute value (strings cleaned, escaped for a double-quoted attribute).

    An attribute, not a <script type="application/json"> island: were Material's
    instant navigation turned on, it would re-create every inline <script> of the
    page it arrives at as JavaScript, and a JSON island would throw and stop document$.
    """
    return attr(json.dumps(clean_data(data), ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _sign(ds: Dataset, screen: str, fid: str) -> Html:
    """One sign to tick, with what it means opening in place."""
    rec = ds.finding(fid)
    return Html('<li class="triage-sign"><label><input type="checkbox" name="{0}" value="{1}" data-finding="{1}" disabled> '
                '<span>{2}</span></label><details class="triage-explain"><summary>What this means</summary>'
                '<p>{3}</p></details></li>').format(screen, fid, rec.title, clean(rec.get("description") or ""))


def screen_html(ds: Dataset, index: int) -> Html:
    """One screen of the stepper: the question, the signs to tick, Next and None of these."""
    screen = ds.triage["screens"][index]
    total = len(ds.triage["screens"])
    helptext = Html('<p class="triage-help">{}</p>').format(screen["help"]) if screen.get("help") else Html()
    signs = Html().join(_sign(ds, screen["id"], fid) for fid in screen["findings"])
    return Html('<form class="triage-screen" data-screen="{0}"{1}><fieldset><legend>'
                '<span class="triage-progress">Step {2} of {3}</span>'
                '<span tabindex="-1" class="triage-legend-text">{4}</span></legend>{5}'
                '<p class="triage-counts">Tick any that apply.</p><ul class="triage-signs">{6}</ul>'
                '<div class="triage-buttons"><button type="submit" class="triage-next" disabled>Next</button>'
                '<button type="button" class="triage-none" disabled>None of these</button></div></fieldset></form>').format(
        screen["id"], Html("") if index == 0 else Html(" hidden"), index + 1, total, screen["question"], helptext, signs)


def stepper(ds: Dataset, page: str, dirs: bool, site_url: str = "") -> Html:
    """The stepper: every screen drawn (the first shown, so nothing shifts), the rules in data-rules. Its
    stylesheet and script (flowchart.css, flowchart.js) come in <head> on the page that holds #triage-app
    (mkdocs.yml extra.page_assets)."""
    data = rules_json(ds, page, dirs, site_url)
    screens = Html().join(screen_html(ds, i) for i in range(len(ds.triage["screens"])))
    return Html(
        '<div class="triage-stepper" id="triage-app" data-ready="false" data-rules="{}">{}'
        '<div class="triage-result-slot"></div><div class="triage-buttons triage-nav"></div>'
        '<p class="visually-hidden" role="status" aria-live="polite" id="triage-status"></p></div>\n'
        '<noscript><p class="triage-loading">The step-by-step check needs JavaScript. Without it, open '
        '"The whole check on paper" below and go through it screen by screen.</p></noscript>\n'
    ).format(rules_attribute(data), screens)


def outcome_card(ds: Dataset, name: str, page: str, dirs: bool, level: int = 3) -> Html:
    """One outcome as a care card (``render.care_box``, raw HTML), with id ``outcome-<name>``.

    Drawn once per outcome in the paper checklist (``checklist``), where its
    headings are h3 and h4 (``level``). The stepper's result is a copy of this
    card: flowchart.js moves its headings one level up (it sits under the
    page's h1) and adds "because you said", the reader's notes and answers.
    Self-care and soon cards end with the emergency signs in words (``safety_net``).
    """
    tree = ds.triage
    node = tree["outcomes"][name]
    tier = node["tier"]
    heading, subheading = Html("h{}").format(level), Html("h{}").format(level + 1)
    content = [Html("<{0}>{1}</{0}>").format(heading, node["title"]), Html("<p>{}</p>").format(node["advice"])]
    if node.get("watch_for"):
        content.append(Html('<p class="triage-watch">{}</p>').format(node["watch_for"]))
    if vocab.tiers().rank(tier) >= vocab.tiers().rank("soon"):
        content.append(Html('<p class="triage-safety-net"><strong>{}</strong></p>').format(tree["safety_net"]))
    # The call line and the closing note are the same on every card: kept out of the search index.
    content.append(Html('<p class="triage-call" data-search-exclude><strong>Emergency numbers:</strong> '
                        '<span class="triage-numbers">{}</span>. <a href="{}">All emergency signs</a></p>').format(
        emergency_numbers_html(), href(page, EMERGENCY_PAGE, dirs)))
    if node["causes"]:
        causes = Html().join(Html('<li><a href="{}">{}</a></li>').format(href(page, src("causes", c), dirs), ds.get("causes", c).title)
                             for c in node["causes"])
        content.append(Html("<{0}>Possibly related, to read about (not a diagnosis)</{0}><ul>{1}</ul>").format(subheading, causes))
    content.append(Html('<p class="triage-note" data-search-exclude>This is not a diagnosis. If you are worried, get help: '
                        "when in doubt, treat it as more urgent, not less.</p>"))
    return care_box(tier, content, markdown=False, action=False, element="section", classes="triage-outcome",
                    attrs={"id": "outcome-" + name, "data-outcome-id": name})


def _go(ds: Dataset, outcome: str) -> Html:
    node = ds.triage["outcomes"][outcome]
    return Html('<a href="#outcome-{}">{}: {}</a>').format(outcome, vocab.tiers().title(node["tier"]), node["title"])


def checklist(ds: Dataset, page: str, dirs: bool) -> Html:
    """The whole check on paper: screen by screen, "if you ticked any of these, do this", then every outcome.

    Readable and printable without JavaScript: each screen's signs grouped by
    the outcome each calls for alone, the rules that need two or more signs
    together, the notes, and every outcome card, most urgent first.
    """
    rules, tree, tiers = compile_rules(ds), ds.triage, vocab.tiers()
    sections = []
    for number, screen in enumerate(tree["screens"], start=1):
        by_outcome: dict[str, list[str]] = {}
        plain = []
        for fid in screen["findings"]:
            if fid in rules.urgency:
                by_outcome.setdefault(rules.single_outcome[fid], []).append(fid)
            else:
                plain.append(fid)
        rows = [Html("<li>{}: <strong>{}</strong></li>").format(Html(", ").join(Html("{}").format(_name(ds, f)) for f in fids), _go(ds, oid))
                for oid, fids in sorted(by_outcome.items(), key=lambda kv: tiers.rank(tree["outcomes"][kv[0]]["tier"]))]
        if plain:
            rows.append(Html("<li>{}: only together with other signs (see below)</li>").format(
                Html(", ").join(Html("{}").format(_name(ds, f)) for f in plain)))
        sections.append(Html('<li class="triage-paper-screen" data-paper-screen="{}"><p><strong>Step {}. {}</strong></p>'
                             '<p>If you have any of these, do what it says (the most urgent line that applies):</p><ul>{}</ul></li>').format(
            screen["id"], number, screen["question"], Html().join(rows)))
    combos = sorted(tree["combinations"], key=lambda c: tiers.rank(c["at_least"]))
    together = Html().join(
        Html("<li>{}: <strong>{}</strong></li>").format(
            Html(" <em>and</em> ").join(Html("({})").format(Html(" or ").join(Html("{}").format(_name(ds, f)) for f in line))
                                        for line in c["together"]), _go(ds, c["outcome"]))
        for c in combos if tiers.rank(c["at_least"]) < tiers.rank(tree["outcomes"][rules.default]["tier"]))
    notes = Html().join(Html("<li>{}: {}</li>").format(_name(ds, n["when"]), n["text"]) for n in tree.get("notes", []))
    order = sorted(tree["outcomes"], key=lambda n: tiers.rank(tree["outcomes"][n]["tier"]))
    cards = Html().join(outcome_card(ds, name, page, dirs) for name in order)
    return Html(
        '<details class="triage-all"><summary>The whole check on paper</summary><div class="triage-tree">'
        '<p>Go through every step and note each line that applies to you. Do what the <strong>most urgent</strong> '
        'of those lines says. If none applies: {}.</p>'
        '<ol class="triage-paper">{}</ol>'
        '<p><strong>Signs that count only together</strong> (each bracket is one sign from a list):</p><ul class="triage-paper-together">{}</ul>'
        '<p><strong>Notes</strong></p><ul>{}</ul>'
        '<p><strong>Where the answers lead</strong>, most urgent first:</p>{}</div></details>\n').format(
        _go(ds, rules.default), Html().join(sections), together, notes, cards)


def overview(ds: Dataset, page: str, dirs: bool) -> Html:
    """An SVG overview: the screens down the page; a tick on each leads right, to the care levels it can reach."""
    rules, tree, tiers = compile_rules(ds), ds.triage, vocab.tiers()
    row_h, box_w, box_h, gap = 46, 220, 34, 40
    boxes, lines = [], []

    def short(text: str) -> str:
        return text if len(text) <= 32 else text[:30] + "…"

    for row, screen in enumerate(tree["screens"]):
        y = row * row_h
        boxes.append(Html('<g class="q-box" data-screen-box="{}"><rect x="0" y="{}" width="{}" height="{}" rx="6"/>'
                          '<text x="8" y="{}">{}</text></g>').format(
            screen["id"], y, box_w, box_h, y + 22, f"{row + 1}. " + short(screen["label"])))
        reached = sorted({rules.urgency[f] for f in screen["findings"] if f in rules.urgency}, key=tiers.rank)
        if reached:
            label = " or ".join(tiers.title(t) for t in reached[:2]) + ("…" if len(reached) > 2 else "")
            x = box_w + gap
            boxes.append(Html('<g class="tier-box tier-box--{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6"/>'
                              '<text x="{}" y="{}">{}</text></g>').format(reached[0], x, y, box_w, box_h, x + 8, y + 22, short(label)))
            lines.append(Html('<path d="M{} {} H{}" class="edge"/><text x="{}" y="{}" class="edge-label">Ticked</text>').format(
                box_w, y + box_h / 2, x, box_w + 4, y + box_h / 2 - 3))
        lines.append(Html('<path d="M20 {} V{}" class="edge"/><text x="24" y="{}" class="edge-label">Next</text>').format(
            y + box_h, y + row_h, y + box_h + 10))
    y = len(tree["screens"]) * row_h
    boxes.append(Html('<g class="tier-box tier-box--{}"><rect x="0" y="{}" width="{}" height="{}" rx="6"/>'
                      '<text x="8" y="{}">{}</text></g>').format(
        "self-care", y, box_w, box_h, y + 22, "The most urgent of all you ticked"))
    width, height = 2 * box_w + gap, y + box_h
    return Html(
        '<figure class="triage-overview"><svg viewBox="-4 -4 {} {}" role="img" aria-labelledby="tov-t tov-d">'
        '<title id="tov-t">Overview of the step-by-step check</title>'
        '<desc id="tov-d">{} steps down the page, emergency signs first. A sign ticked on a step can call for the care '
        'levels shown on its right; an emergency sign ends the check at once. The result is the most urgent level '
        'any sign or combination of signs calls for.</desc>'
        '{}{}</svg><figcaption>Emergency signs come first. The result is the most urgent level that any of your answers '
        'calls for, so telling more never lowers it.</figcaption></figure>\n'
    ).format(width + 8, height + 8, len(tree["screens"]), Html().join(lines), Html().join(boxes))
