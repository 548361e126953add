"""mkdocs-macros entry point: the macros hand-written pages may call.

Kept thin: each macro renders from the dataset loaded once per build
(macros/adapters/site.py) with the pure functions in macros/pages/render.py,
macros/pages/compare.py, macros/pages/pictures.py and macros/pages/triage_page.py. Macros
take no data text from the page, only the page's own path for links.
"""

from __future__ import annotations

from ..pages import compare, pictures, render, triage_page
from . import site


def define_env(env):
    def page_src() -> str:
        return env.page.file.src_uri

    def dirs() -> bool:
        # Raw HTML links must follow the build's URL style (the offline build uses .html).
        return bool(env.conf["use_directory_urls"])

    macros = {
        "emergency_signs": lambda brief=False: compare.emergency_signs(site.current(), page_src(), brief),
        "urgent_signs": lambda: compare.urgent_signs(site.current(), page_src()),
        "kidney_or_back": lambda: compare.kidney_or_back(site.current(), page_src()),
        "causes_by_symptoms": lambda: compare.causes_by_symptoms(site.current(), page_src()),
        "treatments_by_causes": lambda: compare.treatments_by_causes(site.current(), page_src()),
        "anatomy_table": lambda: compare.anatomy_table(site.current(), page_src()),
        "body_map_grid": lambda: pictures.body_map_grid(site.current(), page_src()),
        "anatomy_diagram": lambda: pictures.anatomy_diagram(site.current(), page_src()),
        "care_card_top": render.care_card_top,  # a care card's frame and tier line, from the vocabulary
        "tier_legend": compare.tier_legend,
        "grade_legend": compare.grade_legend,
        "source_kind_legend": compare.source_kind_legend,
        "glossary_list": lambda: compare.glossary_list(site.current()),
        "triage_stepper": lambda: triage_page.stepper(site.current(), page_src(), dirs(), env.conf.get("site_url") or ""),
        "triage_steps": lambda: triage_page.steps(site.current(), page_src(), dirs()),
        "triage_combinations": lambda tier="emergency": triage_page.combinations_list(site.current(), tier),
        "triage_overview": lambda: triage_page.overview(site.current(), page_src(), dirs()),
        "emergency_numbers": render.emergency_numbers_md,  # tap-to-call links
    }
    for name, func in macros.items():
        env.macro(func, name)
