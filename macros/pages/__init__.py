"""The pages layer: a validated dataset in, the site's generated pages out (Markdown), and the open-data JSON.

Pure functions, no MkDocs: ``render`` (record and index pages), ``compare``
(comparison tables), ``pictures`` (body map, diagrams), ``triage_page`` (the
"Check your symptoms" flowchart), ``seo`` (JSON-LD, Atom feed), ``api``
(open-data JSON); ``text`` is the one escaping path (``Html`` builders per
context). The MkDocs hook (macros/adapters/hooks.py) adds ``generate(ds)``'s
pages to the build; any engine that reads Markdown can use the same output:

    python -m macros.pages OUT_DIR        # write every generated page under OUT_DIR
    python -m macros.pages OUT_DIR --data path/to/data
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data.kinds import KINDS
from ..data.model import Dataset
from . import render


@dataclass(frozen=True)
class Page:
    markdown: str  # the whole page, front matter first
    meta: dict  # the front matter as written (the hook checks MkDocs reads back exactly this)


def generate(ds: Dataset) -> dict[str, Page]:
    """Docs path ("causes/kidney-stones.md") -> generated page: each kind's index, then a page per record."""
    pages: dict[str, Page] = {}
    for kind in KINDS:
        pages[render.index_src(kind)] = Page(str(render.index_page(ds, kind)), render.index_meta(kind))
        for rec in ds.kind(kind).values():
            pages[render.src(kind, rec.id)] = Page(str(render.record_page(ds, rec)), render.record_meta(rec))
    return pages
