"""The validator: one invalid fixture per rule, each asserting its message.

Each tests/fixtures/invalid/<case>.json names the rule it breaks, an edit to
apply (replace text in a file, append, write raw content, rename, copy, delete
or symlink a file) and the lines the validator must print. The edit is applied
to a copy of the frozen fixture dataset in tests/fixtures/dataset/ (laid out
like data/, about one record per kind, just enough to validate clean under
every rule), never to the real records: editing the guide's content cannot
break these tests, and the line numbers they assert stay put. The copy sits at
<tmp>/data/, so messages name data/<kind>/<file>, with the repository's
data/schemas/ copied in as its schemas/. To test a rule that needs a feature
the fixture dataset lacks, add the feature to the dataset (it must stay clean).

The real data/ must validate clean too (test_real_data_is_clean), also with
comment lines added to every record (test_real_records_tolerate_comment_lines).
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

from macros.data import model, validate

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "tests" / "fixtures" / "dataset"
CASES = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.json"))
LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")
# After a YAML syntax problem: the line quoted ("    12 | text") and a caret under the column ("       |   ^").
CONTINUATION = re.compile(r"^    (?:\d+| +) \| .*$")


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


def copy_dataset(dest: Path) -> Path:
    """A copy of the frozen fixture dataset at dest (a folder named data, so messages read data/...), with the
    repository's schemas as its schemas/ (the fixture dataset holds records only)."""
    shutil.copytree(DATASET, dest)
    shutil.copytree(ROOT / "data" / "schemas", dest / "schemas")
    return dest


@pytest.fixture
def data_copy(tmp_path) -> Path:
    return copy_dataset(tmp_path / "data")


SUMMARY = re.compile(r"data OK: \d+ causes, \d+ symptoms, \d+ risk factors, \d+ treatments, \d+ anatomy, "
                     r"\d+ sources, \d+ glossary terms, \d+ flowchart screens, \d+ outcomes\n")


def test_real_data_is_clean(capsys):
    code, out = run_validator(ROOT / "data", capsys)
    assert code == 0, out
    assert SUMMARY.fullmatch(out), out


def test_real_records_tolerate_comment_lines(tmp_path, capsys):
    """Comment lines added at the top of every record move every line number; the real data stays clean."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    header = "# yaml-language-server"
    edited = 0
    for path in sorted((tmp_path / "data").rglob("*.yaml")):
        if "_templates" in path.relative_to(tmp_path / "data").parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        at = next((i + 1 for i, line in enumerate(lines) if line.startswith(header)), 0)  # else at the top
        lines[at:at] = ["# reviewed note\n", "# another\n"]
        path.write_text("".join(lines), encoding="utf-8")
        edited += 1
    assert edited > 0, "no record file was found to edit"
    code, out = run_validator(tmp_path / "data", capsys)
    assert code == 0, out
    assert SUMMARY.fullmatch(out), out


def test_fixture_dataset_is_clean(data_copy, capsys):
    """Every invalid fixture's failure is its edit's: the fixture dataset itself passes every rule."""
    code, out = run_validator(data_copy, capsys)
    assert code == 0, out
    assert SUMMARY.fullmatch(out), out


def test_fixture_dataset_has_every_kind():
    """At least one record of every kind the model knows (model.KINDS), and each single file."""
    assert model.KINDS, "model.KINDS is empty"
    for kind in model.KINDS:
        assert sorted((DATASET / kind).glob("*.yaml")), f"add a record to tests/fixtures/dataset/{kind}/"
    for name in model.SINGLE_FILES:
        assert (DATASET / name).is_file(), f"add tests/fixtures/dataset/{name}"
    assert not (DATASET / "schemas").exists(), "the schemas are the repository's, copied in by copy_dataset()"


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
        assert LINE.match(line) or CONTINUATION.match(line), f"not file:line: field: message (or an indented quote): {line!r}"
    assert not CONTINUATION.match(lines[0])
    assert "Traceback" not in out


def test_emergency_page_list_fits(data_copy, capsys, monkeypatch):
    """rule_triage_emergency_page_fits, with the limit lowered to none: the fixture has one emergency outcome a single
    sign leads to, and eleven would need eleven emergency findings. (It was a ValueError while rendering the page.)"""
    from macros.data import triage

    monkeypatch.setattr(triage, "MAX_SIGNS", 0)
    code, out = run_validator(data_copy, capsys)
    assert code == 1
    assert out.splitlines()[0] == ("data/triage.yaml:21: outcomes.emergency-legs: is emergency outcome 1 with for_findings, "
                                   "and the emergency page lists at most 0 (one line each); list several findings under one "
                                   "emergency outcome")


def test_cli_exit_codes_and_no_traceback(tmp_path):
    """The real command, as CI and contributors run it (without an argument it checks ./data: model.DATA_DIR;
    dev.py validate and dev.py test run it on the real data)."""
    assert model.DATA_DIR == ROOT / "data"
    copy_dataset(tmp_path / "data")
    clean = subprocess.run([sys.executable, "-m", "macros.validate", str(tmp_path / "data")], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0 and clean.stdout.startswith("data OK:"), clean.stdout + clean.stderr
    missing = subprocess.run([sys.executable, "-m", "macros.validate", str(tmp_path / "nowhere")], cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == 2 and "no such data folder" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "data" / "symptoms" / "test-fever.yaml").write_text("id: test-fever\nname: [unclosed\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-m", "macros.validate", str(tmp_path / "data"), "--github"],
                            cwd=ROOT, capture_output=True, text=True)
    assert broken.returncode == 1
    assert "Traceback" not in broken.stdout + broken.stderr
    assert "::error file=data/symptoms/test-fever.yaml,line=" in broken.stdout


def test_reports_every_problem_not_just_the_first(data_copy, capsys):
    for name in ("test-fever", "test-leg-weakness"):
        path = data_copy / "symptoms" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("region:", "regoin:"), encoding="utf-8")
    code, out = run_validator(data_copy, capsys)
    assert code == 1
    assert "data/symptoms/test-fever.yaml" in out and "data/symptoms/test-leg-weakness.yaml" in out


def test_icd10_checked_names_only_the_causes_codes_once_and_its_pages(data_copy, capsys):
    """rule_icd10_checked beyond the unmarked code of its fixture: a code in both lists, a code the cause does
    not have, confirmed codes without the pages they were found in."""
    path = data_copy / "causes" / "test-spine-infection.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'icd10_checked:\n  confirmed: [M46.2]\n  against: ["https://icd.who.int/browse10/2019/en/GetConcept?ConceptId=M47"]\n'
    assert old in text
    path.write_text(text.replace(old, "icd10_checked:\n  confirmed: [M46.2, M46.9]\n  unconfirmed: [M46.2]\n"), encoding="utf-8")
    code, out = run_validator(data_copy, capsys)
    assert code == 1
    assert out.splitlines()[:-1] == [
        "data/causes/test-spine-infection.yaml:39: icd10_checked.confirmed: confirmed codes need the WHO ICD-10 browser pages "
        "they were found in; add their web addresses under against:",
        "data/causes/test-spine-infection.yaml:39: icd10_checked.confirmed[1]: 'M46.9' is not one of this cause's icd10 codes "
        "(M46.2); list only those, or add it to icd10",
        "data/causes/test-spine-infection.yaml:40: icd10_checked.unconfirmed[0]: 'M46.2' is under confirmed too; keep it in one list",
    ], out


def test_alias_bomb_fails_fast(data_copy, capsys):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    (data_copy / "symptoms" / "test-fever.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Refused before expansion (the message names anchors); how fast is the benchmark's job, not a timed test.
    code, out = run_validator(data_copy, capsys)
    assert code == 1 and "anchors and aliases" in out


# ---- hostile input: characters, output escaping, limits, links (issue 10) ----------

from macros.data import limits, rules, yamlload  # noqa: E402
from macros.data.rules import Problem  # noqa: E402
from macros.pages import api  # noqa: E402


def test_annotation_escaping_follows_github_rules():
    assert validate.escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert validate.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    out = validate.github_annotations([Problem("data/x,y:z.yaml", 3, "a:b", "100%, done")])
    assert out == "::error file=data/x%2Cy%3Az.yaml,line=3,title=a%3Ab::a:b: 100%25, done"


def test_problems_are_always_printable():
    p = Problem("data/a\nb.yaml", 1, "k\n::stop-commands::x", "m \ud800 \u202e \x85 \x00")
    text = str(p)
    assert "\n" not in text and text.isprintable()
    text.encode("utf-8")  # a lone surrogate would raise here
    assert "\\ud800" in text and "\\u202e" in text and "\\x85" in text and "\\x00" in text
    assert limits.shown("a\nb" * 40).endswith("…'") and "\n" not in limits.shown("a\nb")


def test_cli_output_cannot_inject_workflow_commands(tmp_path):
    """A key with a new line and ::stop-commands::, and a lone surrogate, reach no log line of their own."""
    copy_dataset(tmp_path / "data")
    (tmp_path / "data" / "symptoms" / "zz-hostile.yaml").write_text(
        'id: zz-hostile\n"x\\n::stop-commands::tok\\r,a:b%": 1\nname: "bad \\ud800"\n"\\u2028::warning::y": 2\n',
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "macros.validate", str(tmp_path / "data"), "--github"],
                            cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr and not result.stderr
    lines = [ln for ln in result.stdout.splitlines() if not CONTINUATION.match(ln)]
    annotations = [ln for ln in lines if ln.startswith("::")]
    assert annotations and all(ln.startswith("::error file=data/symptoms/zz-hostile.yaml,line=") for ln in annotations), annotations
    assert len(annotations) == len(lines) - len(annotations) - 1  # one annotation per problem line, plus the count
    assert "%3A%3Astop-commands%3A%3A" in result.stdout and "\\ud800" in result.stdout


@pytest.mark.parametrize("raw", [
    "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "end: 1\n",  # block style, 400 levels
    "a: " + "[" * 400 + "x" + "]" * 400 + "\n",  # flow style
    "a: " + "[" * 100_000 + "\n",  # unclosed, far beyond Python's recursion limit
    "- " * 400 + "x\n",  # nested block lists on one line
])
def test_deep_nesting_gives_one_message_never_a_recursion_error(raw):
    loaded = yamlload.load_text(raw.encode())
    assert loaded.data is None
    assert [p.message for p in loaded.problems] == [
        f"is nested more than {limits.MAX_DEPTH} levels deep (lists and fields inside each other); no record needs that many, "
        "so check the indentation and brackets"]


def test_nesting_up_to_the_limit_is_read():
    depth = limits.MAX_DEPTH - 1  # the file's own top level is one
    loaded = yamlload.load_text(("a: " + "[" * depth + "x" + "]" * depth + "\n").encode())
    assert not loaded.problems, loaded.problems


def test_file_size_is_checked_before_reading(tmp_path):
    import tracemalloc

    big = tmp_path / "causes" / "big.yaml"
    big.parent.mkdir()
    big.write_bytes(b"- x\n" * 1_000_000)  # a million-item list: 4 MB, far over 100 KB
    tracemalloc.start()
    loaded = yamlload.load_file(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [p.message for p in loaded.problems] == [
        "is 3,906 KB; a data file may be at most 100 KB, so shorten the text or split the record"]
    assert peak < 1_000_000, peak  # never read: memory, not time, proves it
    at_limit = tmp_path / "causes" / "ok.yaml"
    at_limit.write_bytes(b"a: " + b"x" * (limits.MAX_RECORD_BYTES - 4) + b"\n")
    assert len(at_limit.read_bytes()) == limits.MAX_RECORD_BYTES and not yamlload.load_file(at_limit).problems
    assert yamlload.size_limit(tmp_path / "data" / "glossary.yaml") == limits.MAX_SINGLE_FILE_BYTES
    assert yamlload.size_limit(tmp_path / "data" / "causes" / "x.yaml") == limits.MAX_RECORD_BYTES


def test_long_list_within_the_size_limit_is_refused_fast():
    raw = ("also_called: [" + ",".join(["x"] * 50_000) + "]\n").encode()  # 100 KB: the most a record can hold
    assert len(raw) <= limits.MAX_RECORD_BYTES
    loaded = yamlload.load_text(raw)
    assert loaded.data is None and "more than 2000 entries" in loaded.problems[0].message


# Where libyaml and PyYAML read differently, or the fast path must give up (see macros/data/yamlload.py).
_FAST_PATH_TRAPS = [
    "a:\tb\n", "a: [b,\tc]\n", "a: x\n\ufeffb: y\n", "%YAML 1.2\n---\na: b\n", "a: !!str 1\n", "a: [rippi?ng, x]\n",
    "a: {b?: c}\n", "a: |# c\n  x\n", "a: >-#\n  x\n", "a: |2-  # c\n    x\n", "a: &x 1\nb: *x\n", "a: 1\n---\nb: 2\n",
    "...\n", "---\n", "x\n", "a: 1\r\nb: [x,\r\n  y]\r\nc: |\r\n  z\r\n", "- " * 20 + "x\n", "a: [" + "x," * 2001 + "]\n",
    "a: 1\na: 2\n", "a:\n  - x\n   - y\n", "a: -item\n", "a: \u201cx, y\u201d\n", 'a: "\\ud800"\n', "a: \x85\n", "[a]: b\n",
]


def test_fast_and_safe_yaml_paths_agree(tmp_path, monkeypatch):
    """yamlload.load_text reads a file with libyaml (_read_fast) and, whenever that path gives up, with PyYAML's
    pure-Python parser (_read_safe), which is where every problem and message comes from. Both ways give the
    same LoadedYaml (data with its types and order, lines, ambiguous, problems) for every real file, every
    fixture file, every file an invalid fixture writes and the traps above; every real and fixture file is
    read the fast way."""
    sources: dict[bytes, str] = {}
    must_be_fast = set()
    for path in sorted((ROOT / "data").rglob("*.yaml")) + sorted(DATASET.rglob("*.yaml")):
        raw = path.read_bytes()
        sources.setdefault(raw, str(path.relative_to(ROOT)))
        must_be_fast.add(raw)
    for case in CASES:
        root = tmp_path / case.stem
        copy_dataset(root / "data")
        apply_edit(root, json.loads(case.read_text(encoding="utf-8"))["edit"])
        for path in sorted((root / "data").rglob("*.yaml")):
            if path.is_file() and not path.is_symlink():
                sources.setdefault(path.read_bytes(), f"{case.name}: {path.relative_to(root)}")
    for text in _FAST_PATH_TRAPS:
        sources.setdefault(text.encode("utf-8"), repr(text[:60]))
    assert len(must_be_fast) > 200 and len(sources) > len(must_be_fast) + 50
    read_fast = yamlload._read_fast
    took_fast: list[bool] = []

    def spy(out):
        took_fast.append(read_fast(out))
        return took_fast[-1]

    for raw, where in sources.items():
        took_fast.clear()
        monkeypatch.setattr(yamlload, "_read_fast", spy)
        fast = yamlload.load_text(raw)
        monkeypatch.setattr(yamlload, "_read_fast", lambda out: False)
        safe = yamlload.load_text(raw)
        for name in ("data", "lines", "ambiguous", "problems", "text", "source_lines"):
            assert repr(getattr(fast, name)) == repr(getattr(safe, name)), f"{where}: {name} differs between the two paths"
        if raw in must_be_fast:
            assert took_fast == [True], f"{where}: not read the fast way (is PyYAML built with libyaml?)"


def test_real_files_are_well_within_the_size_limits():
    for path in sorted((ROOT / "data").rglob("*.yaml")):
        assert path.stat().st_size * 4 < yamlload.size_limit(path), f"{path}: raise the limit in macros/data/limits.py?"


def test_symlinks_and_special_files_are_refused_and_never_followed(tmp_path, data_copy, capsys):
    import os

    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\ntitle: SECRET-CONTENT\n", encoding="utf-8")
    (data_copy / "sources" / "leak.yaml").symlink_to(secret)
    (data_copy / "schemas" / "leak.schema.json").symlink_to(secret)
    outside = tmp_path / "outside-anatomy"
    shutil.move(data_copy / "anatomy", outside)
    (data_copy / "anatomy").symlink_to(outside)
    os.mkfifo(data_copy / "symptoms" / "pipe.yaml")  # reading it would hang
    ds = model.load(data_copy)
    assert "SECRET-CONTENT" not in json.dumps(api.documents(ds))
    assert ds.kind("anatomy") == {} and ds.get("sources", "leak").data == {}
    assert [p.name for p in api.schema_files(data_copy / "schemas")] == sorted(
        p.name for p in (ROOT / "data" / "schemas").glob("*.schema.json"))
    code, out = run_validator(data_copy, capsys)
    assert code == 1
    for expected in [
        "data/sources/leak.yaml:1: (file): is a symbolic link; data/ takes real files only",
        "data/schemas/leak.schema.json:1: (file): is a symbolic link;",
        "data/anatomy:1: (file): is a symbolic link;",
        "data/symptoms/pipe.yaml:1: (file): is not a regular file;",
    ]:
        assert expected in out, out
    assert "SECRET-CONTENT" not in out


@pytest.mark.parametrize("text", [
    "Pain (see below) that comes and goes.", "A note [sic] in brackets.", "Options: [a] or [b].", "Worse when 1 < 2.",
    "Use {ice or heat} as you prefer.", "NICE: offer [x] first", "Read www.nhs.uk for advice.",
])
def test_ordinary_prose_is_not_markup(text):
    assert rules.markup_problem(text) is None


@pytest.mark.parametrize("text", [
    "[x](https://evil.example)", "![img](x.png)", "[x][ref]", "[x] [ref]", "<https://evil.example>", "<me@evil.example>",
    "[ref]: https://evil.example", "  [ref]: /x", "Fall {: style=\"position:fixed\"}", "text {#id}", "text {.class}",
    "a {onclick=x}", "see https://evil.example", "<em style=x>", "<script>", "javascript:alert(1)",
])
def test_markup_in_free_text_is_refused(text):
    assert rules.markup_problem(text)


def test_url_checker_rejects_what_is_not_a_plain_https_address():
    assert rules.url_problem("https://www.nhs.uk/conditions/back-pain/") is None
    assert rules.url_problem("https://doi.org/10.1002/14651858.CD002014.pub2?x=1#y") is None
    assert rules.url_problem("https://www.urologyhealth.org/urology-a-z/k/kidney-(renal)-trauma") is None
    for bad in ["http://www.nhs.uk/", "https://nhs/", "https://www.nhs.uk/back pain", "www.nhs.uk/x", "https:///x",
                "https://user@www.nhs.uk/", "https://www.nhs.uk:8443/", "https://-bad-.org/", "https://a.org/%zz", "", None,
                "https://www.nice.org.uk/[x](https://evil.example/a)", "https://a.org/<em>", "https://a.org/|x",
                "https://a.org/`x`", "https://a.org/\"x", "https://a.org/'x", "https://a.org/x)(", "https://a.org/\u202ex",
                "https://a.org/\x00", "https://a.org/\\x"]:
        assert rules.url_problem(bad), bad


SCHEMAS = sorted((ROOT / "data" / "schemas").glob("*.schema.json"))


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_text_and_list_has_a_limit(path):
    """Every free string has a maxLength and every list a maxItems (at most MAX_ENTRIES), in every schema."""
    for node in _nodes(json.loads(path.read_text(encoding="utf-8"))):
        if node.get("type") == "string" and not {"enum", "const", "oneOf"} & set(node):
            assert "maxLength" in node, f"{path.name}: add maxLength to {node.get('description', node)}"
        if node.get("type") == "array":
            assert 0 < node.get("maxItems", 0) <= limits.MAX_ENTRIES, f"{path.name}: add maxItems to {node.get('description', node)}"


def test_contributing_states_the_limits():
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    text_limit = json.loads((ROOT / "data" / "schemas" / "vocabularies.schema.json").read_text(encoding="utf-8"))["$defs"]["text"]["maxLength"]
    for needle in (f"{limits.MAX_RECORD_BYTES // limits.KB} KB", f"{limits.MAX_SINGLE_FILE_BYTES // limits.KB} KB",
                   f"{limits.MAX_DEPTH} levels", f"{text_limit:,} characters", "cite a source"):
        assert needle in guide, f"CONTRIBUTING.md should say {needle!r} (macros/data/limits.py, the schemas)"


# ---- YAML syntax errors a person can act on (issue 15) ------------------------------

from macros.data import yamlerrors  # noqa: E402


def _yaml_problem(text: str):
    loaded = yamlload.load_text(text.encode("utf-8"))
    assert loaded.data is None and len(loaded.problems) == 1, loaded.problems
    return loaded.problems[0]


@pytest.mark.parametrize("text, line, start", [
    # The first item of a list indented one space too far: PyYAML blames the next line.
    ("symptoms:\n   - a\n  - b\n  - c\n", 2, "this line is indented 3 spaces; the items below use 2"),
    ("symptoms:\n  - a\n   - b: 1\n  - c\n", 3, "this line is indented 3 spaces; the items above use 2"),
    ("pain:\n  where: x\n side: y\n", 3, "this line is indented 1 space; the fields above use 2"),
    ("s:\n  - id: a\n    typical: b\n  - id: c\n     typical: d\n", 5, "this line is indented 5 spaces; the fields above use 4"),
    ("a: \"x\nb: y\nc: \"z\"\n", 1, "the double quote (\") opened here is never closed"),
    ("a: 'it''s\nb: y\n", 1, "the single quote (') opened here is never closed"),
    ("a: {x: 1, y: 2\nb: 3\n", 1, "the { opened here is not closed on this line"),
    ("- {id: fever, note: NICE: offer x}\n", 1, "this text inside { } contains a colon followed by a space"),
    ("a: b\nc:\td\n", 2, "a tab is used where YAML needs a space"),
    ("a:\n  - x\n  -y\n", 3, "a list item needs a space after '-'; write - y"),
    ("a: \u2018quoted: text\u2019\n", 1, "uses curly quotes"),
])
def test_yaml_errors_name_the_line_and_the_fix(text, line, start):
    found = _yaml_problem(text)
    assert (found.line, found.message[:len(start)]) == (line, start), found


@pytest.mark.parametrize("text, line, message", [
    # PyYAML names the next line (here a comment, or the next field); the line without the colon is named.
    ("id: back-sprain\nname Back sprain\n# a comment\nsummary: x\n", 2,
     "the field name 'name' needs a colon after it; write name: Back sprain"),
    ("id: x\nsymptoms:\n  - id: backache\n    typical typical\n  - id: y\n", 4,
     "the field name 'typical' needs a colon after it; write typical: typical"),
    ("id: x\npain:\n  where [lower-back]\n  side: varies\n", 3,
     "the field name 'where' needs a colon after it; write where: [lower-back]"),
    ("id: x\nsummary: x\nlast_reviewed 2026-01-01\n", 3,
     "the field name 'last_reviewed' needs a colon after it; write last_reviewed: 2026-01-01"),
    ("id: x\noverview\n  Some text.\nsummary: y\n", 2, "the field name 'overview' needs a colon after it; write overview: |"),
    ("id: x\nsymptoms\n  - a\n", 2, "the field name 'symptoms' needs a colon after it; write symptoms:"),
])
def test_a_missing_colon_names_its_line_and_the_fix(text, line, message):
    found = _yaml_problem(text)
    assert (found.line, found.message) == (line, message), found
    fixed = text.split("\n")
    indent = len(fixed[line - 1]) - len(fixed[line - 1].lstrip(" "))
    fixed[line - 1] = " " * indent + message.split("; write ", 1)[1]
    assert not yamlload.load_text("\n".join(fixed).encode("utf-8")).problems, "the line shown reads"


_QUOTE_PAIRS = [("\u201c", "\u201d"), ("\u201d", "\u201d"), ("\u201c", "\u201c"), ("\u2018", "\u2019"), ("\u2019", "\u2019"),
                ("\u2018", "\u2018"), ("\u201c", ""), ("\u2018", "")]
_QUOTED_TEXTS = ["it's common", "it\u2019s mild, sometimes worse", 'he said "rest"', "NHS: a strain", "a \\ b",
                 "50% # not a comment", "it's \u201cbad\u201d, isn't it", "x, y: z", "'single'", "ends with it\u2019s"]
_QUOTE_LAYOUTS = [("summary: {q}", ("summary",)), ("symptoms:\n  - {{id: a, note: {q}}}", ("symptoms", 0, "note")),
                  ("also_called: [{q}, b]", ("also_called", 0)), ("when_to_get_help:\n  - situation: {q}  # a comment",
                                                                    ("when_to_get_help", 0, "situation"))]


@pytest.mark.parametrize("opening, closing", _QUOTE_PAIRS)
def test_curly_quote_fix_is_valid_yaml_for_every_quote_combination(opening, closing):
    """The line suggested for curly quotes, read by the project's YAML loader, gives the text between the quotes."""
    for text in _QUOTED_TEXTS:
        for layout, path in _QUOTE_LAYOUTS:
            if "{" in layout and "\u201c" in text:
                continue  # curly quotes inside curly quotes inside { }: which one closes is anyone's guess
            lines = layout.format(q=opening + text + closing).split("\n")
            message = yamlerrors.curly_message(lines[-1])
            suggestion = message.split("type straight quotes instead: ", 1)[1]
            lead = " " * (len(lines[-1]) - len(lines[-1].lstrip(" ")))
            fixed = "\n".join(lines[:-1] + [lead + suggestion]) + "\n"
            loaded = yamlload.load_text(fixed.encode("utf-8"))
            assert not loaded.problems, (fixed, loaded.problems)
            if not closing and ("[" in layout or "#" in text):
                continue  # valid, but where an unclosed quote was meant to end (before ] or a comment?) is a guess
            value = loaded.data
            for key in path:
                value = value[key]
            assert value == text, (fixed, value)


def test_unknown_yaml_errors_keep_the_parser_words_with_the_line_quoted():
    found = _yaml_problem("a: b\nc: @x\n")
    assert found.message.startswith("cannot read this YAML (") and found.message.endswith("check indentation, colons and quotes")
    assert found.detail.startswith(f"    {found.line} | ")


def test_excerpt_puts_the_caret_under_the_column_and_shortens_long_lines():
    assert yamlerrors.excerpt("a: b\nkey:value\n", 2, 5) == "    2 | key:value\n      |     ^"
    assert yamlerrors.excerpt("\tx: 1\n", 1, 1) == "    1 | \u2192x: 1\n      | ^"
    long = "x: " + "a" * 300 + "Z" + "b" * 300
    quoted, caret = yamlerrors.excerpt(long, 1, 304).split("\n")
    assert quoted.index("Z") == caret.index("^") and len(quoted) < 140


def test_plain_text_quotes_and_apostrophes_are_still_fine():
    for text in ("a: the patients\u2019 view\n", "a: \u201cquoted\u201d words\n", "a: \u201cLumbago\u201d is old\n", "a: it\u2019s fine\n",
                 "a:\n  - x - y\n  - -1\n", "a: |\n  - a line of text\n   - another\n", "a: 'it''s'\n"):
        assert not yamlload.load_text(text.encode("utf-8")).problems, text


def test_github_annotation_is_one_per_problem_with_the_quoted_line_escaped(tmp_path):
    copy_dataset(tmp_path / "data")
    (tmp_path / "data" / "symptoms" / "test-fever.yaml").write_text("id: test-fever\nname: NHS: a fever\n", encoding="utf-8")
    (tmp_path / "data" / "symptoms" / "test-leg-weakness.yaml").write_text("id: test-leg-weakness\nname: [x\nregion: nerves\n",
                                                                           encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "macros.validate", str(tmp_path / "data"), "--github"],
                            cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    annotations = [ln for ln in lines if ln.startswith("::")]
    problems = [ln for ln in lines if LINE.match(ln)]
    assert len(annotations) == len(problems) == 2
    fever = next(a for a in annotations if "test-fever.yaml" in a)
    assert fever.startswith("::error file=data/symptoms/test-fever.yaml,line=2,title=(yaml)::(yaml): the text after 'name:'")
    assert fever.endswith("%0A    2 | name: NHS: a fever%0A      |          ^")


# ---- first contact (issue 21) ------------------------------------------------------------------

def test_a_misnamed_file_gets_one_message_naming_the_new_name(data_copy, capsys):
    """A cause saved as "Test Spine Infection.yaml": one message, the name to give it; no "change the id",
    no "did you mean" from the records that link to it."""
    (data_copy / "causes" / "test-spine-infection.yaml").rename(data_copy / "causes" / "Test Spine Infection.yaml")
    code, out = run_validator(data_copy, capsys)
    assert code == 1
    assert out.splitlines() == [
        "data/causes/Test Spine Infection.yaml:2: (file): the file name must be lowercase words joined by hyphens; "
        "rename it to test-spine-infection.yaml",
        "1 problem(s) in 1 file(s); fix each line above (file:line: field: what to do)",
    ]


@pytest.mark.parametrize("kind, template", [("causes", "cause"), ("symptoms", "symptom"), ("treatments", "treatment"),
                                            ("anatomy", "anatomy"), ("risk-factors", "risk-factor"), ("sources", "source")])
def test_a_template_copied_as_it_is_has_its_example_values_refused(data_copy, capsys, kind, template):
    """The template's own id, dates and reviewer are obviously fake, and refused with one message each."""
    text = (ROOT / "data" / "_templates" / f"{template}.yaml").read_text(encoding="utf-8")
    (data_copy / kind / "example-id-change-me.yaml").write_text(text, encoding="utf-8")
    code, out = run_validator(data_copy, capsys)
    assert code == 1
    where = f"data/{kind}/example-id-change-me.yaml"
    for field, value in (("id", "example-id-change-me"), ("last_reviewed", "2000-01-01"), ("review.next_due", "2000-07-01"),
                         ("review.reviewer", "Dr Example Name (change me)")):
        assert re.search(rf"^{re.escape(where)}:\d+: {re.escape(field)}: '{re.escape(value)}' is the template's example ", out, re.M), out
    assert "the review was due" not in out, "the example date is named once, not as an overdue review too"


# ---- schemas that cannot be used: bounded work (issue 21) ---------------------------------------

@pytest.mark.parametrize("edit, expected", [
    # a loop through two definitions, and through allOf: each applies schemas to the same value forever
    ({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}},
     "$ref: '#/$defs/b' makes a loop (vocabularies.schema.json#/$defs/a -> vocabularies.schema.json#/$defs/b -> "
     "vocabularies.schema.json#/$defs/a) that never reaches a type to check"),
    ({"$defs": {"c": {"allOf": [{"$ref": "#/$defs/c"}]}}}, "$ref: '#/$defs/c' makes a loop (vocabularies.schema.json#/$defs/c -> "),
    ({"$defs": {"d": {"$ref": "other.schema.json#/x"}}}, "$ref: refers to other.schema.json, which is not in this folder"),
    ({"$defs": {"e": {"$ref": "#/$defs/nowhere"}}}, "$ref: points at '#/$defs/nowhere', which is not in vocabularies.schema.json"),
    ({"$defs": {"f": {"$ref": "//evil.example/x.json"}}}, "$ref: refers to another site"),
    ({"$id": "https://evil.example/v.json"}, "$id: schemas here are known by their file name; delete the $id"),
    ({"$defs": {"g": {"type": "string", "pattern": "(unclosed"}}}, "pattern: is not a regular expression (missing ), unterminated"),
])
def test_unusable_schemas_are_refused_by_file_and_line(data_copy, capsys, edit, expected):
    path = data_copy / "schemas" / "vocabularies.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for key, value in edit.items():
        schema[key] = {**schema.get(key, {}), **value} if isinstance(value, dict) else value
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    code, out = run_validator(data_copy, capsys)
    assert code == 1 and "Traceback" not in out
    assert re.search(r"^data/schemas/vocabularies\.schema\.json:\d+: " + re.escape(expected), out, re.MULTILINE), out
    assert not re.search(r"^data/schemas/vocabularies\.schema\.json:1: ", out, re.MULTILINE), "the line is the $ref's, not 1"


def test_schema_patterns_are_judged_once_and_within_the_time_allowed():
    from macros.data import schemas

    schemas._pattern_verdicts.pop("^(x+x+)+y$", None)
    started = time.monotonic()
    assert "^(x+x+)+y$" in schemas.slow_patterns(["^(x+x+)+y$", "^[a-z]+$"])
    assert time.monotonic() - started < schemas.PATTERN_SECONDS + 2
    started = time.monotonic()
    assert "^(x+x+)+y$" in schemas.slow_patterns(["^(x+x+)+y$"])  # remembered: no second wait
    assert time.monotonic() - started < 0.1
