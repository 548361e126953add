"""The validator: one invalid fixture per rule, each asserting its message.

Each tests/fixtures/invalid/<case>.json names the rule it breaks, an edit to
apply to a copy of the real data/ (replace text in a file, append, write raw
content, rename, copy, delete or symlink a file) and the lines the validator must
print. The real data must validate clean, so every failure is the edit's.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from macros import validate

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.json"))
LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def test_there_are_fixtures():
    assert len(CASES) >= 30, "the invalid fixtures went missing"


def apply_edit(root: Path, edit: dict) -> None:
    if "rename" in edit:
        src, dst = edit["rename"]
        (root / src).rename(root / dst)
    if "copy" in edit:
        src, dst = edit["copy"]
        shutil.copy(root / src, root / dst)
    if "delete" in edit:
        (root / edit["delete"]).unlink()
    if "symlink" in edit:
        link, target = edit["symlink"]  # target relative to the copy's root, made absolute
        (root / link).symlink_to(root / target)
    if "write" in edit:
        path, text = edit["write"]
        (root / path).write_text(text, encoding="utf-8")
    if "write_base64" in edit:
        path, data = edit["write_base64"]
        (root / path).write_bytes(base64.b64decode(data))
    if "replace" in edit:
        path = root / edit["file"]
        text = path.read_text(encoding="utf-8")
        for old, new in edit["replace"]:
            assert old in text, f"fixture out of date: {old!r} is not in {edit['file']}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    if "append" in edit:
        path = root / edit["file"]
        path.write_text(path.read_text(encoding="utf-8") + edit["append"], encoding="utf-8")


def run_validator(data_dir: Path, capsys) -> tuple[int, str]:
    code = validate.main([str(data_dir)])
    return code, capsys.readouterr().out


@pytest.fixture
def data_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def test_real_data_is_clean(capsys):
    code, out = run_validator(ROOT / "data", capsys)
    assert code == 0, out
    assert re.fullmatch(r"data OK: \d+ causes, \d+ symptoms, \d+ risk factors, \d+ treatments, \d+ anatomy, "
                        r"\d+ sources, \d+ glossary terms, \d+ triage nodes\n", out), out


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_fixture(case, data_copy, capsys):
    spec = json.loads(case.read_text(encoding="utf-8"))
    apply_edit(data_copy.parent, spec["edit"])
    code, out = run_validator(data_copy, capsys)
    assert code == 1, f"{spec['rule']}: the validator accepted the broken data:\n{out}"
    for expected in spec["expect"]:
        assert expected in out, f"{spec['rule']}: expected\n  {expected}\nin\n{out}"
    lines = out.strip().splitlines()
    assert lines[-1].endswith("fix each line above (file:line: field: what to do)")
    for line in lines[:-1]:
        assert LINE.match(line), f"not file:line: field: message: {line!r}"
    assert "Traceback" not in out


def test_cli_exit_codes_and_no_traceback(tmp_path):
    """The real command, as CI and contributors run it."""
    clean = subprocess.run([sys.executable, "-m", "macros.validate"], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0 and clean.stdout.startswith("data OK:"), clean.stdout + clean.stderr
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "symptoms" / "fever.yaml").write_text("id: fever\nname: [unclosed\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-m", "macros.validate", str(tmp_path / "data"), "--github"],
                            cwd=ROOT, capture_output=True, text=True)
    assert broken.returncode == 1
    assert "Traceback" not in broken.stdout + broken.stderr
    assert "::error file=data/symptoms/fever.yaml,line=" in broken.stdout


def test_reports_every_problem_not_just_the_first(data_copy, capsys):
    for name in ("fever", "chest-pain"):
        path = data_copy / "symptoms" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("region:", "regoin:"), encoding="utf-8")
    code, out = run_validator(data_copy, capsys)
    assert code == 1
    assert "data/symptoms/fever.yaml" in out and "data/symptoms/chest-pain.yaml" in out


def test_alias_bomb_fails_fast(data_copy, capsys):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    (data_copy / "symptoms" / "fever.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    code, out = run_validator(data_copy, capsys)
    assert code == 1 and "anchors and aliases" in out
    assert time.perf_counter() - started < 10


def test_validator_is_fast_on_real_data():
    """The issue asks for under 2 s; measured properly by the benchmark, this only guards against a blow-up."""
    started = time.perf_counter()
    ds = validate.load_valid(ROOT / "data")
    assert ds.kind("causes")
    assert time.perf_counter() - started < 10
