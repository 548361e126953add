"""The flowchart page, from data/triage.yaml: stepper data, no-JS steps, overview diagram.

* ``stepper``: the container the JavaScript stepper (docs/assets/javascripts/
  flowchart.js) fills, with the first question already drawn and the tree as
  JSON in its ``data-tree`` attribute, every link already resolved. The script
  only ever sets textContent from it.
* ``steps``: the whole tree as nested "If yes... / If no..." lists, readable
  and printable without JavaScript.
* ``overview``: an SVG diagram of the tree drawn at build time.

These write raw HTML (MkDocs does not rewrite links inside it), so links are
computed with ``macros.text.href`` for the build's URL style.
"""

from __future__ import annotations

import html
import json

from . import vocab
from .model import Dataset
from .render import src
from .text import attr, href, html_text, page_url
from .triage import is_outcome, nodes


def _finding_link(ds: Dataset, fid: str, page: str, dirs: bool) -> dict:
    rec = ds.finding(fid)
    return {"id": fid, "name": rec.title, "url": href(page, src(rec.kind, fid), dirs)}


def questions_ahead(graph: dict, name: str) -> int:
    """Questions left if the reader answers No from here on (this one included)."""
    count = 0
    while not is_outcome(graph[name]):
        count += 1
        name = graph[name]["if_no"]
    return count


def emergency_numbers() -> list[dict]:
    """The emergency numbers (vocabulary emergencyNumber), each with its tel: link."""
    return [{"number": t.id, "where": t.title, "tel": "tel:" + t.id} for t in vocab.get("emergencyNumber").terms]


def tree_json(ds: Dataset, page: str, dirs: bool, site_url: str = "") -> dict:
    tree = ds.triage
    graph = nodes(tree)
    tiers = vocab.tiers()
    out: dict = {"start": tree["start"], "nodes": {}, "tiers": {}, "emergencyNumbers": emergency_numbers(),
                 "emergencyUrl": href(page, "emergency.md", dirs),
                 # The printed summary names the page it came from; without a site_url the page's own address is used.
                 "pageUrl": (site_url.rstrip("/") + "/" + page_url(page, dirs)) if site_url else ""}
    for t in tiers.terms:
        out["tiers"][t.id] = {"title": t.title, "action": t.get("action"), "description": t.description}
    for name, node in graph.items():
        if is_outcome(node):
            out["nodes"][name] = {
                "tier": node["tier"], "title": node["title"], "advice": " ".join(node["advice"].split()),
                "watchFor": " ".join(node.get("watch_for", "").split()),
                "causes": [{"id": c, "name": ds.get("causes", c).title, "url": href(page, src("causes", c), dirs)} for c in node["causes"]],
            }
        else:
            out["nodes"][name] = {
                "question": node["question"], "help": node.get("help", ""), "yes": node["if_yes"], "no": node["if_no"],
                "ahead": questions_ahead(graph, name),
                "findings": [_finding_link(ds, f, page, dirs) for f in node["any_of"]],
            }
    return out


def tree_attribute(data: dict) -> str:
    """The tree as JSON in an HTML attribute value (escaped for a double-quoted attribute).

    An attribute, not a <script type="application/json"> island: Material's
    instant navigation re-creates every inline <script> in the new page as
    JavaScript, so a JSON island throws a SyntaxError and stops document$.
    """
    return html.escape(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), quote=True)


def question_html(tree: dict, name: str, number: int) -> str:
    """One question as the stepper draws it (flowchart.js builds the same markup)."""
    node = tree["nodes"][name]
    about = number - 1 + node["ahead"]
    helptext = f'<p class="triage-help">{html_text(node["help"])}</p>' if node["help"] else ""
    checklist = ""
    if len(node["findings"]) > 1:
        items = "".join(f'<li><a href="{attr(f["url"])}" target="_blank" rel="noopener">{html_text(f["name"])}</a></li>'
                        for f in node["findings"])
        checklist = f'<p class="triage-counts">Answer Yes if any of these apply:</p><ul class="triage-finding-list">{items}</ul>'
    return (f'<fieldset data-node-id="{attr(name)}" class="triage-question"><legend>'
            f'<span class="triage-progress">Question {number} of about {about}</span>'
            f'<span tabindex="-1" class="triage-legend-text">{html_text(node["question"])}</span></legend>'
            f'{helptext}{checklist}<div class="triage-buttons">'
            '<button type="button" class="triage-yes" disabled>Yes</button>'
            '<button type="button" class="triage-no" disabled>No</button></div></fieldset>')


def stepper(ds: Dataset, page: str, dirs: bool, site_url: str = "") -> str:
    """The stepper: the first question already drawn (no layout shift), the tree in data-tree."""
    data = tree_json(ds, page, dirs, site_url)
    return (
        f'<div class="triage-stepper" id="triage-app" data-ready="false" data-tree="{tree_attribute(data)}">'
        f'{question_html(data, data["start"], 1)}</div>\n'
        '<noscript><p class="triage-loading">The step-by-step check needs JavaScript. Without it, open '
        '"All the questions at once" below: start at question 1 and follow "If yes" or "If no".</p></noscript>\n'
    )


def combinations_list(ds: Dataset, tier: str) -> str:
    """The flowchart's combination rules at exactly this tier, as a plain list (their `why`)."""
    rules = [r for r in ds.triage.get("combinations", []) if r["at_least"] == tier]
    items = "".join(f"<li>{html_text(r['why'])}</li>" for r in rules)
    return f'<ul class="triage-combinations">{items}</ul>\n' if items else ""


def step_order(tree: dict) -> list[str]:
    """Questions in reading order: the if_no spine first, then each Yes branch's follow-ups."""
    graph = nodes(tree)
    spine, name = [], tree["start"]
    while not is_outcome(graph[name]):
        spine.append(name)
        name = graph[name]["if_no"]
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


def steps(ds: Dataset, page: str, dirs: bool) -> str:
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
    outcomes = [name for name in graph if is_outcome(graph[name])]
    outcomes.sort(key=lambda n: tiers.rank(graph[n]["tier"]))

    def target(name: str) -> str:
        node = graph[name]
        if is_outcome(node):
            return (f'<a href="#outcome-{attr(name)}">{html_text(tiers.title(node["tier"]))}: '
                    f'{html_text(node["title"])}</a>')
        return f'<a href="#step-{attr(name)}">go to question {number[name]}</a>'

    items = []
    for name in order:
        node = graph[name]
        findings = ", ".join(f'<a href="{attr(f["url"])}">{html_text(f["name"])}</a>'
                             for f in (_finding_link(ds, fid, page, dirs) for fid in node["any_of"]))
        helptext = f'<p class="triage-help">{html_text(node["help"])}</p>' if node.get("help") else ""
        items.append(f'<li id="step-{attr(name)}" class="triage-q" data-step-id="{attr(name)}">'
                     f'<p><strong>{html_text(node["question"])}</strong></p>{helptext}'
                     f'<p class="triage-findings">Yes if you have any of: {findings}</p>'
                     f'<p class="triage-branch"><strong>If yes:</strong> {target(node["if_yes"])}. '
                     f'<strong>If no:</strong> {target(node["if_no"])}.</p></li>')

    cards = []
    for name in outcomes:
        node = graph[name]
        tier = tiers[node["tier"]]
        causes = ", ".join(f'<a href="{attr(href(page, src("causes", c), dirs))}">{html_text(ds.get("causes", c).title)}</a>'
                           for c in node["causes"])
        related = f"<p>Possibly related (not a diagnosis): {causes}</p>" if causes else ""
        watch = f'<p><strong>Get help faster if:</strong> {html_text(node["watch_for"])}</p>' if node.get("watch_for") else ""
        cards.append(f'<div id="outcome-{attr(name)}" class="triage-outcome care-card care-card--{attr(node["tier"])}" '
                     f'data-outcome-id="{attr(name)}" data-tier="{attr(node["tier"])}">'
                     f'<p class="care-card__tier"><strong>{html_text(tier.title)}</strong></p>'
                     f'<p><strong>{html_text(node["title"])}.</strong> {html_text(node["advice"])}</p>{watch}{related}</div>')

    # Collapsed by default (it is long on a phone); complete without JavaScript,
    # and opened for printing by flowchart.js and by the print stylesheet.
    return ('<details class="triage-all"><summary>Show every question and answer</summary><div class="triage-tree">'
            f'<ol class="triage-steps-list">{"".join(items)}</ol>'
            f'<p><strong>Where the answers lead</strong>, most urgent first:</p>{"".join(cards)}</div></details>\n')


def overview(ds: Dataset, page: str, dirs: bool) -> str:
    """An SVG overview of the if_no spine: each question down the page, its Yes to the right.

    A Yes box names the care levels its branch can reach, so the picture stays
    ten rows tall however many follow-up questions a branch has.
    """
    tree = ds.triage
    graph = nodes(tree)
    tiers = vocab.tiers()
    spine = [name for name in step_order(tree) if name in _spine(tree)]
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
        boxes.append(f'<g class="q-box" data-node="{attr(name)}"><rect x="0" y="{y}" width="{box_w}" height="{box_h}" rx="6"/>'
                     f'<text x="8" y="{y + 22}">{html_text(str(row + 1) + ". " + short(node.get("label") or node["question"]))}</text></g>')
        reached = reachable(node["if_yes"])
        top = reached[0]
        label = " or ".join(tiers.title(t) for t in reached[:2]) + ("…" if len(reached) > 2 else "")
        x = box_w + gap
        boxes.append(f'<g class="tier-box tier-box--{attr(top)}"><rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6"/>'
                     f'<text x="{x + 8}" y="{y + 22}">{html_text(short(label))}</text></g>')
        lines.append(f'<path d="M{box_w} {y + box_h / 2} H{x}" class="edge"/>'
                     f'<text x="{box_w + 4}" y="{y + box_h / 2 - 3}" class="edge-label">Yes</text>')
        lines.append(f'<path d="M20 {y + box_h} V{y + row_h}" class="edge"/>'
                     f'<text x="24" y="{y + box_h + 10}" class="edge-label">No</text>')
    last = graph[graph[spine[-1]]["if_no"]]
    y = len(spine) * row_h
    boxes.append(f'<g class="tier-box tier-box--{attr(last["tier"])}"><rect x="0" y="{y}" width="{box_w}" height="{box_h}" rx="6"/>'
                 f'<text x="8" y="{y + 22}">{html_text(tiers.title(last["tier"]))}</text></g>')
    width, height = 2 * box_w + gap, y + box_h
    return (
        f'<figure class="triage-overview"><svg viewBox="-4 -4 {width + 8} {height + 8}" role="img" aria-labelledby="tov-t tov-d">'
        '<title id="tov-t">Overview of the step-by-step check</title>'
        f'<desc id="tov-d">{len(spine)} questions down the page for a reader who answers No to each; a Yes leads right, '
        'to follow-up questions that end at the care levels shown. Emergency questions come first.</desc>'
        f"{''.join(lines)}{''.join(boxes)}</svg>"
        '<figcaption>Down for No, right for Yes. Emergency questions come first.</figcaption></figure>\n'
    )


def _spine(tree: dict) -> set[str]:
    graph = nodes(tree)
    spine, name = set(), tree["start"]
    while not is_outcome(graph[name]):
        spine.add(name)
        name = graph[name]["if_no"]
    return spine
