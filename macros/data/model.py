"""The knowledge base in memory: records per kind, and the links derived from them.

Links are declared once, on one side, and derived the other way here:

* a cause lists its symptoms        -> ``symptom_causes[symptom_id]``
* a risk factor lists what it raises -> ``cause_risk_factors[cause_id]``
* a treatment lists evidence per cause -> ``cause_treatments[cause_id]``
* an anatomy record lists its causes -> ``cause_anatomy[cause_id]``
* records cite sources               -> ``cited_by[source_id]``

``load(data_dir)`` reads every file without judging it; ``macros.validate``
checks it. Nothing here depends on MkDocs.
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlload
from .kinds import FINDING_KINDS, KINDS, SINGLE_FILES  # noqa: F401 (re-exported: the registry)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

@dataclass
class Record:
    kind: str
    path: Path  # relative to the repository root, for messages and edit links
    loaded: yamlload.LoadedYaml

    @property
    def data(self) -> dict:
        return self.loaded.data if isinstance(self.loaded.data, dict) else {}

    @property
    def id(self) -> str:
        """The file name without .yaml; for a file misnamed "Piriformis Syndrome.yaml", the name it should have
        (piriformis-syndrome), so the one message is the rename and references to it still resolve."""
        return suggested_id(self.path.stem) if self.kind in KINDS else self.path.stem

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def schema_name(self) -> str:
        """The schema this record follows (data/schemas/<name>.schema.json)."""
        return KINDS[self.kind].schema if self.kind in KINDS else self.kind

    @property
    def title(self) -> str:
        return str(self.data.get("name") or self.data.get("title") or self.id)


def suggested_id(stem: str) -> str:
    """A file name as lowercase words joined by hyphens: "Piriformis Syndrome" -> "piriformis-syndrome"."""
    return "-".join(re.findall(r"[a-z0-9]+", stem.lower())) or stem


@dataclass
class Dataset:
    root: Path
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    singles: dict[str, Record] = field(default_factory=dict)
    data_dir: Path | None = None  # the folder that was read (root/data unless given another)
    # (file left unread, the file read instead): names equal but for upper/lower case, spacing or the ending
    clashes: list[tuple[Path, Path]] = field(default_factory=list)

    @property
    def schema_dir(self) -> Path:
        """The JSON Schemas this data follows: the data folder's own schemas/ (checked by the validator, published by the API)."""
        return (self.data_dir or self.root / "data") / "schemas"

    # ---- access ---------------------------------------------------------
    def kind(self, kind: str) -> dict[str, Record]:
        return self.records.get(kind, {})

    def all_records(self):
        for kind in KINDS:
            yield from self.kind(kind).values()
        yield from self.singles.values()

    def get(self, kind: str, record_id: str) -> Record | None:
        return self.kind(kind).get(record_id)

    def finding(self, finding_id: str) -> Record | None:
        for kind in FINDING_KINDS:
            if finding_id in self.kind(kind):
                return self.kind(kind)[finding_id]
        return None

    def findings(self) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for kind in FINDING_KINDS:
            out.update(self.kind(kind))
        return out

    @property
    def glossary(self) -> list[dict]:
        rec = self.singles.get("glossary")
        return list(rec.get("terms", [])) if rec else []

    @property
    def triage(self) -> dict:
        rec = self.singles.get("triage")
        return rec.data if rec else {}

    @property
    def changelog(self) -> list[dict]:
        """The releases of data/changelog.yaml, newest first (none without the file)."""
        rec = self.singles.get("changelog")
        return list(rec.get("releases", [])) if rec and isinstance(rec.data, dict) else []

    # ---- derived links (declared once, read both ways) ------------------
    def symptom_causes(self, symptom_id: str) -> list[tuple[Record, dict]]:
        return self._derived()["symptom_causes"].get(symptom_id, [])

    def cause_risk_factors(self, cause_id: str) -> list[Record]:
        return self._derived()["cause_risk_factors"].get(cause_id, [])

    def cause_treatments(self, cause_id: str) -> list[tuple[Record, dict]]:
        return self._derived()["cause_treatments"].get(cause_id, [])

    def cause_anatomy(self, cause_id: str) -> list[Record]:
        return self._derived()["cause_anatomy"].get(cause_id, [])

    def cited_by(self, source_id: str) -> list[Record]:
        return self._derived()["cited_by"].get(source_id, [])

    # ---- computed once per dataset ---------------------------------------
    def memo(self, key: Any, compute):
        """compute() the first time key is asked for, the kept result after that. For what several
        rules read (the triage tree's paths, each record's schema fields); forget() drops it all."""
        cache = self.__dict__.setdefault("_memo_cache", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def forget(self) -> None:
        """Drop everything computed from the records (after editing them in memory)."""
        self.__dict__.pop("_memo_cache", None)

    def _derived(self) -> dict:
        return self.memo("derived links", self._derive)

    def _derive(self) -> dict:
        d: dict[str, dict] = {k: defaultdict(list) for k in (
            "symptom_causes", "cause_risk_factors", "cause_treatments", "cause_anatomy", "cited_by")}
        for cause in self.kind("causes").values():
            for entry in _dicts(cause.get("symptoms")):
                d["symptom_causes"][entry.get("id")].append((cause, entry))
        for rf in self.kind("risk-factors").values():
            for cid in _strs(rf.get("raises")):
                d["cause_risk_factors"][cid].append(rf)
        for tr in self.kind("treatments").values():
            for entry in _dicts(tr.get("evidence")):
                for cid in _strs(entry.get("causes")):
                    d["cause_treatments"][cid].append((tr, entry))
        for part in self.kind("anatomy").values():
            for cid in _strs(part.get("causes")):
                d["cause_anatomy"][cid].append(part)
        for rec in self.all_records():
            for sid in sorted(set(_cited_sources(rec.data))):
                d["cited_by"][sid].append(rec)
        return d


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strs(value) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _cited_sources(data: Any):
    """Every id listed under any 'sources' key, at any depth."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "sources" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from _cited_sources(value)
    elif isinstance(data, list):
        for item in data:
            yield from _cited_sources(item)


def load(data_dir: Path = DATA_DIR) -> Dataset:
    """Read every record file under data_dir. Problems are kept on each record.

    Symbolic links are never followed: a linked folder is not read, and a linked
    or special file becomes a record with a problem and no data (yamlload.load_file)."""
    data_dir = Path(data_dir)
    root = data_dir.parent
    ds = Dataset(root=root, data_dir=data_dir)
    for kind in KINDS:
        ds.records[kind] = {}
        folder = data_dir / kind
        if folder.is_symlink() or not folder.is_dir():
            continue
        files = [p for p in folder.iterdir() if not p.name.startswith(".") and (p.is_symlink() or not p.is_dir())]
        # A well-named x.yaml first, so of x.yaml and x.YAML (or X.yaml, x.yml) it is the one read.
        for path in sorted(files, key=lambda p: (p.suffix != ".yaml" or p.stem != suggested_id(p.stem), p.name)):
            rid = suggested_id(path.stem)
            if rid in ds.records[kind]:
                ds.clashes.append((path.relative_to(root), ds.records[kind][rid].path))
                continue
            ds.records[kind][rid] = Record(kind, path.relative_to(root), yamlload.load_file(path))
        ds.records[kind] = dict(sorted(ds.records[kind].items()))
    for name, schema in SINGLE_FILES.items():
        path = data_dir / name
        if os.path.lexists(path):
            ds.singles[schema] = Record(schema, path.relative_to(root), yamlload.load_file(path))
    return ds


def unsafe_entries(data_dir: Path = DATA_DIR) -> list[tuple[Path, str]]:
    """(path relative to the repository root, message) for every symbolic link and every special file
    (pipe, socket, device) under data_dir, found without following any link."""
    data_dir = Path(data_dir)
    root = data_dir.parent
    link = "is a symbolic link; data/ takes real files and folders only, so replace the link with what it points to"
    special = "is not a regular file; data/ takes YAML and JSON files only, so remove it"
    if data_dir.is_symlink():
        return [(data_dir.relative_to(root), link)]
    found: list[tuple[Path, str]] = []
    for folder, dirs, files in os.walk(data_dir, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                found.append((path.relative_to(root), link))
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                found.append((path.relative_to(root), special))
    return sorted(found)
