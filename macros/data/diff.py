"""What a change to data/ means for readers, in plain words, as Markdown.

    python -m macros.data.diff            # the working tree against the merge base with main
    python -m macros.data.diff BASE       # ... against BASE, any git ref (a branch, a tag, a commit)

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
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model, triage, vocab

# Field name -> the vocabulary its value comes from (shown in words, compared by rank).
VOCAB_FIELDS = {"urgency": "tier", "tier": "tier", "at_least": "tier", "expect": "tier", "grade": "grade", "role": "role",
                "typical": "typicality"}
RANKED = {"tier": "tier", "grade": "grade", "role": "role"}  # lower in the list = lower care or weaker evidence
# Keys that identify an entry of a list of groups of fields, so entries are matched, not compared by position.
ENTRY_KEYS = ("id", "term", "mechanism", "claim", "causes", "findings", "together", "situation", "when")
MAX_READERS = 40  # changed reader groups listed in full; the rest are counted
SHORT = 90  # text up to this long is quoted before -> after; longer text is "reworded"


@dataclass
class Report:
    lowers: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # not lower, but a clinical reviewer must read them (flagged ⚠)
    sections: list[str] = field(default_factory=list)
    renamed: dict = field(default_factory=dict)  # (kind, old id) -> new id


# ---- words -------------------------------------------------------------------

def words(vocab_name: str, value: Any) -> str:
    if value is None:
        return "none"
    try:
        term = vocab.get(vocab_name)[value]
    except KeyError:
        return f"`{value}`"
    action = term.get("action")
    return f"{term.title} ({action[0].lower() + action[1:]})" if action else term.title


def shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        text = " ".join(value.split())
        return f"“{text}”" if len(text) <= SHORT else f"“{text[:SHORT]}…”"
    return f"`{json.dumps(value, ensure_ascii=False)}`" if len(json.dumps(value)) <= SHORT else "(a longer value)"


def ids(values: Iterable) -> str:
    return ", ".join(f"`{v}`" for v in values)


def label(path: tuple) -> str:
    return " › ".join(str(p) for p in path) if path else "(record)"


# ---- records -----------------------------------------------------------------

def _entry_key(entries: list) -> str | None:
    if not entries or not all(isinstance(e, dict) for e in entries):
        return None
    for key in ENTRY_KEYS:
        if all(key in e for e in entries):
            return key
    return None


def diff_value(path: tuple, old: Any, new: Any, where: str, report: Report) -> list[str]:
    """Lines describing how old became new at path; lowerings are added to report.lowers."""
    if old == new:
        return []
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if key in VOCAB_FIELDS and (isinstance(old, str) or isinstance(new, str)) and not isinstance(old, (list, dict)) \
            and not isinstance(new, (list, dict)):
        name = VOCAB_FIELDS[key]
        line = f"{label(path)}: {words(name, old)} -> {words(name, new)}"
        if name in RANKED and _lower(name, old, new):
            report.lowers.append(f"{where}: {line}")
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
        if entry and all(len({json.dumps(e[entry], sort_keys=True) for e in side}) == len(side) for side in (old, new)):
            old_by = {json.dumps(e[entry], sort_keys=True): e for e in old}
            new_by = {json.dumps(e[entry], sort_keys=True): e for e in new}
            out = []
            for k, e in new_by.items():
                if k not in old_by:
                    out.append(f"{label(path)}: added {entry} {shown(e[entry])}" + _vocab_summary(e))
            for k, e in old_by.items():
                if k not in new_by:
                    out.append(f"{label(path)}: removed {entry} {shown(e[entry])}" + _vocab_summary(e))
                else:
                    out += diff_value(path + (f"{entry} {shown(e[entry])}",), e, new_by[k], where, report)
            return out or [f"{label(path)}: reordered"]
    if old is None:
        return [f"{label(path)}: added {shown(new)}"]
    if new is None:
        return [f"{label(path)}: removed (was {shown(old)})"]
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > SHORT:
        return [f"{label(path)}: reworded"]
    return [f"{label(path)}: {shown(old)} -> {shown(new)}"]


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
        return f"The {singular} (`{rec.path.as_posix()}`)"
    name = rec.title if len(rec.title) <= 80 else rec.title[:79] + "…"
    return f"{singular[0].upper()}{singular[1:]} **{name}** (`{rec.id}`)"


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
    lines += [f"- Renamed: {_title(r[0], before[r])} -> `{a[1]}`" for r, a in renamed]
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
        if ak[0] == "triage":  # screens, outcomes, rules and scenarios entry by entry; the rest as fields
            rows = _triage_entries(b.data, a.data, report)
        else:
            rows = diff_value((), b.data, a.data, title.replace("**", ""), report)
        rows = [r for r in rows if not (bk != ak and r.startswith("id: "))]  # the rename is listed above
        if rows:
            changed.append(f"#### {title}\n\n" + "\n".join(f"- {r}" for r in rows if r))
    if changed:
        report.sections.append("### Changed records\n\n" + "\n\n".join(changed))


# ---- the flowchart, entry by entry ----------------------------------------------

TRIAGE_ENTRIES = ("screens", "outcomes", "combinations", "scenarios")  # compared entry by entry; the rest as fields
TEXT_KEYS = ("title", "advice", "watch_for")  # an outcome's words, shown in full on a red-flag outcome


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
    return f"“{' '.join(text.split())}”" if isinstance(text, str) else "nothing"


def _together(lines: Any) -> str:
    if not isinstance(lines, list):
        return shown(lines)
    return " and ".join("(" + " or ".join(f"`{f}`" for f in _strings(line)) + ")" for line in lines)


def _red_flag(tier: Any) -> bool:
    tiers = vocab.tiers()
    return tier in tiers and tiers.rank(tier) <= tiers.rank("urgent")


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
            rows.append(f"screen `{sid}` added: {shown(s.get('question'))}, asks about {ids(_strings(s.get('findings')))}")
    for sid, s in before.items():
        if sid not in after:
            rows.append(f"screen `{sid}` removed")
            new_findings: list[str] = []
        else:
            words_b, words_a = ({k: v for k, v in d.items() if k != "findings"} for d in (s, after[sid]))
            rows += _prefixed(f"screen `{sid}`", diff_value((), words_b, words_a, f"the flowchart: screen `{sid}`", report))
            new_findings = _strings(after[sid].get("findings"))
            added = [f for f in new_findings if f not in _strings(s.get("findings"))]
            if added:
                rows.append(f"screen `{sid}` now also asks about {ids(added)}")
        for fid in [f for f in _strings(s.get("findings")) if f not in new_findings]:
            where = f"now asked on screen `{now_on[fid]}`" if fid in now_on else "no longer asked on any screen"
            rows.append(f"⚠ screen `{sid}` no longer asks about `{fid}` ({where})")
            report.lowers.append(f"the flowchart: screen `{sid}` no longer asks about `{fid}` ({where})")
    return rows


def _outcomes(old: dict, new: dict, report: Report) -> list[str]:
    """Each outcome; new words on an emergency or urgent outcome are shown in full and flagged."""
    before, after = _by_id(old.get("outcomes")), _by_id(new.get("outcomes"))
    rows = [f"outcome `{oid}` added ({words('tier', o.get('tier'))}): {shown(o.get('title'))}"
            for oid, o in after.items() if oid not in before]
    rows += [f"outcome `{oid}` removed (was {words('tier', o.get('tier'))})" for oid, o in before.items() if oid not in after]
    for oid in [o for o in before if o in after]:
        o, n = before[oid], after[oid]
        red = next((t for t in (o.get("tier"), n.get("tier")) if _red_flag(t)), None)
        plain = [k for k in list(o) + [k for k in n if k not in o] if not (red and k in TEXT_KEYS)]
        rows += _prefixed(f"outcome `{oid}`", diff_value((), {k: o.get(k) for k in plain}, {k: n.get(k) for k in plain},
                                                        f"the flowchart: outcome `{oid}`", report))
        for key in TEXT_KEYS if red else ():
            if o.get(key) != n.get(key):
                rows.append(f"⚠ outcome `{oid}` (tier {vocab.tiers()[red].title}) {key} changed:\n"
                            f"  - before: {_full(o.get(key))}\n  - now: {_full(n.get(key))}")
                report.checks.append(f"the flowchart: new {key} on {words('tier', red)} outcome `{oid}`; read it in full below")
    return rows


def _combinations(old: dict, new: dict, report: Report) -> list[str]:
    """Each combination rule, by id; a rule removed is flagged."""
    before, after = _by_id(old.get("combinations")), _by_id(new.get("combinations"))

    def rule(c: dict) -> str:
        return f"{_together(c.get('together'))} -> at least {words('tier', c.get('at_least'))}, outcome `{c.get('outcome')}`"

    rows = [f"combination `{cid}` added: {rule(c)}" for cid, c in after.items() if cid not in before]
    for cid, c in before.items():
        if cid not in after:
            rows.append(f"⚠ combination `{cid}` removed (was {rule(c)})")
            report.lowers.append(f"the flowchart: removes combination rule `{cid}` ({rule(c)})")
            continue
        n = after[cid]
        if c.get("together") != n.get("together"):
            rows.append(f"combination `{cid}` together: {_together(c.get('together'))} -> {_together(n.get('together'))}")
        rest_b, rest_a = ({k: v for k, v in d.items() if k != "together"} for d in (c, n))
        rows += _prefixed(f"combination `{cid}`", diff_value((), rest_b, rest_a, f"the flowchart: combination `{cid}`", report))
    return rows


def _cases(old: dict, new: dict, report: Report) -> list[str]:
    """Each clinical scenario, named by its findings; a scenario removed is flagged."""
    def by_findings(tree: dict) -> dict[str, dict]:
        cases = tree.get("scenarios") if isinstance(tree.get("scenarios"), list) else []
        return {" + ".join(f"`{f}`" for f in sorted(_strings(c.get("findings")))): c for c in cases if isinstance(c, dict)}

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
    cases = ds.triage.get("scenarios")
    return [_strings(c.get("findings")) for c in cases if isinstance(c, dict)] if isinstance(cases, list) else []


def readers_checked(old: triage.Rules, new: triage.Rules, scenarios: Iterable[Iterable[str]] = ()) -> set[frozenset[str]]:
    """The readers both sides' proofs start from (triage.readers, with the scenarios), and each with one finding more."""
    scenarios = [frozenset(s) for s in scenarios]
    base = set(triage.readers(old, scenarios)) | set(triage.readers(new, scenarios))
    extra = dict.fromkeys(old.asked + new.asked + tuple(sorted(set(old.urgency) | set(new.urgency))))
    return base | {reader | {fid} for reader in base for fid in extra if fid not in reader}


class _Remembering:
    """The rules, with evaluate() remembering its answers: the stepper asks it the same findings for many readers."""

    run = triage.Rules.run  # the stepper itself, reading screens and evaluate from here

    def __init__(self, rules: triage.Rules):
        self._rules, self._seen = rules, {}

    def __getattr__(self, name: str):
        return getattr(self._rules, name)

    def evaluate(self, findings: Iterable[str]) -> triage.Result:
        key = frozenset(findings)
        if key not in self._seen:
            self._seen[key] = self._rules.evaluate(key)
        return self._seen[key]


def reader_changes(old: triage.Rules, new: triage.Rules, scenarios: Iterable[Iterable[str]] = ()) -> list[ReaderGroup]:
    """Every group of readers checked whose tier or outcome differs (see the module docstring), lowerings first."""
    groups: dict[tuple[str, str, str, str], list[frozenset[str]]] = {}
    old_run, new_run = _Remembering(old).run, _Remembering(new).run
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
            report.sections.append("### Flowchart readers\n\nThe flowchart cannot be compared: one side cannot be read "
                                   "(the validator says why).")
        return
    groups = reader_changes(old_rules, new_rules, _scenario_findings(old) + _scenario_findings(new))
    if not groups:
        if old.triage != new.triage or old_rules.urgency != new_rules.urgency:
            report.sections.append("### Flowchart readers\n\nNo reader's outcome changes.")
        return
    names = {fid: rec.title for fid, rec in {**old.findings(), **new.findings()}.items()}
    tiers = vocab.tiers()
    moved = [g for g in groups if g.old_tier != g.new_tier]
    same = [g for g in groups if g.old_tier == g.new_tier]
    lines = []
    for group in moved[:MAX_READERS]:
        lowered = tiers.rank(group.new_tier) > tiers.rank(group.old_tier)
        who = " + ".join(f"{names.get(f, f)} (`{f}`)" for f in sorted(group.readers[0])) or "no warning sign"
        where = f"outcome `{group.old_outcome}`" + (f", now `{group.new_outcome}`" if group.new_outcome != group.old_outcome else "")
        lines.append(f"- {'⚠ ' if lowered else ''}**{words('tier', group.old_tier)} -> {words('tier', group.new_tier)}** "
                     f"({where}): {len(group.readers)} reader(s), e.g. {who}")
    for group in moved:
        if tiers.rank(group.new_tier) > tiers.rank(group.old_tier):
            example = " + ".join(f"`{f}`" for f in sorted(group.readers[0])) or "no warning sign"
            report.lowers.append(f"the flowchart: {len(group.readers)} reader(s), e.g. a reader with {example}, now reach "
                                 f"{words('tier', group.new_tier)} instead of {words('tier', group.old_tier)} "
                                 f"(outcome `{group.new_outcome}`)")
    if len(moved) > MAX_READERS:
        lines.append(f"- … and {len(moved) - MAX_READERS} more group(s)")
    if same:
        lines.append(f"- Same tier, another outcome: {sum(len(g.readers) for g in same)} reader(s) in {len(same)} group(s), e.g. "
                     + "; ".join(f"{' + '.join(f'`{f}`' for f in sorted(g.readers[0])) or 'no finding'}: "
                                 f"`{g.old_outcome}` -> `{g.new_outcome}`" for g in same[:3]))
    head = (f"### Flowchart readers whose tier changes ({len(moved)} group(s))" if moved
            else "### Flowchart readers\n\nNo reader's tier changes.")
    report.sections.append(head + "\n\nReaders checked: the readers the validator starts from on either side (no finding, each "
                           "finding alone, one finding from each line of each rule, each scenario), and each of them with one "
                           "finding more. A group is the readers whose tier and outcome change the same way; each is named by "
                           "its smallest reader, whom `python -m macros.triage` gives the old and the new result.\n\n"
                           + "\n".join(lines))


# ---- sources --------------------------------------------------------------------

def compare_citations(old: model.Dataset, new: model.Dataset, report: Report) -> None:
    renamed = {old_id: new_id for (kind, old_id), new_id in report.renamed.items() if kind == "sources"}
    before = {renamed.get(sid, sid) for sid in old.kind("sources") if old.cited_by(sid)}
    after = {sid for sid in new.kind("sources") if new.cited_by(sid)}
    lines = [f"- now cited: `{sid}` {_source_title(new, sid)}" for sid in sorted(after - before)]
    lines += [f"- no longer cited: `{sid}` {_source_title(old, sid)}" for sid in sorted(before - after)]
    if lines:
        report.sections.append("### Sources\n\n" + "\n".join(lines))


def _source_title(ds: model.Dataset, sid: str) -> str:
    rec = ds.get("sources", sid)
    title = str(rec.get("title") or "") if rec else ""
    return f"({title if len(title) <= 80 else title[:79] + '…'})" if title else ""


# ---- the report -------------------------------------------------------------------

def compare(old: model.Dataset, new: model.Dataset, base_name: str = "the base") -> str:
    report = Report()
    compare_records(old, new, report)
    compare_citations(old, new, report)
    compare_triage(old, new, report)
    out = [f"## What this change means for readers (compared with {base_name})", ""]
    if report.lowers or report.checks:
        what = "lowers care or evidence" if report.lowers else "changes what readers with a warning sign are told"
        out += ["> [!WARNING]", f"> ⚠ **This change {what}.** A clinical reviewer should check:"]
        out += [f"> - ⚠ lowers: {line}" for line in report.lowers]
        out += [f"> - ⚠ check: {line}" for line in report.checks]
        out.append("")
    if not report.sections:
        out.append("No change to the data readers see.")
    out += ["\n\n".join(report.sections)]
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
    args = parser.parse_args(argv)
    root = Path(git(Path.cwd(), "rev-parse", "--show-toplevel").decode().strip())
    base = args.base or default_base(root)
    git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="data-diff-") as tmp:
        old = load_at(root, base, Path(tmp))
        new = model.load(root / "data")
        shown_base = base if len(base) < 40 else base[:12]
        sys.stdout.write(compare(old, new, f"`{shown_base}`"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
