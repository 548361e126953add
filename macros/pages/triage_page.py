"""The flowchart page, from data/triage.yaml: stepper data, no-JS steps, overview diagram.

* ``stepper``: the container the JavaScript stepper (docs/assets/javascripts/
  flowchart.js) fills, with the first question already drawn and the tree as
  JSON in its ``data-tree`` attribute (questions and their links; an outcome
  is only its tier), every link already resolved. The script only ever sets
  textContent from it.
* ``steps``: every question and outcome once, as numbered "If yes, go to
  question N" steps (a paper flowchart), readable and printable without
  JavaScript. Each outcome is a care card (``outcome_card``, built in
  ``render.care_box`` like the record pages' cards); the stepper shows a copy
  of it as its result, so the page must hold both.
* ``overview``: an SVG diagram of the if_no spine drawn at build time.
* ``combinations_list``: the combination rules of one tier, for the emergency page.

These write raw HTML (MkDocs does not rewrite links inside it), so links are
computed with ``macros.pages.text.href`` for the build's URL style. Markup is built
only with ``macros.pages.text.Html`` (``Html(...).format(data)``), which escapes
every piece of data text for HTML and Markdown alike.
"""

from __future__ import annotations

import json

from ..data import vocab
from ..data.model import Dataset
from ..data.triage import is_outcome, nodes, walk
from .render import EMERGENCY_PAGE, care_box, emergency_numbers_html, src
from .text import Html, attr, clean_data, href, page_url


def _finding_link(ds: Dataset, fid: str, page: str, dirs: bool) -> dict:
    rec = ds.finding(fid)
    return {"id": fid, "name": rec.title, "url": str(href(page, src(rec.kind, fid), dirs))}


def questions_ahead(graph: dict, name: str) -> int:
    """Questions left if the reader answers No from here on (this one included)."""
    count = 0
    while not is_outcome(graph[name]):
        count += 1
        name = graph[name]["if_no"]
    return count


def tree_json(ds: Dataset, page: str, dirs: bool, site_url: str = "") -> dict:
    tree = ds.triage
    graph = nodes(tree)
    out: dict = {"start": tree["start"], "nodes": {},
                 # The printed summary names the page it came from; without a site_url the page's own address is used.
                 "pageUrl": (site_url.rstrip("/") + "/" + page_url(page, dirs)) if site_url else ""}
    for name, node in graph.items():
        if is_outcome(node):
            # The result itself is the outcome's care card, already in the page (outcome_card).
            out["nodes"][name] = {"tier": node["tier"]}
        else:
            out["nodes"][name] = {
                "question": node["question"], "help": node.get("help", ""), "yes": node["if_yes"], "no": node["if_no"],
                "ahead": questions_ahead(graph, name),
                "findings": [_finding_link(ds, f, page, dirs) for f in node["any_of"]],
            }
    return out


def tree_attribute(data: dict) -> Html:
    """The tree as JSON in an HTML attribute value (strings cleaned, escaped for a double-quoted attribute).

    An attribute, not a <script type="application/json"> island: Material's
    instant navigation re-creates every inline <script> in the new page as
    JavaScript, so a JSON island throws a SyntaxError and stops document$.
    """
    return attr(json.dumps(clean_data(data), ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def question_html(tree: dict, name: str, number: int) -> Html:
    """One question as the stepper draws it (flowchart.js builds the same markup)."""
    node = tree["nodes"][name]
    about = number - 1 + node["ahead"]
    helptext = Html('<p class="triage-help">{}</p>').format(node["help"]) if node["help"] else Html()
    checklist = Html()
    if len(node["findings"]) > 1:
        items = Html().join(Html('<li><a href="{}" target="_blank" rel="noopener">{}</a></li>').format(f["url"], f["name"])
                            for f in node["findings"])
        checklist = Html('<p class="triage-counts">Answer Yes if any of these apply:</p><ul class="triage-finding-list">{}</ul>').format(items)
    return Html('<fieldset data-node-id="{}" class="triage-question"><legend>'
                '<span class="triage-progress">Question {} of about {}</span>'
                '<span tabindex="-1" class="triage-legend-text">{}</span></legend>'
                '{}{}<div class="triage-buttons">'
                '<button type="button" class="triage-yes" disabled>Yes</button>'
                '<button type="button" class="triage-no" disabled>No</button></div></fieldset>').format(
        name, number, about, node["question"], helptext, checklist)


def stepper(ds: Dataset, page: str, dirs: bool, site_url: str = "") -> Html:
    """The stepper: the first question already drawn (no layout shift), the tree in data-tree."""
    data = tree_json(ds, page, dirs, site_url)
    return Html(
        '<div class="triage-stepper" id="triage-app" data-ready="false" data-tree="{}">{}</div>\n'
        '<noscript><p class="triage-loading">The step-by-step check needs JavaScript. Without it, open '
        '"All the questions at once" below: start at question 1 and follow "If yes" or "If no".</p></noscript>\n'
    ).format(tree_attribute(data), question_html(data, data["start"], 1))


def combinations_list(ds: Dataset, tier: str) -> Html:
    """The flowchart's combination rules at exactly this tier, as a plain list (their `why`)."""
    rules = [r for r in ds.triage.get("combinations", []) if r["at_least"] == tier]
    if not rules:
        return Html()
    items = Html().join(Html("<li>{}</li>").format(r["why"]) for r in rules)
    return Html('<ul class="triage-combinations">{}</ul>\n').format(items)


def no_warning_spine(tree: dict) -> list[str]:
    """The questions a reader with no finding answers, in order (the if_no spine)."""
    return [step.node for step in walk(tree, set()).steps]


def step_order(tree: dict) -> list[str]:
    """Questions in reading order: the if_no spine first, then each Yes branch's follow-ups."""
    graph = nodes(tree)
    spine = no_warning_spine(tree)
    order, seen = list(spine), set(spine)

    def visit(name: str) -> None:
        if name in seen or is_outcome(graph[name]):
            return
        seen.add(name)
        order.append(name)
        visit(graph[name]["if_yes"])
        visit(graph[name]["if_no"])

    for name in spine:
        visit(graph[name]["if_yes"])
    return order


def outcome_card(ds: Dataset, name: str, page: str, dirs: bool, level: int = 3) -> Html:
    """One outcome as a care card (``render.care_box``, raw HTML), with id ``outcome-<name>``.

    Drawn once per outcome under "All the questions at once" (``steps``), where
    its headings are h3 and h4 (``level``). The stepper's result is a copy of
    this card: flowchart.js moves its headings one level up (it sits under the
    page's h1), names it by its heading and adds the reader's answers before
    the closing note and the address to come back to after it.
    """
    node = nodes(ds.triage)[name]
    tier = node["tier"]
    heading, subheading = Html("h{}").format(level), Html("h{}").format(level + 1)
    lead = "Emergency numbers (tap to call):" if tier == "emergency" else "If things get worse, emergency numbers:"
    content = [Html("<{0}>{1}</{0}>").format(heading, node["title"]), Html("<p>{}</p>").format(node["advice"])]
    if node.get("watch_for"):
        content.append(Html("<p><strong>Get help faster if:</strong> {}</p>").format(node["watch_for"]))
    # The call line and the closing note are the same on every card: kept out of the search index.
    content.append(Html('<p class="triage-call" data-search-exclude><strong>{}</strong> <span class="triage-numbers">{}</span>. '
                        '<a href="{}">All emergency signs</a></p>').format(lead, emergency_numbers_html(), href(page, EMERGENCY_PAGE, dirs)))
    if node["causes"]:
        causes = Html().join(Html('<li><a href="{}">{}</a></li>').format(href(page, src("causes", c), dirs), ds.get("causes", c).title)
                             for c in node["causes"])
        content.append(Html("<{0}>Possibly related, to read about (not a diagnosis)</{0}><ul>{1}</ul>").format(subheading, causes))
    content.append(Html('<p class="triage-note" data-search-exclude>This is not a diagnosis. If you are worried, get help: '
                        "when in doubt, treat it as more urgent, not less.</p>"))
    return care_box(tier, content, markdown=False, action=False, element="section", classes="triage-outcome",
                    attrs={"id": "outcome-" + name, "data-outcome-id": name})


def steps(ds: Dataset, page: str, dirs: bool) -> Html:
    """The whole tree as numbered steps, each written once: "If yes, go to 12" (a paper flowchart).

    Readable and printable without JavaScript; every question and every
    outcome appears exactly once, so the list grows with the tree, not with
    the number of paths.
    """
    tree = ds.triage
    graph = nodes(tree)
    tiers = vocab.tiers()
    order = step_order(tree)
    number = {name: i for i, name in enumerate(order, start=1)}
    outcomes = sorted((name for name in graph if is_outcome(graph[name])), key=lambda n: tiers.rank(graph[n]["tier"]))

    def target(name: str) -> Html:
        node = graph[name]
        if is_outcome(node):
            return Html('<a href="#outcome-{}">{}: {}</a>').format(name, tiers.title(node["tier"]), node["title"])
        return Html('<a href="#step-{}">go to question {}</a>').format(name, number[name])

    items = []
    for name in order:
        node = graph[name]
        findings = Html(", ").join(Html('<a href="{}">{}</a>').format(f["url"], f["name"])
                                   for f in (_finding_link(ds, fid, page, dirs) for fid in node["any_of"]))
        helptext = Html('<p class="triage-help">{}</p>').format(node["help"]) if node.get("help") else Html()
        items.append(Html('<li id="step-{0}" class="triage-q" data-step-id="{0}"><p><strong>{1}</strong></p>{2}'
                          '<p class="triage-findings">Yes if you have any of: {3}</p>'
                          '<p class="triage-branch"><strong>If yes:</strong> {4}. <strong>If no:</strong> {5}.</p></li>').format(
            name, node["question"], helptext, findings, target(node["if_yes"]), target(node["if_no"])))

    cards = [outcome_card(ds, name, page, dirs) for name in outcomes]

    # Collapsed by default (it is long on a phone); complete without JavaScript,
    # and opened for printing by flowchart.js and by the print stylesheet.
    return Html('<details class="triage-all"><summary>Show every question and answer</summary><div class="triage-tree">'
                '<ol class="triage-steps-list">{}</ol>'
                '<p><strong>Where the answers lead</strong>, most urgent first:</p>{}</div></details>\n').format(
        Html().join(items), Html().join(cards))


def overview(ds: Dataset, page: str, dirs: bool) -> Html:
    """An SVG overview of the if_no spine: each question down the page, its Yes to the right.

    A Yes box names the care levels its branch can reach, so the picture stays
    ten rows tall however many follow-up questions a branch has.
    """
    tree = ds.triage
    graph = nodes(tree)
    tiers = vocab.tiers()
    spine = no_warning_spine(tree)
    row_h, box_w, box_h, gap = 46, 200, 34, 40
    boxes, lines = [], []

    def reachable(name: str) -> list[str]:
        found, stack, seen = set(), [name], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            node = graph[current]
            if is_outcome(node):
                found.add(node["tier"])
            else:
                stack += [node["if_yes"], node["if_no"]]
        return sorted(found, key=tiers.rank)

    def short(text: str) -> str:
        return text if len(text) <= 32 else text[:30] + "…"

    for row, name in enumerate(spine):
        node = graph[name]
        y = row * row_h
        boxes.append(Html('<g class="q-box" data-node="{}"><rect x="0" y="{}" width="{}" height="{}" rx="6"/>'
                          '<text x="8" y="{}">{}</text></g>').format(
            name, y, box_w, box_h, y + 22, f"{row + 1}. " + short(node.get("label") or node["question"])))
        reached = reachable(node["if_yes"])
        top = reached[0]
        label = " or ".join(tiers.title(t) for t in reached[:2]) + ("…" if len(reached) > 2 else "")
        x = box_w + gap
        boxes.append(Html('<g class="tier-box tier-box--{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6"/>'
                          '<text x="{}" y="{}">{}</text></g>').format(top, x, y, box_w, box_h, x + 8, y + 22, short(label)))
        lines.append(Html('<path d="M{} {} H{}" class="edge"/><text x="{}" y="{}" class="edge-label">Yes</text>').format(
            box_w, y + box_h / 2, x, box_w + 4, y + box_h / 2 - 3))
        lines.append(Html('<path d="M20 {} V{}" class="edge"/><text x="24" y="{}" class="edge-label">No</text>').format(
            y + box_h, y + row_h, y + box_h + 10))
    last = graph[graph[spine[-1]]["if_no"]]
    y = len(spine) * row_h
    boxes.append(Html('<g class="tier-box tier-box--{}"><rect x="0" y="{}" width="{}" height="{}" rx="6"/>'
                      '<text x="8" y="{}">{}</text></g>').format(last["tier"], y, box_w, box_h, y + 22, tiers.title(last["tier"])))
    width, height = 2 * box_w + gap, y + box_h
    return Html(
        '<figure class="triage-overview"><svg viewBox="-4 -4 {} {}" role="img" aria-labelledby="tov-t tov-d">'
        '<title id="tov-t">Overview of the step-by-step check</title>'
        '<desc id="tov-d">{} questions down the page for a reader who answers No to each; a Yes leads right, '
        'to follow-up questions that end at the care levels shown. Emergency questions come first.</desc>'
        '{}{}</svg><figcaption>Down for No, right for Yes. Emergency questions come first.</figcaption></figure>\n'
    ).format(width + 8, height + 8, len(spine), Html().join(lines), Html().join(boxes))
