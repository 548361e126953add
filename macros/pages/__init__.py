"""The pages layer: a validated dataset in, the site's generated pages out (Markdown), and the open-data JSON.

Pure functions, no MkDocs: ``render`` (record and index pages), ``compare``
(comparison tables), ``pictures`` (body map, diagrams), ``triage_page`` (the
"Check your symptoms" flowchart), ``emergency_page``, ``offline``, ``seo``
(JSON-LD, Atom feed), ``api`` (open-data JSON), ``fhir`` (the flowchart as a
FHIR Questionnaire), ``page_macros`` (what hand-written pages call) and
``handwritten`` (which template code they may hold); two Markdown extensions,
``glossary_md`` and ``cell_labels``; ``text`` is the one escaping path (``Html``
builders per context). The MkDocs hook (macros/adapters/hooks.py) adds
``generate()``'s pages to the build; any engine that reads Markdown can use the
same output:

    python -m macros.pages OUT_DIR        # write every generated page under OUT_DIR
    python -m macros.pages OUT_DIR --data path/to/data --config path/to/mkdocs.yml
    python -m macros.pages OUT_DIR --docs docs --config mkdocs.yml   # the whole docs tree (Zensical)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data.kinds import KINDS
from ..data.model import Dataset
from . import render, seo, text


@dataclass(frozen=True)
class Page:
    markdown: str  # the whole page: text.front_matter(meta), then the body
    meta: dict  # the front matter as data (tests/test_hostile.py: MkDocs reads back exactly this, as cleaned)

    @classmethod
    def of(cls, meta: dict, body: object) -> Page:
        return cls(text.front_matter(meta) + str(body), meta)


def generate(ds: Dataset, urls: seo.Urls, site_name: str) -> dict[str, Page]:
    """Docs path ("causes/kidney-stones.md") -> generated page: each kind's index, then a page per record.

    A record page's front matter holds its schema.org JSON-LD (``bsg_jsonld``), which overrides/main.html
    prints in <head> (never in the content, where Material's instant navigation, were it on, would re-run it);
    ``urls`` and ``site_name`` are the build's, for its links."""
    pages: dict[str, Page] = {}
    for kind in KINDS:
        pages[render.index_src(kind)] = Page.of(render.index_meta(kind), render.index_page(ds, kind))
        for rec in ds.kind(kind).values():
            meta = render.record_meta(rec)
            meta["bsg_jsonld"] = str(text.json_island(seo.jsonld(ds, rec, urls, site_name)))
            pages[render.src(kind, rec.id)] = Page.of(meta, render.record_page(ds, rec))
    return pages
