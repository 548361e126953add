"""Meaning checks: small rules over the whole knowledge base.

Each rule is a function ``rule_*(ds) -> Iterator[Problem]`` with a docstring
saying what it guards. Shape (types, required fields, vocabularies) is the
schemas' job (macros/schemas.py); rules check what a schema cannot: ids match
file names, references resolve, sources are used, text is safe to show.
Triage-tree rules live in macros/triage.py and are listed here too.

Messages are written for contributors: what is wrong and how to fix it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import limits, schemas, yamlload
from .model import FINDING_KINDS, KINDS, Dataset, Record


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __post_init__(self) -> None:
        # Last line of defence: nothing printed may carry a raw new line, control character or lone surrogate
        # (a CI log would run it as a command; a terminal would crash on the surrogate).
        for name in ("file", "field", "message"):
            object.__setattr__(self, name, limits.printable(str(getattr(self, name))))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


def problem(rec: Record, path: tuple, message: str) -> Problem:
    return Problem(rec.path.as_posix(), rec.loaded.line_of(path), yamlload.dotted(path), message)


def _strings(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))


SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def rule_file_names(ds: Dataset) -> Iterator[Problem]:
    """Record files are data/<kind>/<id>.yaml, and id equals the file name."""
    for kind in KINDS:
        for rec in ds.kind(kind).values():
            if rec.path.suffix != ".yaml":
                yield problem(rec, (), f"record files must end in .yaml; rename it to {rec.path.stem}.yaml")
            elif not SLUG.match(rec.path.stem):
                yield problem(rec, (), "the file name must be lowercase words joined by hyphens, e.g. kidney-stones.yaml")
            rid = rec.data.get("id")
            if isinstance(rid, str) and rid != rec.path.stem:
                yield problem(rec, ("id",), f"'{rid}' must match the file name '{rec.path.stem}'; change the id or rename the file")


def rule_findings_unique(ds: Dataset) -> Iterator[Problem]:
    """Symptom and risk-factor ids share one namespace: the flowchart's findings."""
    first, second = FINDING_KINDS
    for fid in sorted(set(ds.kind(first)) & set(ds.kind(second))):
        rec = ds.kind(second)[fid]
        yield problem(rec, ("id",), f"'{fid}' is already a {KINDS[first][1]} id; finding ids must be unique, so choose another id")


def _target_ids(ds: Dataset, target: str) -> tuple[set[str], str]:
    if target == "findings":
        return set(ds.findings()), "finding (symptom or risk factor)"
    if target == "nodes":
        nodes = ds.triage.get("nodes")
        return set(nodes) if isinstance(nodes, dict) else set(), "triage node"
    return set(ds.kind(target)), KINDS[target][1]


def rule_references(ds: Dataset) -> Iterator[Problem]:
    """Every id that points at another record (schema x-ref) resolves."""
    for rec in ds.all_records():
        for path, ref, target in schemas.references(rec.schema_name, rec.data):
            ids, label = _target_ids(ds, target)
            if ref not in ids:
                where = f"data/{target}/" if target in KINDS else ("data/symptoms/ or data/risk-factors/" if target == "findings" else "nodes:")
                hint = schemas.did_you_mean(ref, ids) or f"add it to {where} or fix the id"
                yield problem(rec, path, f"unknown {label} '{ref}'; {hint}".rstrip())


def rule_sources_cited(ds: Dataset) -> Iterator[Problem]:
    """Every source is cited by at least one record."""
    for rec in ds.kind("sources").values():
        if not ds.cited_by(rec.id):
            yield problem(rec, ("id",), "no record cites this source; cite it under sources: somewhere, or delete the file")


_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_SCHEME = re.compile(r"\b(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{|\{%|\{#|%\}|\}\}")


def rule_plain_text(ds: Dataset) -> Iterator[Problem]:
    """Text is shown as plain text: no HTML, script links or template syntax."""
    for rec in ds.all_records():
        for path, text in _strings(rec.data):
            if _TAG.search(text):
                yield problem(rec, path, "contains an HTML tag; write plain text (it is shown as written, never as HTML)")
            elif _HANDLER.search(text):
                yield problem(rec, path, "contains an HTML event handler (on...=); write plain text")
            elif _SCHEME.search(text):
                yield problem(rec, path, "contains a javascript:, vbscript: or data: link; write plain text")
            if _TEMPLATE.search(text):
                yield problem(rec, path, "contains template syntax ({{, {% or {#); write plain text without curly-brace pairs")


def rule_ambiguous_values(ds: Dataset) -> Iterator[Problem]:
    """Unquoted yes/no/on/off or dates where text is expected."""
    dates = schemas.date_fields()
    for rec in ds.all_records():
        for path, raw in rec.loaded.ambiguous.items():
            key = next((p for p in reversed(path) if isinstance(p, str)), "")
            if re.match(r"^[0-9]{4}-", raw):
                if key not in dates:
                    yield problem(rec, path, f"'{raw}' is read as a date by many YAML tools; put it in quotes if you mean text")
            else:
                yield problem(rec, path, f"'{raw}' is read as true/false by many YAML tools; put it in quotes (\"{raw}\") or write it out")


def rule_real_dates(ds: Dataset) -> Iterator[Problem]:
    """last_reviewed is a real calendar date, not in the future."""
    today = datetime.date.today()
    for rec in ds.all_records():
        value = rec.data.get("last_reviewed")
        if not isinstance(value, str) or not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value):
            continue
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            yield problem(rec, ("last_reviewed",), f"'{value}' is not a real date; check the month and day")
            continue
        if day > today:
            yield problem(rec, ("last_reviewed",), f"'{value}' is in the future; use the date you checked the record")


def rule_no_repeats(ds: Dataset) -> Iterator[Problem]:
    """A cause lists each symptom once; a treatment gives one verdict per cause; glossary terms are unique."""
    for rec in ds.kind("causes").values():
        seen: dict[str, int] = {}
        for i, entry in enumerate(rec.get("symptoms") or []):
            sid = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(sid, str):
                if sid in seen:
                    yield problem(rec, ("symptoms", i, "id"), f"'{sid}' is already listed at symptoms[{seen[sid]}]; keep one")
                seen.setdefault(sid, i)
    for rec in ds.kind("treatments").values():
        seen = {}
        for i, entry in enumerate(rec.get("evidence") or []):
            for j, cid in enumerate(entry.get("causes") or [] if isinstance(entry, dict) else []):
                if isinstance(cid, str) and cid in seen and seen[cid] != i:
                    yield problem(rec, ("evidence", i, "causes", j),
                                  f"'{cid}' already has a verdict at evidence[{seen[cid]}]; give each cause one verdict")
                if isinstance(cid, str):
                    seen.setdefault(cid, i)
    glossary = ds.singles.get("glossary")
    if glossary:
        seen = {}
        for i, entry in enumerate(glossary.get("terms") or []):
            if not isinstance(entry, dict):
                continue
            for form in [entry.get("term")] + list(entry.get("forms") or []):
                if isinstance(form, str):
                    low = form.lower()
                    if low in seen and seen[low] != i:
                        yield problem(glossary, ("terms", i), f"'{form}' is already defined at terms[{seen[low]}]; keep one")
                    seen.setdefault(low, i)


def rule_causes_treated(ds: Dataset) -> Iterator[Problem]:
    """Every cause has at least one treatment verdict, so its page can say what helps."""
    for rec in ds.kind("causes").values():
        if not ds.cause_treatments(rec.id):
            yield problem(rec, ("id",), "no treatment lists this cause; add it under evidence: causes: in a data/treatments/ record")


def all_rules():
    from . import triage  # triage rules live with the tree walker

    return [
        rule_file_names,
        rule_findings_unique,
        rule_references,
        rule_sources_cited,
        rule_plain_text,
        rule_ambiguous_values,
        rule_real_dates,
        rule_no_repeats,
        rule_causes_treated,
        *triage.RULES,
    ]
