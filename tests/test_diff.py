"""python -m macros.data.diff: what a change to data/ means for readers, tested on a fixture pair.

tests/fixtures/diff/<case>.json lists edits (the same kinds as the invalid
fixtures: replace, rename...) applied to a copy of data/; the report of the
real data against the edited copy must contain every line in "expect" and
none in "absent". Each attack on the summary (issue 21) is one fixture.
The reader comparison is also checked against the rules' own stepper (triage.Rules.run).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from macros.data import diff, model, triage, vocab

from .test_validator import apply_edit

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "fixtures" / "diff").glob("*.json"))
LOWER = ROOT / "tests" / "fixtures" / "diff" / "lower-urgency-change-outcome.json"  # lowers and raises readers


def edited_copy(tmp_path: Path, spec: dict) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    for edit in spec["edits"]:
        apply_edit(tmp_path, edit)
    return tmp_path / "data"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_report_on_fixture_pair(case, tmp_path):
    spec = json.loads(case.read_text(encoding="utf-8"))
    report = diff.compare(model.load(ROOT / "data"), model.load(edited_copy(tmp_path, spec)), "`main`")
    for expected in spec["expect"]:
        assert expected in report, f"expected\n  {expected}\nin\n{report}"
    for forbidden in spec.get("absent", []):
        assert forbidden not in report, f"did not expect\n  {forbidden}\nin\n{report}"
    if any("⚠" in line for line in spec["expect"]):
        assert report.splitlines()[2] == "> [!WARNING]", "a lowering is flagged at the top"


def test_no_change_says_so():
    ds = model.load(ROOT / "data")
    report = diff.compare(ds, model.load(ROOT / "data"))
    assert "No change to the data readers see." in report and "No reader's outcome changes." in report
    assert "⚠" not in report


def test_every_value_is_escaped_by_one_helper():
    """esc(): one line, no raw < > &, Markdown specials inert; code() keeps only plain ids in backticks."""
    assert diff.esc("a\n\n> [!NOTE]\r\n> b\u2028c") == "a &gt; \\[!NOTE\\] &gt; b c"
    assert diff.esc("<img src=x> & `x` *y* _z_ snake_case $m$ ~s~ | :warning:") == (
        "&lt;img src=x&gt; &amp; \\`x\\` \\*y\\* \\_z\\_ snake_case \\$m\\$ \\~s\\~ \\| \\:warning\\:")
    assert diff.code("kidney-stones") == "`kidney-stones`"
    assert diff.code("x`y\n<b>") == "x\\`y &lt;b&gt;"
    assert diff.esc("\x1b[31m") == "\\\\x1b\\[31m"  # shown as \\x1b, never a raw escape


def test_new_data_that_cannot_be_read_is_not_echoed(tmp_path):
    """A record that is not YAML: the summary says the validator says why, and prints nothing from the file."""
    spec = {"edits": [{"file": "data/causes/muscle-strain.yaml", "append": "\n<details><img src=x>: [\n"}]}
    report = diff.compare(model.load(ROOT / "data"), model.load(edited_copy(tmp_path, spec)))
    assert "cannot be read now; the validator says why" in report
    assert "<details>" not in report and "<img" not in report


def test_reader_groups_agree_with_the_rules(tmp_path):
    """Every reported group's readers get exactly its old and new result from the stepper, lowerings come first,
    and every reader with at most two findings whose result differs (all of them are checked) is in a group."""
    spec = json.loads(LOWER.read_text(encoding="utf-8"))
    old_ds, new_ds = model.load(ROOT / "data"), model.load(edited_copy(tmp_path, spec))
    old, new = triage.compile_rules(old_ds), triage.compile_rules(new_ds)
    groups = diff.reader_changes(old, new, [c["findings"] for c in old_ds.triage["scenarios"]])
    assert groups
    tiers = vocab.tiers()
    lowered = [tiers.rank(g.new_tier) > tiers.rank(g.old_tier) for g in groups]
    assert any(lowered) and lowered == sorted(lowered, reverse=True), "lowerings first"
    grouped = {}
    for g in groups:
        for reader in g.readers:
            before, after = old.run(reader)[0], new.run(reader)[0]
            assert (before.tier, after.tier) == (g.old_tier, g.new_tier), reader
            assert (before.outcome, after.outcome) == (g.old_outcome, g.new_outcome), reader
            assert reader not in grouped, "each reader in one group"
            grouped[reader] = g
    asked = sorted(set(old.asked) | set(new.asked))
    rng = random.Random(19)
    for _ in range(3000):
        reader = frozenset(rng.sample(asked, rng.randint(0, 2)))
        before, after = old.run(reader)[0], new.run(reader)[0]
        assert ((before.tier, before.outcome) != (after.tier, after.outcome)) == (reader in grouped), sorted(reader)


def test_no_reader_change_says_so(tmp_path):
    """A flowchart change that moves no reader says so (here: a screen's help reworded)."""
    spec = {"edits": [{"file": "data/triage.yaml", "replace": [["    help: If you are not sure whether one applies, tick it.",
                                                                  "    help: Tick any that apply."]]}]}
    report = diff.compare(model.load(ROOT / "data"), model.load(edited_copy(tmp_path, spec)))
    assert "No reader's outcome changes." in report
    assert "⚠" not in report


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_cli_compares_a_git_ref_with_the_working_tree(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(ROOT / "data", repo / "data")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    spec = json.loads(LOWER.read_text(encoding="utf-8"))
    for edit in spec["edits"]:
        apply_edit(repo, edit)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["HEAD"], []):  # a ref given, and the default: the merge base with main
        result = subprocess.run([sys.executable, "-m", "macros.data.diff", *args], cwd=repo, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "⚠ lowers: Symptom High temperature (`fever`)" in result.stdout
        # How many readers depends on the real rules; that the change is reported does not.
        assert re.search(r"\(outcome `soon-history`, now `urgent-cancer`\): \d+ reader\(s\), e\.g\. ", result.stdout)
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout.strip()  # untouched
    bad = subprocess.run([sys.executable, "-m", "macros.data.diff", "no-such-ref"], cwd=repo, env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_cli_compares_two_data_folders_without_git(tmp_path):
    """What CI runs: the base checkout's code on the pull request's data folder (--old, --new), no git needed."""
    spec = json.loads((ROOT / "tests" / "fixtures" / "diff" / "emergency-advice-and-harmful-raise.json").read_text(encoding="utf-8"))
    new = edited_copy(tmp_path / "pr", spec)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "macros.data.diff", "--old", str(ROOT / "data"), "--new", str(new),
                             "--base-name", "0123456789abcdef"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## What this change means for readers (compared with `0123456789abcdef`)")
    assert "> - ⚠ raises: Treatment Opioid painkillers (`opioids`)" in result.stdout
    missing = subprocess.run([sys.executable, "-m", "macros.data.diff", "--old", str(ROOT / "data"), "--new", str(tmp_path / "nowhere")],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
    assert missing.returncode != 0 and "no such data folder" in missing.stderr and "Traceback" not in missing.stderr
