"""The flowchart page, from data/triage.yaml: stepper data, no-JS steps, overview diagram.

* ``stepper``: the container the JavaScript stepper (docs/assets/javascripts/
  flowchart.js) fills, and the tree as a JSON data island with every link
  already resolved. The script only ever sets textContent from it.
* ``steps``: the whole tree as nested "If yes... / If no..." lists, readable
  and printable without JavaScript.
* ``overview``: an SVG diagram of the tree drawn at build time.

These write raw HTML (MkDocs does not rewrite links inside it), so links are
computed with ``macros.text.href`` for the build's URL style.
"""

from __future__ import annotations

import json

from . import vocab
from .model import Dataset
from .render import EMERGENCY_NUMBERS, src
from .text import attr, href, html_text
from .triage import is_outcome, nodes


def _finding_link(ds: Dataset, fid: str, page: str, dirs: bool) -> dict:
    rec = ds.finding(fid)
    return {"id": fid, "name": rec.title, "url": href(page, src(rec.kind, fid), dirs)}


def tree_json(ds: Dataset, page: str, dirs: bool) -> dict:
    tree = ds.triage
    tiers = vocab.tiers()
    out: dict = {"start": tree["start"], "nodes": {}, "tiers": {}, "emergencyNumbers": EMERGENCY_NUMBERS,
                 "emergencyUrl": href(page, "emergency.md", dirs)}
    for t in tiers.terms:
        out["tiers"][t.id] = {"title": t.title, "action": t.get("action"), "description": t.description}
    for name, node in nodes(tree).items():
        if is_outcome(node):
            out["nodes"][name] = {
                "tier": node["tier"], "title": node["title"], "advice": " ".join(node["advice"].split()),
                "watchFor": " ".join(node.get("watch_for", "").split()),
                "causes": [{"id": c, "name": ds.get("causes", c).title, "url": href(page, src("causes", c), dirs)} for c in node["causes"]],
            }
        else:
            out["nodes"][name] = {
                "question": node["question"], "help": node.get("help", ""), "yes": node["yes"], "no": node["no"],
                "findings": [_finding_link(ds, f, page, dirs) for f in node["any_of"]],
            }
    return out


def _json_island(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Safe inside <script>: no "</script>", no HTML comment openers.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def stepper(ds: Dataset, page: str, dirs: bool) -> str:
    return (
        '<div class="triage-stepper" id="triage-app" data-ready="false" markdown="0">'
        '<p class="triage-loading">The step-by-step check needs JavaScript. Without it, use the questions listed below: '
        'start at question 1 and follow "If yes" or "If no".</p></div>\n'
        f'<script type="application/json" id="triage-data">{_json_island(tree_json(ds, page, dirs))}</script>\n'
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
            last = is_outcome(graph[node["no"]])
            if_no = outcome(node["no"]) if last else "go on to the next question."
            items.append(f'<li class="triage-q" data-step-id="{attr(name)}"><p><strong>{html_text(node["question"])}</strong></p>{helptext}'
                         f'<p class="triage-findings">Yes if you have any of: {findings}</p>'
                         f'<div class="triage-branch"><strong>If yes:</strong> {chain(node["yes"])}</div>'
                         f'<div class="triage-branch"><strong>If no:</strong> {if_no}</div></li>')
            name = node["no"]
        return f'<ol class="triage-chain">{"".join(items)}</ol>'

    return f'<div class="triage-tree" markdown="0">{chain(tree["start"])}</div>\n'


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
        place(node["yes"], col + 1, row)
        below = next_row[0] = max(next_row[0], row) + 1
        lines.append(f'<path d="M{x + 20} {y + box_h} V{below * row_h}" class="edge"/>'
                     f'<text x="{x + 24}" y="{y + box_h + 10}" class="edge-label">No</text>')
        place(node["no"], col, below)

    place(tree["start"], 0, 0)
    width = max_col[0] * col_w + box_w
    height = (next_row[0] + 1) * row_h
    questions = sum(1 for n in graph.values() if not is_outcome(n))
    return (
        f'<figure class="triage-overview" markdown="0"><svg viewBox="-4 -4 {width + 8} {height + 8}" role="img" aria-labelledby="tov-t tov-d">'
        '<title id="tov-t">Overview of the step-by-step check</title>'
        f'<desc id="tov-d">{questions} yes-or-no questions. Each No leads down to the next question; each Yes leads right, '
        'to a follow-up question or to a care level. Emergency questions come first. The same tree is written out in full above.</desc>'
        f"{''.join(lines)}{''.join(boxes)}</svg>"
        '<figcaption>Down for No, right for Yes. Emergency questions come first.</figcaption></figure>\n'
    )
