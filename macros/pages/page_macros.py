"""The macros hand-written pages call (``{{ tier_legend() }}``), and the same calls made without a template engine.

Each macro renders from a validated dataset with the pure functions of this layer; macros take no data text
from the page, only the page's own path for links. ``MACROS`` is the one list of them. The MkDocs hook
(macros/adapters/hooks.py) gives ``macros(build)`` to mkdocs-macros (``register_macros``); ``expand`` runs them
itself, so that ``python -m macros.pages OUT --docs docs`` writes hand-written pages any engine can build
(Zensical, which has no mkdocs-macros plugin API).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from ..data.model import Dataset
from . import compare, emergency_page, handwritten, offline, pictures, render, triage_page


@dataclass(frozen=True)
class Build:
    """What every macro renders from: the dataset; ``page``, a function giving the docs path of the page being
    rendered (for relative links; mkdocs-macros renders every page with the same macros); the build's URL style
    (``dirs``: the offline build uses .html), address and mkdocs.yml's extra.repository."""

    ds: Dataset = field(repr=False)  # mkdocs-macros prints every macro (its repr) on every build, at debug level
    page: Callable[[], str]
    dirs: bool
    site_url: str
    repository: str = ""


# Every macro, by the name pages call it: a function of the build and the call's own arguments.
MACROS: dict[str, Callable[..., object]] = {
    "emergency_signs": lambda b, brief=False: compare.emergency_signs(b.ds, b.page(), brief),
    "kidney_or_back": lambda b: compare.kidney_or_back(b.ds, b.page()),
    "causes_by_symptoms": lambda b: compare.causes_by_symptoms(b.ds, b.page()),
    "symptom_chooser": lambda b: compare.symptom_chooser(b.ds, b.page(), b.dirs),  # the same, on a phone
    "treatments_by_causes": lambda b: compare.treatments_by_causes(b.ds, b.page()),
    "anatomy_table": lambda b: compare.anatomy_table(b.ds, b.page()),
    "body_map_grid": lambda b: pictures.body_map_grid(b.ds, b.page()),
    "anatomy_diagram": lambda b: pictures.anatomy_diagram(b.ds, b.page()),
    "care_card_top": lambda b, tier: render.care_card_top(tier),  # a care card's frame and tier line, from the vocabulary
    "tier_legend": lambda b: compare.tier_legend(),
    "grade_legend": lambda b: compare.grade_legend(),
    "source_kind_legend": lambda b: compare.source_kind_legend(),
    "glossary_list": lambda b: compare.glossary_list(b.ds),
    "triage_stepper": lambda b: triage_page.stepper(b.ds, b.page(), b.dirs, b.site_url),
    "triage_checklist": lambda b: triage_page.checklist(b.ds, b.page(), b.dirs),
    "triage_overview": lambda b: triage_page.overview(b.ds, b.page(), b.dirs),
    "emergency_numbers": lambda b: render.emergency_numbers_md(),  # tap-to-call links
    "offline_download": lambda b: offline.offline_download(b.repository),  # the latest release's zip
    "call_list": lambda b: emergency_page.call_list(),  # the same, one a line
    "signs_list": lambda b, tier="emergency": emergency_page.signs_list(b.ds, b.page(), b.dirs, tier),
    "together_list": lambda b, tier="emergency": emergency_page.together_list(b.ds, b.page(), b.dirs, tier),
}
MACRO_NAMES = frozenset(MACROS)


def macros(build: Build) -> dict[str, Callable[..., object]]:
    """Every macro, ready to call for ``build`` (name -> function of the call's arguments)."""
    return {name: functools.partial(macro, build) for name, macro in MACROS.items()}


def expand(markdown: str, build: Build) -> str:
    """A hand-written page's text (``build.page()``'s) with every macro call replaced by what the macro returns, as
    mkdocs-macros renders it; ValueError if the page holds any other template code (handwritten.parse)."""
    calls, problems = handwritten.parse(markdown, MACRO_NAMES)
    if problems:
        raise ValueError("\n".join(f"{build.page()}:{line}: template code: {message}" for line, message in problems))
    page_macros = macros(build)
    found = iter(calls)

    def call(match) -> str:
        c = next(found)
        return str(page_macros[c.name](*c.args, **dict(c.kwargs)))

    return handwritten.CALL.sub(call, markdown)
