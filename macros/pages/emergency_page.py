"""The emergency page (docs/emergency.md), from the flowchart's outcomes (data/triage.yaml).

Readers arrive frightened, often on a phone, so the page is a short list in
their own words, each line opening in place to why it matters and what a
doctor would call it:

* ``signs_list("emergency")``: one line per emergency outcome that single
  findings lead to (``for_findings``), in the words of the outcome's ``sign``;
  each opens to the outcome's advice and its findings, linked, with their
  medical names. Ordered by the most urgent finding's ``rank``.
* ``together_list(tier)``: the outcomes only a combination of findings leads
  to, in the same form ("these together").
* ``call_list()``: the emergency numbers as a plain list of tap-to-call links.

Raw HTML (MkDocs does not rewrite its links: ``href``), every piece of data text
escaped by ``Html``. Test contract: ``ul.sign-list`` with one ``li[data-outcome]``
per sign, a ``details`` in each; ``ul.call-list``.
"""

from __future__ import annotations

from ..data.model import Dataset, Record
from ..data.triage import tier_outcomes
from .compare import by_rank
from .render import emergency_numbers, src
from .text import Html, clean, href


def _findings(ds: Dataset, node: dict) -> list[Record]:
    return by_rank(ds.finding(f) for f in node.get("for_findings") or [])


def _sign_words(ds: Dataset, node: dict) -> str:
    """The outcome's ``sign``, else its findings' names as one line ("A, b or c"), else its title."""
    if node.get("sign"):
        return node["sign"]
    names = [r.title for r in _findings(ds, node)]
    if not names:
        return node["title"]
    names = names[:1] + [n[:1].lower() + n[1:] for n in names[1:]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _medical(r: Record) -> Html:
    name = r.get("medical_name")
    if not name or clean(name).lower() == clean(r.title).lower():
        return Html("")
    return Html(' <span class="medical-name">Medical name: {}.</span>').format(name)


def _item(ds: Dataset, name: str, node: dict, page: str, dirs: bool) -> Html:
    findings = _findings(ds, node)
    names = Html("").join(Html('<li><a href="{}">{}</a>.{}</li>').format(href(page, src(r.kind, r.id), dirs), r.title, _medical(r))
                          for r in findings)
    more = Html('<ul class="sign-findings">{}</ul>').format(names) if findings else Html("")
    return Html('<li data-outcome="{0}"><details class="sign"><summary>{1}</summary><p>{2}</p>{3}</details></li>').format(
        name, _sign_words(ds, node), node["advice"], more)


def _outcomes(ds: Dataset, tier: str, single: bool) -> list[tuple[str, dict]]:
    """The outcomes of a tier that single findings lead to (``single``), or that only combinations lead to."""
    found = tier_outcomes(ds.triage, tier, single)
    if single:  # most urgent, then most common first: by the best rank of its findings
        def best(item):
            ranks = [r.get("rank") for r in _findings(ds, item[1]) if r.get("rank") is not None]
            return (not ranks, min(ranks) if ranks else 0)
        found.sort(key=best)
    return found


def signs_list(ds: Dataset, page: str, dirs: bool, tier: str = "emergency") -> Html:
    """The signs of a tier, one line each, opening to why and the medical names (see the module's doc)."""
    items = [_item(ds, name, node, page, dirs) for name, node in _outcomes(ds, tier, single=True)]
    # At most triage.MAX_SIGNS emergency lines: the validator holds it (rule_triage_emergency_page_fits).
    return Html('<ul class="sign-list sign-list--{}">{}</ul>\n').format(tier, Html("").join(items))


def together_list(ds: Dataset, page: str, dirs: bool, tier: str = "emergency") -> Html:
    """The outcomes of a tier that only a combination of findings leads to, in the same form."""
    items = [_item(ds, name, node, page, dirs) for name, node in _outcomes(ds, tier, single=False)]
    return Html('<ul class="sign-list sign-list--together">{}</ul>\n').format(Html("").join(items)) if items else Html("")


def call_list() -> Html:
    """The emergency numbers, one a line, each a tap-to-call link: "Call 999 in the UK"."""
    items = Html("").join(Html('<li><a href="{}" class="tel-link">Call {}</a> in {}</li>').format(n["tel"], n["number"], _where(n["where"]))
                          for n in emergency_numbers())
    return Html('<ul class="call-list">{}</ul>\n').format(items)


def _where(place: str) -> str:
    """ "UK" -> "the UK", "EU" -> "the EU"; other places as they are."""
    return "the " + place if place.split()[0] in {"UK", "US", "EU", "USA"} else place
