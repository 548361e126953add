"""mkdocs-macros entry point: the macros hand-written pages may call.

Kept thin: each macro renders from the dataset loaded once per build
(macros/adapters/site.py) with the pure functions in macros/pages/render.py,
macros/pages/compare.py, macros/pages/pictures.py and macros/pages/triage_page.py. Macros
take no data text from the page, only the page's own path for links.
``macros()`` lists them for one page; ``define_env`` registers them.
"""

from __future__ import annotations

from collections.abc import Callable

from ..data.model import Dataset
from ..pages import compare, emergency_page, offline, pictures, render, triage_page
from . import site


def macros(ds: Dataset, page: str, dirs: bool, site_url: str, repository: str = "") -> dict[str, Callable[..., object]]:
    """Every macro, for one page: ``page`` its docs path (for relative links), ``dirs`` the build's URL style
    (the offline build uses .html), ``site_url`` the build's address, ``repository`` mkdocs.yml's extra.repository.
    define_env registers these; the hook
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


def define_env(env):
    def bound(name: str) -> Callable[..., object]:
        def call(*args, **kwargs):
            page_macros = macros(site.current(), env.page.file.src_uri, bool(env.conf["use_directory_urls"]),
                                 env.conf.get("site_url") or "", env.conf["extra"].get("repository", ""))
            return page_macros[name](*args, **kwargs)
        return call

    for name in sorted(MACRO_NAMES):
        env.macro(bound(name), name)
