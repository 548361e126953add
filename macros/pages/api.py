"""Open data: the knowledge base published as JSON next to the built site.

``macros/adapters/hooks.py`` calls ``write(ds, site_dir)`` after every build, which
writes:

    api/<kind>.json      one object per record kind, keyed by record id
    api/glossary.json    the glossary terms, as a list
    api/triage.json      the flowchart (screens, outcomes, rules, scenarios), as in data/triage.yaml
    api/schemas/*.json   the JSON Schemas the records follow (byte-for-byte copies)

The output is deterministic (sorted keys, records in id order, no
timestamps), so two builds of the same data give identical files and the
offline zip stays reproducible. docs/open-data.md describes these files.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..data.model import KINDS, Dataset
from .text import json_text


def dumps(value: Any) -> str:
    """Stable JSON text: sorted keys, two-space indent, UTF-8, final newline.

    Strings pass through ``macros.pages.text.clean_lines``: control characters, lone
    surrogates and bidirectional overrides become U+FFFD, so the file always
    encodes as UTF-8 and parses.
    """
    return json_text(value, sort_keys=True, indent=2) + "\n"


def documents(ds: Dataset) -> dict[str, Any]:
    """File name under api/ -> the JSON value it holds."""
    out: dict[str, Any] = {}
    for kind in KINDS:
        out[f"{kind}.json"] = {rid: ds.kind(kind)[rid].data for rid in sorted(ds.kind(kind))}
    out["glossary.json"] = ds.glossary
    out["triage.json"] = ds.triage
    return out


def schema_files(schema_dir: Path) -> list[Path]:
    """The schemas to publish: regular files only, never a symbolic link (whose target could be any file)."""
    return sorted(p for p in Path(schema_dir).glob("*.schema.json") if not p.is_symlink() and p.is_file())


def write(ds: Dataset, site_dir: Path, schema_dir: Path | None = None) -> list[Path]:
    """Write api/*.json and api/schemas/ under site_dir; returns the files written."""
    api_dir = Path(site_dir) / "api"
    schema_dir = Path(schema_dir) if schema_dir else ds.root / "data" / "schemas"
    written: list[Path] = []
    api_dir.mkdir(parents=True, exist_ok=True)
    for name, value in documents(ds).items():
        path = api_dir / name
        path.write_text(dumps(value), encoding="utf-8", newline="\n")
        written.append(path)
    out_schemas = api_dir / "schemas"
    if out_schemas.exists():
        shutil.rmtree(out_schemas)  # no stale schema survives a rename
    out_schemas.mkdir()
    for src in schema_files(schema_dir):
        dest = out_schemas / src.name
        dest.write_bytes(src.read_bytes())
        written.append(dest)
    return written
