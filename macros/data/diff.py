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
* for the triage tree, every group of readers whose outcome tier changed.
  Method: ``macros.data.triage.paths`` enumerates every path of the old tree and
  of the new one, as the safety proof does. A path is a set of answers, so it
  describes a set of readers: Yes to a question means at least one of its
  findings, No means none of them. For every pair (old path, new path) whose
  answers can hold together (each Yes question keeps a finding that no No
  question excludes), the readers on both exist, and every reader is in
  exactly one pair. Where the two outcomes' tiers differ, the pair is
  reported with an example reader (one finding per Yes answer), whom
  ``walk`` takes down exactly those two paths.

Anything that lowers a tier, a grade or a role (including an urgency
removed, or a finding taken out of a triage question) is flagged at the top
with ⚠. CI writes the report to the job summary of every pull request.
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
ENTRY_KEYS = ("id", "term", "mechanism", "claim", "causes", "findings", "together", "situation")
MAX_READERS = 40  # changed reader groups listed in full; the rest are counted
SHORT = 90  # text up to this long is quoted before -> after; longer text is "reworded"


@dataclass
class Report:
    lowers: list[str] = field(default_factory=list)
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
        if ak[0] == "triage":  # the nodes one by one; the rest (combinations, scenarios...) as fields
            rest_b, rest_a = ({k: v for k, v in d.items() if k != "nodes"} for d in (b.data, a.data))
            rows = _triage_nodes(b.data, a.data, report) + diff_value((), rest_b, rest_a, "the flowchart", report)
        else:
            rows = diff_value((), b.data, a.data, title.replace("**", ""), report)
        rows = [r for r in rows if not (bk != ak and r.startswith("id: "))]  # the rename is listed above
        if rows:
            changed.append(f"#### {title}\n\n" + "\n".join(f"- {r}" for r in rows if r))
    if changed:
        report.sections.append("### Changed records\n\n" + "\n\n".join(changed))


def _triage_nodes(old: dict, new: dict, report: Report) -> list[str]:
    """The tree's questions and outcomes, node by node; a finding taken out of a question is flagged."""
    old_nodes, new_nodes = triage.nodes(old), triage.nodes(new)
    rows: list[str] = []
    for name in [n for n in new_nodes if n not in old_nodes]:
        rows.append(f"node `{name}` added" + (f" ({words('tier', new_nodes[name].get('tier'))})" if "tier" in new_nodes[name] else ""))
    for name in [n for n in old_nodes if n not in new_nodes]:
        rows.append(f"node `{name}` removed")
    for name in [n for n in old_nodes if n in new_nodes]:
        o, n = old_nodes[name], new_nodes[name]
        if not (isinstance(o, dict) and isinstance(n, dict)):
            continue
        o_any, n_any = o.get("any_of"), n.get("any_of")
        if isinstance(o_any, list) and isinstance(n_any, list):
            gone = [f for f in o_any if f not in n_any]
            if gone:
                report.lowers.append(f"the flowchart: question `{name}` no longer asks about {ids(gone)}")
        for row in diff_value((), o, n, f"the flowchart: node `{name}`", report):
            rows.append(f"node `{name}` {row}" if not row.startswith("⚠") else f"⚠ node `{name}` {row[2:]}")
    return rows


# ---- triage readers ------------------------------------------------------------

@dataclass(frozen=True)
class ReaderChange:
    example: tuple[str, ...]  # one finding per Yes answer: a reader walk() takes down both paths
    choices: tuple[tuple[str, ...], ...]  # per Yes answer, the findings that would do
    old_path: triage.Path
    new_path: triage.Path
    old_tier: str
    new_tier: str


def _answers(tree: dict, path: triage.Path) -> tuple[list[set[str]], set[str]]:
    graph = triage.nodes(tree)
    yes = [set(graph[s.node]["any_of"]) for s in path.steps if s.answer]
    no = set().union(*[set(graph[s.node]["any_of"]) for s in path.steps if not s.answer])
    return yes, no


def reader_changes(old_tree: dict, new_tree: dict) -> list[ReaderChange]:
    """Every group of readers whose outcome tier differs between the two trees (see the module docstring)."""
    old_paths, new_paths = list(triage.paths(old_tree)), list(triage.paths(new_tree))
    old_graph, new_graph = triage.nodes(old_tree), triage.nodes(new_tree)
    old_answers = [_answers(old_tree, p) for p in old_paths]
    new_answers = [_answers(new_tree, p) for p in new_paths]
    changes: list[ReaderChange] = []
    for p, (p_yes, p_no) in zip(old_paths, old_answers, strict=True):
        old_tier = old_graph[p.outcome]["tier"]
        for q, (q_yes, q_no) in zip(new_paths, new_answers, strict=True):
            new_tier = new_graph[q.outcome]["tier"]
            if new_tier == old_tier:
                continue
            excluded = p_no | q_no
            choices = [sorted(s - excluded) for s in p_yes + q_yes]
            if not all(choices):
                continue  # no reader answers both paths this way
            example: list[str] = []
            for options in choices:
                if not set(options) & set(example):
                    example.append(options[0])
            unique = tuple(dict.fromkeys(tuple(c) for c in choices))
            changes.append(ReaderChange(tuple(example), unique, p, q, old_tier, new_tier))
    tiers = vocab.tiers()
    changes.sort(key=lambda c: (tiers.rank(c.new_tier) - tiers.rank(c.old_tier) <= 0, c.example))
    return changes


def compare_triage(old: model.Dataset, new: model.Dataset, report: Report) -> None:
    old_tree, new_tree = _usable_tree(old), _usable_tree(new)
    if old_tree is None or new_tree is None:
        if (old_tree is None) != (new_tree is None):
            report.sections.append("### Flowchart readers\n\nThe flowchart cannot be compared: one side does not validate.")
        return
    try:
        changes = reader_changes(old_tree, new_tree)
    except (OverflowError, ValueError, KeyError):
        report.sections.append("### Flowchart readers\n\nThe flowchart cannot be compared: one side has a loop or too many paths.")
        return
    if not changes:
        if old_tree != new_tree:
            report.sections.append("### Flowchart readers\n\nNo reader's outcome tier changes.")
        return
    names = {fid: rec.title for fid, rec in {**old.findings(), **new.findings()}.items()}
    tiers = vocab.tiers()
    groups: dict[tuple, list[ReaderChange]] = {}
    for change in changes:
        groups.setdefault((change.old_tier, change.new_tier, change.old_path.outcome, change.new_path.outcome), []).append(change)
    lines = []
    for (old_tier, new_tier, old_out, new_out), members in groups.items():
        lowered = tiers.rank(new_tier) > tiers.rank(old_tier)
        where = f"outcome `{old_out}`" + (f", now `{new_out}`" if new_out != old_out else "")
        lines.append(f"- {'⚠ ' if lowered else ''}**{words('tier', old_tier)} -> {words('tier', new_tier)}** "
                     f"({where}): {len(members)} group(s) of readers")
        for change in members[:MAX_READERS]:
            who = " + ".join(f"{names.get(f, f)} (`{f}`)" for f in change.example) or "no warning sign"
            yes_old = [s.node for s in change.old_path.steps if s.answer]
            yes_new = [s.node for s in change.new_path.steps if s.answer]
            answers = (f"Yes to {ids(yes_old) or 'nothing'}" if yes_old == yes_new
                       else f"before Yes to {ids(yes_old) or 'nothing'}; now Yes to {ids(yes_new) or 'nothing'}")
            lines.append(f"  - {who}: {answers}, No to the other questions asked")
        if len(members) > MAX_READERS:
            lines.append(f"  - … and {len(members) - MAX_READERS} more")
        if lowered:
            example = " + ".join(f"`{f}`" for f in members[0].example) or "no warning sign"
            report.lowers.append(f"the flowchart: {len(members)} group(s) of readers, e.g. a reader with {example}, now end at "
                                 f"{words('tier', new_tier)} instead of {words('tier', old_tier)} (outcome `{new_out}`)")
    report.sections.append(f"### Flowchart readers whose outcome tier changes ({len(changes)} group(s))\n\n"
                           "A group is the readers who give one set of answers in the old tree and one in the new one "
                           "(a Yes means at least one finding of that question). Each is named by an example reader with "
                           "exactly these findings.\n\n" + "\n".join(lines))


def _usable_tree(ds: model.Dataset) -> dict | None:
    _rec, tree = triage._usable(ds)
    return tree


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
    if report.lowers:
        out += ["> [!WARNING]", "> ⚠ **This change lowers care or evidence.** A clinical reviewer should check:"]
        out += [f"> - ⚠ lowers: {line}" for line in report.lowers]
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
