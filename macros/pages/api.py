"""Open data: the knowledge base published as JSON next to the built site.

``macros/adapters/hooks.py`` calls ``write(ds, site_dir)`` after every build, which
writes:

    api/<kind>.json      one object per record kind, keyed by record id
    api/glossary.json    the glossary terms, as a list
    api/triage.json      the flowchart (screens, outcomes, rules, scenarios), as in data/triage.yaml
    api/triage.questionnaire.json   the flowchart as a FHIR R4 Questionnaire (macros/pages/fhir.py)
    api/triage.rules.json           its rules: tiers, urgencies, combinations, outcomes (fhir.py)
    api/changes.json     what changed for readers, per release (data/changelog.yaml)
    api/index.json       the data version and every file above
    api/schemas/*.json   the JSON Schemas the records follow (byte-for-byte copies)

The output is deterministic (sorted keys, records in id order, no
timestamps), so two builds of the same data give identical files and the
offline zip stays reproducible. The data version is the newest review or
release date in the data, with the git commit the build ran on when git can
tell it (``commit``): a build from a copy without git history gives null there.
docs/open-data.md describes these files.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..data.model import KINDS, Dataset
from ..data.triage import compile_rules
from . import fhir
from .text import json_text

# What each file holds (api/index.json and docs/open-data.md say the same).
DESCRIPTIONS = {
    "glossary.json": "The glossary: every term and its meaning, as a list",
    "triage.json": "The flowchart as written in data/triage.yaml",
    fhir.QUESTIONNAIRE_FILE: "The flowchart as a FHIR R4 Questionnaire",
    fhir.RULES_FILE: "The flowchart's rules: tiers, urgencies, combination rules and outcomes",
    "changes.json": "What changed for readers, per release",
}


def dumps(value: Any) -> str:
    """Stable JSON text: sorted keys, two-space indent, UTF-8, final newline.

    Strings pass through ``macros.pages.text.clean_lines``: control characters, lone
    surrogates and bidirectional overrides become U+FFFD, so the file always
    encodes as UTF-8 and parses.
    """
    return json_text(value, sort_keys=True, indent=2) + "\n"


def git_commit(root: Path) -> dict | None:
    """The commit the data was built from ({"commit", "commit_date", "modified"}), or None when git cannot tell
    (git missing, or root not the top of a git work tree, e.g. a build from an unpacked zip)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=20).stdout.strip()

    try:
        if Path(git("rev-parse", "--show-toplevel")).resolve() != Path(root).resolve():
            return None
        return {"commit": git("rev-parse", "HEAD"), "commit_date": git("log", "-1", "--format=%cs"),
                "modified": bool(git("status", "--porcelain", "--", "data"))}
    except (OSError, subprocess.SubprocessError):
        return None


def data_version(ds: Dataset, commit: dict | None = None) -> dict:
    """The data version: the newest review or release date in the data, the newest release, and the commit (or nulls)."""
    dates = [str(rec.get("last_reviewed")) for rec in ds.all_records() if rec.get("last_reviewed")]
    releases = [r for r in ds.changelog if isinstance(r, dict)]
    dates += [str(r.get("date")) for r in releases if r.get("date")]
    return {
        "date": max(dates, default=None),
        "release": releases[0].get("version") if releases else None,
        "commit": (commit or {}).get("commit"),
        "commit_date": (commit or {}).get("commit_date"),
        "modified": (commit or {}).get("modified"),
    }


def documents(ds: Dataset, *, site_url: str = "", commit: dict | None = None) -> dict[str, Any]:
    """File name under api/ -> the JSON value it holds."""
    out: dict[str, Any] = {}
    for kind in KINDS:
        out[f"{kind}.json"] = {rid: ds.kind(kind)[rid].data for rid in sorted(ds.kind(kind))}
    out["glossary.json"] = ds.glossary
    out["triage.json"] = ds.triage
    version = data_version(ds, commit)
    if compile_rules(ds) is not None:  # a flowchart that validates (the build refuses any other)
        out[fhir.QUESTIONNAIRE_FILE] = fhir.questionnaire(ds, site_url=site_url, version=version["date"] or "")
        out[fhir.RULES_FILE] = fhir.rules(ds, site_url=site_url, version=version["date"] or "")
    out["changes.json"] = {"releases": ds.changelog}
    files = {f"{kind}.json": f"Every {KINDS[kind].singular}, keyed by id" for kind in KINDS}
    files |= DESCRIPTIONS
    files["schemas/"] = "The JSON Schemas the records follow"
    out["index.json"] = {
        "name": "Back Spasm Guide open data",
        "data_version": version,
        "changes": ("/".join([site_url.rstrip("/"), "api", "changes.json"]) if site_url else "changes.json"),
        "files": files,
        "licence": "CC BY-SA 4.0 (content); see the Open data page",
    }
    return out


def schema_files(schema_dir: Path) -> list[Path]:
    """The schemas to publish: regular files only, never a symbolic link (whose target could be any file)."""
    return sorted(p for p in Path(schema_dir).glob("*.schema.json") if not p.is_symlink() and p.is_file())


def write(ds: Dataset, site_dir: Path, schema_dir: Path | None = None, *, site_url: str = "",
          commit: dict | None | bool = True) -> list[Path]:
    """Write api/*.json and api/schemas/ under site_dir; returns the files written.

    ``commit``: the commit info for the data version; True (the default) asks git in the data's repository."""
    api_dir = Path(site_dir) / "api"
    schema_dir = Path(schema_dir) if schema_dir else ds.root / "data" / "schemas"
    written: list[Path] = []
    api_dir.mkdir(parents=True, exist_ok=True)
    if commit is True:
        commit = git_commit(ds.root)
    for name, value in documents(ds, site_url=site_url, commit=commit or None).items():
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
