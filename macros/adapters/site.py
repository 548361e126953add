"""The dataset for the current MkDocs build, loaded and validated once per build.

``macros/adapters/hooks.py`` calls ``load()`` from ``on_config`` (every build,
so ``mkdocs serve`` picks up edits) and reads ``current()`` in its later events.
A data problem stops the build with the validator's report.

It also remembers, across the rebuilds of one ``mkdocs serve --dirty``
(``python3 dev.py serve``), each page's Markdown as the last build had it, so
a rebuild renders only the pages an edit changed (this module lives as long
as the server; the hook file itself is reloaded on every rebuild).
"""

from __future__ import annotations

from pathlib import Path

from ..data import validate
from ..data.model import Dataset

_current: Dataset | None = None
dirty = False  # mkdocs serve --dirty: set by the hook's on_startup
previous_pages: dict[str, str] = {}  # docs path -> its Markdown as the last build had it (macros expanded)
previous_glossary: list | None = None  # the glossary of the last build (an edit rebuilds every page's tooltips)


def load(data_dir: Path) -> Dataset:
    global _current
    _current = validate.load_valid(data_dir)
    return _current


def current() -> Dataset:
    if _current is None:
        raise RuntimeError("the data has not been loaded: is macros/adapters/hooks.py listed under hooks: in mkdocs.yml?")
    return _current
