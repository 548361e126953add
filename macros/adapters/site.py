"""The dataset for the current MkDocs build, loaded and validated once per build.

``macros/adapters/hooks.py`` calls ``load()`` from ``on_config`` (every build, so
``mkdocs serve`` picks up edits); the page generator and the macros read
``current()``. A data problem stops the build with the validator's report.
"""

from __future__ import annotations

from pathlib import Path

from ..data import validate
from ..data.model import Dataset

_current: Dataset | None = None


def load(data_dir: Path) -> Dataset:
    global _current
    _current = validate.load_valid(data_dir)
    return _current


def current() -> Dataset:
    if _current is None:
        raise RuntimeError("the data has not been loaded: is macros/adapters/hooks.py listed under hooks: in mkdocs.yml?")
    return _current
