"""The macros hand-written pages call (``{{ tier_legend() }}``), and the same calls made without a template engine.

Each macro renders from a validated dataset with the pure functions of this layer; macros take no data text
from the page, only the page's own path for links. mkdocs-macros runs them through
macros/adapters/main.py; ``expand`` runs them itself, so that ``python -m macros.pages OUT --docs docs``
writes hand-written pages any engine can build (Zensical, which has no mkdocs-macros plugin API).
"""

from __future__ import annotations

from collections.abc import Callable

from ..data.model import Dataset
from . import compare, emergency_page, handwritten, offline, pictures, render, triage_page


def macros(ds: Dataset, page: str, dirs: bool, site_url: str, repository: str = "") -> dict[str, Callable[..., object]]:
    """Every macro, for one page: ``page`` its docs path (for relative links), ``dirs`` the build's URL style
    (the offline build uses .html), ``site_url`` the build's address, ``repository`` mkdocs.yml's extra.repository.
    macros/adapters/main.py registers these; the hook
    calls them too, to tell under ``serve --dirty`` which hand-written pages a data edit changed."""
    return {
        "emergency_signs": lambda brief=False: compare.emergency_signs(ds, page, brief),
        "urgent_signs": lambda: compare.urgent_signs(ds, page),
        "kidney_or_back": lambda: compare.kidney_or_back(ds, page),
        "causes_by_symptoms": lambda: compare.causes_by_symptoms(ds, page),
        "symptom_chooser": lambda: compare.symptom_chooser(ds, page, dirs),  # the same, on a phone
        "treatments_by_causes": lambda: compare.treatments_by_causes(ds, page),
        "anatomy_table": lambda: compare.anatomy_table(ds, page),
        "body_map_grid": lambda: pictures.body_map_grid(ds, page),
        "anatomy_diagram": lambda: pictures.anatomy_diagram(ds, page),
        "care_card_top": render.care_card_top,  # a care card's frame and tier line, from the vocabulary
        "tier_legend": compare.tier_legend,
        "grade_legend": compare.grade_legend,
        "source_kind_legend": compare.source_kind_legend,
        "glossary_list": lambda: compare.glossary_list(ds),
        "triage_stepper": lambda: triage_page.stepper(ds, page, dirs, site_url),
        "triage_checklist": lambda: triage_page.checklist(ds, page, dirs),
        "triage_combinations": lambda tier="emergency": triage_page.combinations_list(ds, tier),
        "triage_overview": lambda: triage_page.overview(ds, page, dirs),
        "emergency_numbers": render.emergency_numbers_md,  # tap-to-call links
        "offline_download": lambda: offline.offline_download(repository),  # the latest release's zip
        "call_list": emergency_page.call_list,  # the same, one a line
        "signs_list": lambda tier="emergency": emergency_page.signs_list(ds, page, dirs, tier),
        "together_list": lambda tier="emergency": emergency_page.together_list(ds, page, dirs, tier),
    }


MACRO_NAMES = frozenset(macros(None, "", True, ""))  # type: ignore[arg-type]  (only the names are read)




def expand(markdown: str, ds: Dataset, page: str, dirs: bool, site_url: str, repository: str = "") -> str:
    """A hand-written page's text with every macro call replaced by what the macro returns, as mkdocs-macros
    renders it; ValueError if the page holds any other template code (handwritten.parse)."""
    calls, problems = handwritten.parse(markdown, MACRO_NAMES)
    if problems:
        raise ValueError("\n".join(f"{page}:{line}: template code: {message}" for line, message in problems))
    page_macros = macros(ds, page, dirs, site_url, repository)
    found = iter(calls)

    def call(match) -> str:
        c = next(found)
        return str(page_macros[c.name](*c.args, **dict(c.kwargs)))

    return handwritten.CALL.sub(call, markdown)
