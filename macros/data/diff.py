"""What a change to data/ means for readers, in plain words, as Markdown.

    python -m macros.data.diff            # the working tree against the merge base with main
    python -m macros.data.diff BASE       # ... against BASE, any git ref (a branch, a tag, a commit)
    python -m macros.data.diff --old base/data --new pr/data   # two data folders, no git (what CI runs)

In CI the report is made by trusted code: the base branch's checkout runs
this module (its code, its vocabularies for tier and grade order) on the pull
request's data folder, and only once the pull request's data validates.
Every value read from data is printed through one escaping helper (``esc``:
one line, < > & as entities, Markdown specials backslash-escaped), so a
record cannot write Markdown or HTML into the summary.

The dataset at BASE is read from git (``git archive BASE data``, unpacked into
a temporary folder: the working tree is never checked out or touched) and
compared with ./data. The report lists, for a clinical reviewer:

* records added, removed and renamed (same content under a new id);
* for each changed record, the fields that changed, with care tiers, evidence
  grades, roles and typicality shown before -> after in words (titles from
  data/schemas/vocabularies.schema.json, via macros.data.vocab);
* sources cited or no longer cited;
* for the flowchart (data/triage.yaml), each screen, outcome, combination
  rule and scenario that changed, by id (new words on an emergency or urgent
  outcome are shown in full, before and after);
* every group of flowchart readers whose result changes. Method: the rules of
  each side are compiled (``macros.data.triage.compile_rules``); the readers
  checked are those both sides' proofs start from (``triage.readers``: no
  finding, each finding alone, one finding from each line of each rule, each
  scenario of either side), and each of them with one finding more (any
  finding either side asks about or gives an urgency). Each is run through
  the old and the new stepper (``Rules.run``); readers whose tier changes are
  grouped by (old tier, new tier, old outcome, new outcome) and each group is
  named by its smallest reader. Readers whose outcome changes within the same
  tier are counted apart. With none: "No reader's outcome changes."

Anything that lowers a tier, a grade or a role (an urgency lowered, a reader
whose tier drops, a finding taken off a screen, a combination rule or a
scenario removed) is flagged at the top with ⚠, as are new words on an
emergency or urgent outcome. CI writes the report to the job summary of
every pull request.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import limits, model, triage, vocab

# Field name -> the vocabulary its value comes from (shown in words, compared by rank).
VOCAB_FIELDS = {"urgency": "tier", "tier": "tier", "at_least": "tier", "expect": "tier", "grade": "grade", "role": "role",
                "typical": "typicality"}
RANKED = {"tier": "tier", "grade": "grade", "role": "role"}  # lower in the list = lower care or weaker evidence
RAISED = {"grade": "grade", "role": "role"}  # a raise is flagged too: "do not offer" -> "first choice" is a harm
# Keys that identify an entry of a list of groups of fields, so entries are matched, not compared by position.
ENTRY_KEYS = ("id", "term", "mechanism", "claim", "causes", "findings", "together", "situation", "when")
MAX_READERS = 40  # changed reader groups listed in full; the rest are counted
SHORT = 90  # text up to this long is quoted before -> after; longer text is "reworded"


@dataclass
class Report:
    lowers: list[str] = field(default_factory=list)
    raises: list[str] = field(default_factory=list)  # a treatment's grade or role raised
    checks: list[str] = field(default_factory=list)  # not lower, but a clinical reviewer must read them (flagged ⚠)
    sections: list[str] = field(default_factory=list)
    readers: str = "### Flowchart readers\n\nNo reader's outcome changes."  # always said, changes or none
    renamed: dict = field(default_factory=dict)  # (kind, old id) -> new id


# ---- words -------------------------------------------------------------------

class Safe(str):
    """Text already escaped for the summary (a path part made by this module)."""


# Characters that Markdown (GitHub's, with its tables, strikethrough, math and emoji) reads as markup anywhere in a
# line. Values never start a line (each follows a "- " or a label), so the line-start markers need no escape.
_MD_SPECIALS = re.compile(r"([\\`*\[\]|~$:])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # inside a word (when_to_get_help) it is no markup
_CODE_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/+-]*$")


def esc(value: Any) -> str:
    """Any data value as one line of inert text for the Markdown summary: white space (new lines included)
    collapsed, non-printable characters escaped, < > & as HTML entities and Markdown specials backslash-escaped.
    The one escaping helper: every value read from data reaches the report through it (or through code())."""
    text = limits.printable(" ".join(str(value).split()))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _UNDERSCORE.sub(r"\\_", _MD_SPECIALS.sub(r"\\\1", text))


def code(value: Any) -> str:
    """An id as `code` when it holds only letters, digits and - . _ / + and spaces; otherwise escaped text."""
    text = str(value)
    return f"`{text}`" if _CODE_SAFE.match(text) and len(text) <= 200 else esc(text)


def words(vocab_name: str, value: Any) -> str:
    if value is None:
        return "none"
    try:
        term = vocab.get(vocab_name)[value]
    except (KeyError, TypeError):
        return code(value)
    action = term.get("action")
    return f"{term.title} ({action[0].lower() + action[1:]})" if action else term.title


def shown(value: Any) -> str:
    if value is None:
        return "nothing"
    text = " ".join(value.split()) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    cut = text if len(text) <= SHORT else text[:SHORT] + "…"
    return f"“{esc(cut)}”" if isinstance(value, str) else esc(cut)


def ids(values: Iterable) -> str:
    return ", ".join(code(v) for v in values)


def label(path: tuple) -> str:
    return " › ".join(p if isinstance(p, Safe) else esc(p) for p in path) if path else "(record)"


# ---- records -----------------------------------------------------------------

def _entry_key(entries: list) -> str | None:
    if not entries or not all(isinstance(e, dict) for e in entries):
        return None
    for key in ENTRY_KEYS:
        if all(key in e for e in entries):
            return key
    return None


def diff_value(path: tuple, old: Any, new: Any, where: str, report: Report) -> list[str]:
    """Lines describing how old became new at path; lowerings are added to report.lowers, raises of a grade or
    a role to report.raises."""
    if old == new:
        return []
    key = next((p for p in reversed(path) if isinstance(p, str) and not isinstance(p, Safe)), "")
    if key in VOCAB_FIELDS and (isinstance(old, str) or isinstance(new, str)) and not isinstance(old, (list, dict)) \
            and not isinstance(new, (list, dict)):
        name = VOCAB_FIELDS[key]
        line = f"{label(path)}: {words(name, old)} -> {words(name, new)}"
        if name in RANKED and _lower(name, old, new):
            report.lowers.append(f"{where}: {line}")
            line = "⚠ " + line
        elif name in RAISED and _lower(name, new, old) and old is not None:
            report.raises.append(f"{where}: {line}")
            line = "⚠ " + line
        return [line]
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in list(old) + [k for k in new if k not in old]:
            out += diff_value(path + (k,), old.get(k), new.get(k), where, report)
        return out
    if isinstance(old, list) and isinstance(new, list):
        if all(isinstance(v, str) for v in old + new):
            added = [v for v in new if v not in old]
            removed = [v for v in old if v not in new]
            parts = ([f"added {ids(added)}"] if added else []) + ([f"removed {ids(removed)}"] if removed else [])
            return [f"{label(path)}: {'; '.join(parts) or 'reordered'}"]
        entry = _entry_key(old + new) if old and new else None
        if entry:
            # Matched by key; entries that share a key (two cards with the same words) by their order among those.
            old_by, new_by = _keyed(old, entry), _keyed(new, entry)
            out = []
            for k, e in new_by.items():
                if k not in old_by:
                    out.append(f"{label(path)}: added {_entry_name(entry, e[entry])}" + _vocab_summary(e))
            for k, e in old_by.items():
                if k not in new_by:
                    out.append(_removed_entry(path, _entry_name(entry, e[entry]), e, where, report))
                else:
                    out += diff_value(path + (Safe(_entry_name(entry, e[entry])),), e, new_by[k], where, report)
            return out or [f"{label(path)}: reordered"]
        # No key tells the entries apart: compared by position, never as a whole.
        out = []
        for i in range(max(len(old), len(new))):
            before, after = (side[i] if i < len(side) else None for side in (old, new))
            if i >= len(new) and isinstance(before, dict):
                out.append(_removed_entry(path, f"entry {i + 1}", before, where, report))
            else:
                out += diff_value(path + (Safe(f"entry {i + 1}"),), before, after, where, report)
        return out
    if old is None:
        return [f"{label(path)}: added {shown(new)}"]
    if new is None:
        return [f"{label(path)}: removed (was {shown(old)})"]
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > SHORT:
        return [f"{label(path)}: reworded"]
    return [f"{label(path)}: {shown(old)} -> {shown(new)}"]


def _keyed(entries: list[dict], key: str) -> dict[tuple[str, int], dict]:
    """Entries by (their key, which occurrence of that key): a repeated key never makes two entries one."""
    out: dict[tuple[str, int], dict] = {}
    for e in entries:
        k = json.dumps(e[key], sort_keys=True)
        n = sum(1 for seen, _ in out if seen == k)
        out[(k, n)] = e
    return out


def _entry_name(key: str, value: Any) -> str:
    """An entry named by its key: ``causes `kidney-stones`, `gout` ``, ``situation “...”``."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return f"{esc(key)} {ids(value)}"
    return f"{esc(key)} {shown(value)}"


def _removed_entry(path: tuple, name: str, entry: dict, where: str, report: Report) -> str:
    """An entry of a list removed; an evidence entry (a verdict on a treatment for some causes) is flagged."""
    line = f"{label(path)}: removed {name}" + _vocab_summary(entry)
    if path and path[-1] == "evidence":
        report.lowers.append(f"{where}: removes the evidence entry {name}{_vocab_summary(entry)}")
        return "⚠ " + line
    return line


def _vocab_summary(entry: dict) -> str:
    found = [f"{k} {words(VOCAB_FIELDS[k], v)}" for k, v in entry.items() if k in VOCAB_FIELDS and isinstance(v, str)]
    return f" ({', '.join(found)})" if found else ""


def _lower(vocab_name: str, old: Any, new: Any) -> bool:
    terms = vocab.get(vocab_name)
    if old not in terms:
        return False
    return new not in terms or terms.rank(new) > terms.rank(old)


def _records(ds: model.Dataset) -> dict[tuple[str, str], model.Record]:
    out = {(kind, rid): rec for kind in model.KINDS for rid, rec in ds.kind(kind).items()}
    out.update({(name, name): rec for name, rec in ds.singles.items()})
    return out


def _title(kind: str, rec: model.Record) -> str:
    singular = model.KINDS[kind].singular if kind in model.KINDS else {"triage": "flowchart", "glossary": "glossary"}.get(kind, kind)
    if kind not in model.KINDS:
        return f"The {singular} ({code(rec.path.as_posix())})"
    name = rec.title if len(rec.title) <= 80 else rec.title[:79] + "…"
    return f"{singular[0].upper()}{singular[1:]} **{esc(name)}** ({code(rec.id)})"


def _without_id(data: dict) -> str:
    return json.dumps({k: v for k, v in data.items() if k != "id"}, sort_keys=True, ensure_ascii=False)


def compare_records(old: model.Dataset, new: model.Dataset, report: Report) -> None:
    before, after = _records(old), _records(new)
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    renamed: list[tuple[tuple, tuple]] = []
    for r in list(removed):
        for a in added:
            if a[0] == r[0] and (_without_id(before[r].data) == _without_id(after[a].data)
                                 or before[r].title == after[a].title != r[1]):
                renamed.append((r, a))
                removed.remove(r)
                added.remove(a)
                break
    report.renamed = {r: a[1] for r, a in renamed}
    lines = [f"- Added: {_title(k[0], after[k])}" for k in added]
    lines += [f"- ⚠ Removed: {_title(k[0], before[k])}" for k in removed]
    lines += [f"- Renamed: {_title(r[0], before[r])} -> {code(a[1])}" for r, a in renamed]
    for k in removed:
        report.lowers.append(f"removes {_title(k[0], before[k])}")
    if lines:
        report.sections.append("### Records\n\n" + "\n".join(lines))
    changed: list[str] = []
    pairs = [(k, k) for k in before if k in after] + renamed
    for bk, ak in pairs:
        b, a = before[bk], after[ak]
        if b.data == a.data and bool(b.loaded.problems) == bool(a.loaded.problems):
            continue
        title = _title(ak[0], a)
        if a.loaded.problems or not a.data:
            changed.append(f"#### {title}\n\n- cannot be read now; the validator says why")
            continue
        where = title.replace("**", "")
        if ak[0] == "triage":  # screens, outcomes, rules and scenarios entry by entry; the rest as fields
            rows = _triage_entries(b.data, a.data, report)
        else:
            rows, old_rest, new_rest = _care_cards(b.data, a.data, where, report)
            rows += diff_value((), old_rest, new_rest, where, report)
        rows += _review_claim(b.data, a.data, where, report)
        rows = [r for r in rows if not (bk != ak and r.startswith("id: "))]  # the rename is listed above
        if rows:
            changed.append(f"#### {title}\n\n" + "\n".join(f"- {r}" for r in rows if r))
    if changed:
        report.sections.append("### Changed records\n\n" + "\n\n".join(changed))


# ---- what a reader with a warning sign is told, and who says it was reviewed ------------

def _card(entry: Any) -> str:
    if not isinstance(entry, dict):
        return "nothing"
    return f"({words('tier', entry.get('tier'))}) {_full(entry.get('situation'))}"


def _care_cards(old: dict, new: dict, where: str, report: Report) -> tuple[list[str], dict, dict]:
    """The words on a record's emergency and urgent care cards (when_to_get_help situations of those tiers, and
    the urgency_note of a finding whose urgency is one), old and new in full and flagged when they change, a card
    whose tier was lowered flagged as lowering care; and old and new without what these rows show, for the
    field-by-field comparison (so no card is listed twice)."""
    def entries(data: dict) -> list:
        found = data.get("when_to_get_help")
        return found if isinstance(found, list) else []

    def red(entry: Any) -> bool:
        return isinstance(entry, dict) and triage.red_flag(entry.get("tier"))

    rows: list[str] = []
    old_all, new_all = entries(old), entries(new)
    before = [c for c in old_all if red(c) and c not in new_all]  # cards whose words or tier changed, in order
    after = [c for c in new_all if red(c) and c not in old_all]
    # A changed card goes with the new card of the same words (only its tier changed, perhaps out of emergency and
    # urgent: shown here with its new tier); cards whose words changed go old with new, in order.
    moved = [next((n for n in new_all if isinstance(n, dict) and n not in old_all and n.get("situation") == b.get("situation")),
                  None) for b in before]
    pairs = [(b, m) for b, m in zip(before, moved, strict=True) if m is not None]
    pairs += itertools.zip_longest([b for b, m in zip(before, moved, strict=True) if m is None],
                                   [a for a in after if not any(a is m for m in moved)])
    shown_new = [a for _b, a in pairs if a is not None]
    for b, a in pairs:
        line = "⚠ when_to_get_help: an emergency or urgent care card changed:"
        if b and a and _lower("tier", b.get("tier"), a.get("tier")):
            report.lowers.append(f"{where}: when_to_get_help › situation {shown(b.get('situation'))} › tier: "
                                 f"{words('tier', b.get('tier'))} -> {words('tier', a.get('tier'))}")
            line = "⚠ when_to_get_help: an emergency or urgent care card lowered:"
        rows.append(f"{line}\n  - before: {_card(b) if b else '(no such card)'}\n"
                    f"  - now: {_card(a) if a else '(no longer an emergency or urgent card)'}")
        report.checks.append(f"{where}: new words on an emergency or urgent care card (when_to_get_help); "
                             "read it in full below")
    old_rest, new_rest = dict(old), dict(new)
    if before or shown_new:
        old_rest["when_to_get_help"] = [e for e in old_all if not any(e is b for b in before)]
        new_rest["when_to_get_help"] = [e for e in new_all if not any(e is n for n in shown_new)]
    tier = next((t for t in (old.get("urgency"), new.get("urgency")) if triage.red_flag(t)), None)
    if tier and old.get("urgency_note") != new.get("urgency_note"):
        old_rest.pop("urgency_note", None)
        new_rest.pop("urgency_note", None)
        rows.append(f"⚠ urgency_note (urgency {words('tier', tier)}) changed:\n"
                    f"  - before: {_full(old.get('urgency_note'))}\n  - now: {_full(new.get('urgency_note'))}")
        report.checks.append(f"{where}: new words in the urgency_note of a finding with urgency {words('tier', tier)}; read it in full below")
    return rows, old_rest, new_rest


def _claim(data: dict) -> tuple[Any, Any]:
    review = data.get("review")
    return (review.get("kind"), review.get("reviewer")) if isinstance(review, dict) else (None, None)


def _review_claim(old: dict, new: dict, where: str, report: Report) -> list[str]:
    """A review claim (review: kind and reviewer) added or changed: the contributor's own word, flagged so that a
    maintainer confirms it with the reviewer named."""
    before, after = _claim(old), _claim(new)
    if before == after or after == (None, None):
        return []
    what = "added" if before == (None, None) else "changed"
    said = f"{esc(after[0] or 'no kind')}" + (f" by {esc(after[1])}" if after[1] else "")
    was = f" (was {esc(before[0] or 'no kind')}" + (f" by {esc(before[1])})" if before[1] else ")") if what == "changed" else ""
    report.checks.append(f"{where}: review claim {what}: {said}{was}; confirm it with the reviewer before merging")
    return [f"⚠ review claim {what}: {said}{was}"]


# ---- sources: hosts ------------------------------------------------------------------

def _host(rec: model.Record | None) -> str | None:
    url = rec.get("url") if rec else None
    try:
        return urllib.parse.urlsplit(url).hostname if isinstance(url, str) else None
    except ValueError:
        return None


def compare_hosts(old: model.Dataset, new: model.Dataset, report: Report) -> None:
    """A source whose web address moves to another host, or a new source on a host no source used before: named."""
    renamed = {new_id: old_id for (kind, old_id), new_id in report.renamed.items() if kind == "sources"}
    known = {_host(rec) for rec in old.kind("sources").values()} - {None}
    lines = []
    for sid, rec in new.kind("sources").items():
        host, before = _host(rec), old.get("sources", renamed.get(sid, sid))
        if before is not None and host != _host(before):
            line = f"source {code(sid)}: url host changed from {code(_host(before))} to {code(host)}"
        elif before is None and host and host not in known:
            line = f"source {code(sid)} (new): a host no source used before, {code(host)}"
        else:
            continue
        lines.append(f"- ⚠ {line}")
        report.checks.append(line)
    if lines:
        report.sections.append("### Source hosts\n\n" + "\n".join(lines))


# ---- schemas ---------------------------------------------------------------------

def _schema_files(ds: model.Dataset) -> dict[str, bytes]:
    folder = ds.schema_dir
    if folder.is_symlink() or not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()}


def compare_schemas(old: model.Dataset, new: model.Dataset, report: Report) -> None:
    """Any change under data/schemas/: the schemas set the words, tiers and limits every record follows."""
    before, after = _schema_files(old), _schema_files(new)
    lines = []
    for name in sorted(set(before) | set(after)):
        what = "added" if name not in before else "removed" if name not in after else "changed" if before[name] != after[name] else ""
        if what:
            lines.append(f"- ⚠ {code('data/schemas/' + name)} {what}")
            report.checks.append(f"{code('data/schemas/' + name)} {what}: the schemas set the words, tiers and limits of "
                                 "every record; read its diff")
    if lines:
        report.sections.append("### Schemas\n\n" + "\n".join(lines))


# ---- the flowchart, entry by entry ----------------------------------------------

TRIAGE_ENTRIES = ("screens", "outcomes", "combinations", "scenarios")  # compared entry by entry; the rest as fields


def _by_id(entries: Any) -> dict[str, dict]:
    if isinstance(entries, dict):
        return {k: v for k, v in entries.items() if isinstance(v, dict)}
    if isinstance(entries, list):
        return {e["id"]: e for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}
    return {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _prefixed(prefix: str, rows: list[str]) -> list[str]:
    return [f"⚠ {prefix} {r[2:]}" if r.startswith("⚠ ") else f"{prefix} {r}" for r in rows]


def _full(text: Any) -> str:
    return f"“{esc(text)}”" if isinstance(text, str) else "nothing"


def _together(lines: Any) -> str:
    if not isinstance(lines, list):
        return shown(lines)
    return " and ".join("(" + " or ".join(code(f) for f in _strings(line)) + ")" for line in lines)


def _triage_entries(old: dict, new: dict, report: Report) -> list[str]:
    """The flowchart's screens, outcomes, rules and scenarios entry by entry, then its other fields."""
    rows = _screens(old, new, report) + _outcomes(old, new, report) + _combinations(old, new, report) + _cases(old, new, report)
    rest_b, rest_a = ({k: v for k, v in d.items() if k not in TRIAGE_ENTRIES} for d in (old, new))
    return rows + diff_value((), rest_b, rest_a, "the flowchart", report)


def _screens(old: dict, new: dict, report: Report) -> list[str]:
    """Each screen's words and findings; a finding taken off a screen is flagged."""
    before, after = _by_id(old.get("screens")), _by_id(new.get("screens"))
    rows: list[str] = []
    if [s for s in before if s in after] != [s for s in after if s in before]:
        rows.append(f"screens reordered: {ids(before)} -> {ids(after)}")
    now_on = {f: sid for sid, s in after.items() for f in _strings(s.get("findings"))}
    for sid, s in after.items():
        if sid not in before:
            rows.append(f"screen {code(sid)} added: {shown(s.get('question'))}, asks about {ids(_strings(s.get('findings')))}")
    for sid, s in before.items():
        if sid not in after:
            rows.append(f"screen {code(sid)} removed")
            new_findings: list[str] = []
        else:
            words_b, words_a = ({k: v for k, v in d.items() if k != "findings"} for d in (s, after[sid]))
            rows += _prefixed(f"screen {code(sid)}", diff_value((), words_b, words_a, f"the flowchart: screen {code(sid)}", report))
            new_findings = _strings(after[sid].get("findings"))
            added = [f for f in new_findings if f not in _strings(s.get("findings"))]
            if added:
                rows.append(f"screen {code(sid)} now also asks about {ids(added)}")
        for fid in [f for f in _strings(s.get("findings")) if f not in new_findings]:
            where = f"now asked on screen {code(now_on[fid])}" if fid in now_on else "no longer asked on any screen"
            rows.append(f"⚠ screen {code(sid)} no longer asks about {code(fid)} ({where})")
            report.lowers.append(f"the flowchart: screen {code(sid)} no longer asks about {code(fid)} ({where})")
    return rows


def _outcomes(old: dict, new: dict, report: Report) -> list[str]:
    """Each outcome; new words on an emergency or urgent outcome are shown in full and flagged."""
    before, after = _by_id(old.get("outcomes")), _by_id(new.get("outcomes"))
    rows = [f"outcome {code(oid)} added ({words('tier', o.get('tier'))}): {shown(o.get('title'))}"
            for oid, o in after.items() if oid not in before]
    rows += [f"outcome {code(oid)} removed (was {words('tier', o.get('tier'))})" for oid, o in before.items() if oid not in after]
    for oid in [o for o in before if o in after]:
        o, n = before[oid], after[oid]
        red = next((t for t in (o.get("tier"), n.get("tier")) if triage.red_flag(t)), None)
        plain = [k for k in list(o) + [k for k in n if k not in o] if not (red and k in triage.OUTCOME_TEXT)]
        rows += _prefixed(f"outcome {code(oid)}", diff_value((), {k: o.get(k) for k in plain}, {k: n.get(k) for k in plain},
                                                        f"the flowchart: outcome {code(oid)}", report))
        for key in triage.OUTCOME_TEXT if red else ():
            if o.get(key) != n.get(key):
                rows.append(f"⚠ outcome {code(oid)} (tier {vocab.tiers()[red].title}) {key} changed:\n"
                            f"  - before: {_full(o.get(key))}\n  - now: {_full(n.get(key))}")
                report.checks.append(f"the flowchart: new {key} on {words('tier', red)} outcome {code(oid)}; read it in full below")
    return rows


def _combinations(old: dict, new: dict, report: Report) -> list[str]:
    """Each combination rule, by id; a rule removed is flagged."""
    before, after = _by_id(old.get("combinations")), _by_id(new.get("combinations"))

    def rule(c: dict) -> str:
        return f"{_together(c.get('together'))} -> at least {words('tier', c.get('at_least'))}, outcome {code(c.get('outcome'))}"

    rows = [f"combination {code(cid)} added: {rule(c)}" for cid, c in after.items() if cid not in before]
    for cid, c in before.items():
        if cid not in after:
            rows.append(f"⚠ combination {code(cid)} removed (was {rule(c)})")
            report.lowers.append(f"the flowchart: removes combination rule {code(cid)} ({rule(c)})")
            continue
        n = after[cid]
        if c.get("together") != n.get("together"):
            rows.append(f"combination {code(cid)} together: {_together(c.get('together'))} -> {_together(n.get('together'))}")
        rest_b, rest_a = ({k: v for k, v in d.items() if k != "together"} for d in (c, n))
        rows += _prefixed(f"combination {code(cid)}", diff_value((), rest_b, rest_a, f"the flowchart: combination {code(cid)}", report))
    return rows


def _cases(old: dict, new: dict, report: Report) -> list[str]:
    """Each clinical scenario, named by its findings; a scenario removed is flagged."""
    def by_findings(tree: dict) -> dict[str, dict]:
        cases = tree.get("scenarios") if isinstance(tree.get("scenarios"), list) else []
        return {" + ".join(code(f) for f in sorted(_strings(c.get("findings")))): c for c in cases if isinstance(c, dict)}

    before, after = by_findings(old), by_findings(new)
    rows = [f"scenario {k} added: expects {words('tier', c.get('expect'))}" for k, c in after.items() if k not in before]
    for k, c in before.items():
        if k not in after:
            rows.append(f"⚠ scenario {k} removed (expected {words('tier', c.get('expect'))})")
            report.lowers.append(f"the flowchart: removes scenario {k} (expected {words('tier', c.get('expect'))}), a check on the rules")
        else:
            rows += _prefixed(f"scenario {k}", diff_value((), c, after[k], f"the flowchart: scenario {k}", report))
    return rows


# ---- flowchart readers ---------------------------------------------------------

@dataclass(frozen=True)
class ReaderGroup:
    """The readers checked who go from one result to another (old -> new tier and outcome), smallest first."""

    old_tier: str
    new_tier: str
    old_outcome: str
    new_outcome: str
    readers: tuple[frozenset[str], ...]


def _scenario_findings(ds: model.Dataset) -> list[list[str]]:
    return [_strings(c["findings"]) for _i, c in triage._scenarios(ds.triage)]


def readers_checked(old: triage.Rules, new: triage.Rules, scenarios: Iterable[Iterable[str]] = ()) -> set[frozenset[str]]:
    """The readers both sides' proofs start from (triage.readers, with the scenarios), and each with one finding more."""
    scenarios = [frozenset(s) for s in scenarios]
    base = set(triage.readers(old, scenarios)) | set(triage.readers(new, scenarios))
    extra = dict.fromkeys(old.asked + new.asked + tuple(sorted(set(old.urgency) | set(new.urgency))))
    return base | {reader | {fid} for reader in base for fid in extra if fid not in reader}


def reader_changes(old: triage.Rules, new: triage.Rules, scenarios: Iterable[Iterable[str]] = ()) -> list[ReaderGroup]:
    """Every group of readers checked whose tier or outcome differs (see the module docstring), lowerings first."""
    groups: dict[tuple[str, str, str, str], list[frozenset[str]]] = {}
    old_run, new_run = old.run, new.run
    for reader in sorted(readers_checked(old, new, scenarios), key=lambda r: (len(r), sorted(r))):
        (before, _n), (after, _m) = old_run(reader), new_run(reader)
        if (before.tier, before.outcome) != (after.tier, after.outcome):
            groups.setdefault((before.tier, after.tier, before.outcome, after.outcome), []).append(reader)
    tiers = vocab.tiers()
    out = [ReaderGroup(*key, tuple(members)) for key, members in groups.items()]
    out.sort(key=lambda g: (tiers.rank(g.old_tier) >= tiers.rank(g.new_tier), tiers.rank(g.old_tier), len(g.readers[0]),
                            sorted(g.readers[0])))
    return out


def compare_triage(old: model.Dataset, new: model.Dataset, report: Report) -> None:
    old_rules, new_rules = triage.compile_rules(old), triage.compile_rules(new)
    if old_rules is None or new_rules is None:
        if (old_rules is None) != (new_rules is None):
            report.readers = ("### Flowchart readers\n\nThe flowchart cannot be compared: one side cannot be read "
                              "(the validator says why).")
            report.checks.append("the flowchart cannot be compared: one side cannot be read")
        return
    groups = reader_changes(old_rules, new_rules, _scenario_findings(old) + _scenario_findings(new))
    if not groups:
        return
    names = {fid: rec.title for fid, rec in {**old.findings(), **new.findings()}.items()}
    tiers = vocab.tiers()
    moved = [g for g in groups if g.old_tier != g.new_tier]
    same = [g for g in groups if g.old_tier == g.new_tier]
    lines = []
    for group in moved[:MAX_READERS]:
        lowered = tiers.rank(group.new_tier) > tiers.rank(group.old_tier)
        who = " + ".join(f"{esc(names.get(f, f))} ({code(f)})" for f in sorted(group.readers[0])) or "no warning sign"
        where = f"outcome {code(group.old_outcome)}" + (f", now {code(group.new_outcome)}" if group.new_outcome != group.old_outcome else "")
        lines.append(f"- {'⚠ ' if lowered else ''}**{words('tier', group.old_tier)} -> {words('tier', group.new_tier)}** "
                     f"({where}): {len(group.readers)} reader(s), e.g. {who}")
    for group in moved:
        if tiers.rank(group.new_tier) > tiers.rank(group.old_tier):
            example = " + ".join(code(f) for f in sorted(group.readers[0])) or "no warning sign"
            report.lowers.append(f"the flowchart: {len(group.readers)} reader(s), e.g. a reader with {example}, now reach "
                                 f"{words('tier', group.new_tier)} instead of {words('tier', group.old_tier)} "
                                 f"(outcome {code(group.new_outcome)})")
    if len(moved) > MAX_READERS:
        lines.append(f"- … and {len(moved) - MAX_READERS} more group(s)")
    if same:
        lines.append(f"- Same tier, another outcome: {sum(len(g.readers) for g in same)} reader(s) in {len(same)} group(s), e.g. "
                     + "; ".join(f"{' + '.join(code(f) for f in sorted(g.readers[0])) or 'no finding'}: "
                                 f"{code(g.old_outcome)} -> {code(g.new_outcome)}" for g in same[:3]))
    head = (f"### Flowchart readers whose tier changes ({len(moved)} group(s))" if moved
            else "### Flowchart readers\n\nNo reader's tier changes.")
    report.readers = (head + "\n\nReaders checked: the readers the validator starts from on either side (no finding, each "
                           "finding alone, one finding from each line of each rule, each scenario), and each of them with one "
                           "finding more. A group is the readers whose tier and outcome change the same way; each is named by "
                           "its smallest reader, whom `python -m macros.triage` gives the old and the new result.\n\n"
                           + "\n".join(lines))


# ---- sources --------------------------------------------------------------------

def compare_citations(old: model.Dataset, new: model.Dataset, report: Report) -> None:
    renamed = {old_id: new_id for (kind, old_id), new_id in report.renamed.items() if kind == "sources"}
    before = {renamed.get(sid, sid) for sid in old.kind("sources") if old.cited_by(sid)}
    after = {sid for sid in new.kind("sources") if new.cited_by(sid)}
    lines = [f"- now cited: {code(sid)} {_source_title(new, sid)}" for sid in sorted(after - before)]
    lines += [f"- no longer cited: {code(sid)} {_source_title(old, sid)}" for sid in sorted(before - after)]
    if lines:
        report.sections.append("### Sources\n\n" + "\n".join(lines))


def _source_title(ds: model.Dataset, sid: str) -> str:
    rec = ds.get("sources", sid)
    title = str(rec.get("title") or "") if rec else ""
    return f"({esc(title if len(title) <= 80 else title[:79] + '…')})" if title else ""


# ---- the report -------------------------------------------------------------------

def compare(old: model.Dataset, new: model.Dataset, base_name: str = "the base") -> str:
    report = Report()
    compare_records(old, new, report)
    compare_citations(old, new, report)
    compare_hosts(old, new, report)
    compare_schemas(old, new, report)
    compare_triage(old, new, report)
    out = [f"## What this change means for readers (compared with {base_name})", ""]
    if report.lowers or report.raises or report.checks:
        parts = [what for what, found in (("lowers care or evidence", report.lowers),
                                          ("raises a treatment's grade or role", report.raises),
                                          ("has changes a clinical reviewer must read", report.checks)) if found]
        what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        out += ["> [!WARNING]", f"> ⚠ **This change {what}.** A clinical reviewer should check:"]
        out += [f"> - ⚠ lowers: {line}" for line in report.lowers]
        out += [f"> - ⚠ raises: {line}" for line in report.raises]
        out += [f"> - ⚠ check: {line}" for line in report.checks]
        out.append("")
    if not report.sections:
        out.append("No change to the data readers see.\n")
    out += ["\n\n".join(report.sections + [report.readers])]
    return "\n".join(out).rstrip() + "\n"


def git(root: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    if result.returncode:
        raise SystemExit(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def load_at(root: Path, ref: str, dest: Path) -> model.Dataset:
    """The dataset as it was at a git ref, unpacked into dest (the working tree is not touched)."""
    archive = git(root, "archive", "--format=tar", ref, "--", "data")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return model.load(dest / "data")


def default_base(root: Path) -> str:
    for main in ("main", "origin/main"):
        result = subprocess.run(["git", "-C", str(root), "merge-base", "HEAD", main], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.strip()
    raise SystemExit("no branch 'main' to compare with; give a git ref: python -m macros.data.diff BASE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.data.diff", description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", help="a git ref (default: the merge base of HEAD with main)")
    parser.add_argument("--old", type=Path, metavar="DIR", help="the old data folder (instead of a git ref)")
    parser.add_argument("--new", type=Path, metavar="DIR", help="the new data folder (default: ./data of this repository)")
    parser.add_argument("--base-name", metavar="TEXT", help="how to name the old side in the heading (e.g. a commit)")
    args = parser.parse_args(argv)
    if args.old and args.base:
        parser.error("give a git ref or --old DIR, not both")
    for folder in (args.old, args.new):
        if folder is not None and not folder.is_dir():
            raise SystemExit(f"no such data folder: {limits.printable(str(folder))}")
    with tempfile.TemporaryDirectory(prefix="data-diff-") as tmp:
        if args.old:
            old, name = model.load(args.old), args.base_name or "the base"
            new = model.load(args.new) if args.new else model.load(_root() / "data")
        else:
            root = _root()
            base = args.base or default_base(root)
            git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
            old, name = load_at(root, base, Path(tmp)), args.base_name or (base if len(base) < 40 else base[:12])
            new = model.load(args.new or root / "data")
        sys.stdout.write(compare(old, new, code(name[:40])))
    return 0


def _root() -> Path:
    return Path(git(Path.cwd(), "rev-parse", "--show-toplevel").decode().strip())


if __name__ == "__main__":
    sys.exit(main())
