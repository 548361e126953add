"""python -m macros.data.diff: what a change to data/ means for readers, tested on a fixture pair.

tests/fixtures/diff/<case>.json lists edits (the same kinds as the invalid
fixtures: replace, rename...) applied to a copy of data/; the report of the
real data against the edited copy must contain every line in "expect".
The reader-path comparison is also checked against the reference walker.
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

from macros.data import diff, model, triage

from .test_validator import apply_edit

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "fixtures" / "diff").glob("*.json"))


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
    if any("⚠" in line for line in spec["expect"]):
        assert report.splitlines()[2] == "> [!WARNING]", "a lowering is flagged at the top"


def test_no_change_says_so():
    ds = model.load(ROOT / "data")
    assert "No change to the data readers see." in diff.compare(ds, model.load(ROOT / "data"))


def test_reader_groups_agree_with_the_walker(tmp_path):
    """Every reported group's example reader walks down exactly its two paths, and every reader whose
    tier differs (sampled at random, with the findings the trees ask about) falls in a reported group."""
    spec = json.loads(CASES[0].read_text(encoding="utf-8"))
    old = model.load(ROOT / "data").triage
    new = model.load(edited_copy(tmp_path, spec)).triage
    changes = diff.reader_changes(old, new)
    assert changes
    pairs = set()
    for change in changes:
        assert triage.walk(old, set(change.example)) == change.old_path
        assert triage.walk(new, set(change.example)) == change.new_path
        pairs.add((change.old_path, change.new_path))
    assert len(pairs) == len(changes)  # each group once
    asked = sorted({f for tree in (old, new) for n in triage.nodes(tree).values() if triage.is_question(n) for f in n["any_of"]})
    rng = random.Random(15)
    tiers = lambda tree, path: triage.nodes(tree)[path.outcome]["tier"]  # noqa: E731
    for _ in range(3000):
        reader = {f for f in asked if rng.random() < 0.08}
        p, q = triage.walk(old, reader), triage.walk(new, reader)
        assert (tiers(old, p) != tiers(new, q)) == ((p, q) in pairs), reader


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
    spec = json.loads(CASES[0].read_text(encoding="utf-8"))
    for edit in spec["edits"]:
        apply_edit(repo, edit)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["HEAD"], []):  # a ref given, and the default: the merge base with main
        result = subprocess.run([sys.executable, "-m", "macros.data.diff", *args], cwd=repo, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "⚠ lowers: Symptom High temperature (`fever`)" in result.stdout
        # How many groups depends on the real tree's shape; that the change is reported does not.
        assert re.search(r"\(outcome `soon-history`\): \d+ group\(s\) of readers", result.stdout)
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout.strip()  # untouched
    bad = subprocess.run([sys.executable, "-m", "macros.data.diff", "no-such-ref"], cwd=repo, env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
