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


def steps(ds: Dataset, page: str, dirs: bool) -> str:
    """The whole tree as numbered If yes / If no steps, readable and printable without JavaScript.

    The No answers run down a numbered list; each Yes answer nests its own
    follow-up steps or outcome, so nesting stays shallow however long the
    tree is. Branches reached from two places are written out at each.
    """
    tree = ds.triage
    graph = nodes(tree)
    tiers = vocab.tiers()

    def outcome(name: str) -> str:
        node = graph[name]
        tier = tiers[node["tier"]]
        causes = ", ".join(f'<a href="{attr(href(page, src("causes", c), dirs))}">{html_text(ds.get("causes", c).title)}</a>'
                           for c in node["causes"])
        watch = f'<p><strong>Get help faster if:</strong> {html_text(node["watch_for"])}</p>' if node.get("watch_for") else ""
        return (f'<div class="triage-outcome care-card care-card--{node["tier"]}" data-outcome-id="{attr(name)}" data-tier="{node["tier"]}">'
                f'<p class="care-card__tier"><strong>{html_text(tier.title)}: {html_text(tier.get("action"))}</strong></p>'
                f'<p><strong>{html_text(node["title"])}.</strong> {html_text(node["advice"])}</p>{watch}'
                f'<p>Possibly related (not a diagnosis): {causes}</p></div>')

    def chain(name: str) -> str:
        if is_outcome(graph[name]):
            return outcome(name)
        items = []
        while not is_outcome(graph[name]):
            node = graph[name]
            findings = ", ".join(f'<a href="{attr(f["url"])}">{html_text(f["name"])}</a>'
                                 for f in (_finding_link(ds, fid, page, dirs) for fid in node["any_of"]))
            helptext = f'<p class="triage-help">{html_text(node["help"])}</p>' if node.get("help") else ""
            last = is_outcome(graph[node["if_no"]])
            if_no = outcome(node["if_no"]) if last else "go on to the next question."
            items.append(f'<li class="triage-q" data-step-id="{attr(name)}"><p><strong>{html_text(node["question"])}</strong></p>{helptext}'
                         f'<p class="triage-findings">Yes if you have any of: {findings}</p>'
                         f'<div class="triage-branch"><strong>If yes:</strong> {chain(node["if_yes"])}</div>'
                         f'<div class="triage-branch"><strong>If no:</strong> {if_no}</div></li>')
            name = node["if_no"]
        return f'<ol class="triage-chain">{"".join(items)}</ol>'

    # Collapsed by default (it is long on a phone); complete without JavaScript,
    # and opened for printing by flowchart.js and by the print stylesheet.
    return ('<details class="triage-all"><summary>Show every question and answer</summary>'
            f'<div class="triage-tree">{chain(tree["start"])}</div></details>\n')


def overview(ds: Dataset, page: str, dirs: bool) -> str:
    """An SVG overview: the No path runs down the page, each Yes branch to the right."""
    tree = ds.triage
    graph = nodes(tree)
    tiers = vocab.tiers()
    boxes, lines = [], []
    row_h, col_w, box_w, box_h = 46, 190, 176, 34
    next_row = [0]
    max_col = [0]

    def label(name: str) -> str:
        node = graph[name]
        if is_outcome(node):
            return f"{tiers.title(node['tier'])}"
        text = node.get("label") or node["question"]
        return text if len(text) <= 32 else text[:30] + "…"

    def place(name: str, col: int, row: int) -> None:
        node = graph[name]
        x, y = col * col_w, row * row_h
        max_col[0] = max(max_col[0], col)
        kind = f"tier-box tier-box--{node['tier']}" if is_outcome(node) else "q-box"
        boxes.append(f'<g class="{kind}" data-node="{attr(name)}"><rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6"/>'
                     f'<text x="{x + 8}" y="{y + 22}">{html_text(label(name))}</text></g>')
        if is_outcome(node):
            return
        # Yes goes right on the same row; No goes down below everything the Yes branch used.
        lines.append(f'<path d="M{x + box_w} {y + box_h / 2} H{x + col_w}" class="edge"/>'
                     f'<text x="{x + box_w + 2}" y="{y + box_h / 2 - 3}" class="edge-label">Yes</text>')
        place(node["if_yes"], col + 1, row)
        below = next_row[0] = max(next_row[0], row) + 1
        lines.append(f'<path d="M{x + 20} {y + box_h} V{below * row_h}" class="edge"/>'
                     f'<text x="{x + 24}" y="{y + box_h + 10}" class="edge-label">No</text>')
        place(node["if_no"], col, below)

    place(tree["start"], 0, 0)
    width = max_col[0] * col_w + box_w
    height = (next_row[0] + 1) * row_h
    questions = sum(1 for n in graph.values() if not is_outcome(n))
    return (
        f'<figure class="triage-overview"><svg viewBox="-4 -4 {width + 8} {height + 8}" role="img" aria-labelledby="tov-t tov-d">'
        '<title id="tov-t">Overview of the step-by-step check</title>'
        f'<desc id="tov-d">{questions} yes-or-no questions. Each No leads down to the next question; each Yes leads right, '
        'to a follow-up question or to a care level. Emergency questions come first. The same tree is written out in full above.</desc>'
        f"{''.join(lines)}{''.join(boxes)}</svg>"
        '<figcaption>Down for No, right for Yes. Emergency questions come first.</figcaption></figure>\n'
    )
