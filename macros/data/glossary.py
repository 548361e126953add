"""The glossary as tooltips read it: which terms may be marked, and every term and form with its meaning.

``form_problem`` is the one judgement of a term or form (the validator's rule
in macros/data/rules.py reports it; the tooltip extension, which may run
without the validator, skips what it refuses). ``tooltips(path)`` reads
data/glossary.yaml with the data layer's loader and keeps the result until
the file changes, so the Markdown extension (built once per page) reads and
compiles the glossary once per edit, not once per page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import limits, yamlload


def form_problem(form: str, chars: bool = True) -> str | None:
    """What makes a glossary term or form unfit to mark in running text, or None. With chars=False the
    characters are not looked at (the validator reports invisible characters for every field alike)."""
    for column, char in enumerate(form if chars else "", 1):
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") or char in limits.INVISIBLE_IN_LINE:
            return (f"contains the invisible character U+{ord(char):04X} at column {column}; "
                    "a term must be letters you can see, so delete it")
    low = form.lower()
    for word in limits.PLACEHOLDER_WORDS:
        if word in low:
            return (f"contains '{word}', a word the Markdown library writes into pages while it builds them "
                    "(marking it would break the page's markup); choose another term")
    if " ".join(low.split()) in limits.COMMON_WORDS:
        return (f"'{form}' is a common English word: it would become a tooltip wherever it is written, "
                "the emergency page included; use the medical term, or delete it")
    return None


@dataclass(frozen=True)
class Tooltips:
    """Every variant of every usable term -> (entry number, meaning), and one pattern matching any variant."""

    meanings: dict[str, tuple[int, str]]
    pattern: re.Pattern | None


_NONE = Tooltips({}, None)
_cache: dict[Path, tuple[tuple[int, int], Tooltips]] = {}


def tooltips(path: Path) -> Tooltips:
    """The glossary file's tooltips (none if it is missing or unreadable), read again only when it changes.

    Lowercase terms also get a capitalised variant, to match at the start of a
    sentence. Entries or forms that ``form_problem`` refuses, or without a
    meaning, are left out."""
    path = Path(path).resolve()
    try:
        info = path.stat()
    except OSError:
        return _NONE
    stamp = (info.st_mtime_ns, info.st_size)
    kept = _cache.get(path)
    if kept and kept[0] == stamp:
        return kept[1]
    loaded = yamlload.load_file(path, limits.MAX_SINGLE_FILE_BYTES)
    terms = loaded.data.get("terms") if isinstance(loaded.data, dict) and not loaded.problems else None
    meanings: dict[str, tuple[int, str]] = {}
    for number, entry in enumerate(terms if isinstance(terms, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("meaning"), str):
            continue
        meaning = " ".join(entry["meaning"].split())
        forms = [entry.get("term"), *(entry.get("forms") or [])] if isinstance(entry.get("forms") or [], list) else []
        for form in forms:
            if not isinstance(form, str) or not form.strip() or not meaning or form_problem(form):
                continue
            for variant in (form, form[:1].upper() + form[1:]):
                meanings.setdefault(variant, (number, meaning))
    # Longest first, so "renal colic" wins over "colic"; a term is a whole word (no letter or digit either side).
    alternatives = "|".join(re.escape(v) for v in sorted(meanings, key=lambda v: (-len(v), v)))
    result = Tooltips(meanings, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if meanings else None)
    _cache[path] = (stamp, result)
    return result
