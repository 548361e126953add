"""Unit tests: schemas and records conventions, the YAML loader, escaping, vocabularies, the walker."""

from __future__ import annotations

import doctest
import html as htmllib
import json
import re

import markdown
import pytest

from macros.data import limits, rules, schemas, triage, vocab, yamlload
from macros.data.model import KINDS
from macros.pages import render, text

from .conftest import ROOT

SCHEMA_FILES = sorted((ROOT / "data" / "schemas").glob("*.schema.json"))
RECORD_FILES = sorted(p for kind in KINDS for p in (ROOT / "data" / kind).glob("*.yaml"))


# ---- conventions -----------------------------------------------------------

def test_every_schema_property_has_a_description():
    assert len(SCHEMA_FILES) >= 9

    def walk(node, where):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert isinstance(prop, dict) and prop.get("description"), f"{where}: property '{name}' has no description"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    for path in SCHEMA_FILES:
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)


def test_every_record_starts_with_its_schema_comment():
    assert len(RECORD_FILES) > 150, "no record files found"
    for path in RECORD_FILES:
        schema = KINDS[path.parent.name].schema
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{schema}.schema.json", f"{path}: first line is {first!r}"
    for name, schema in (("glossary.yaml", "glossary"), ("triage.yaml", "triage"), ("changelog.yaml", "changelog")):
        first = (ROOT / "data" / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=schemas/{schema}.schema.json"


def test_vocabularies_are_defined_once_and_ordered():
    assert vocab.tiers().ids == ["emergency", "urgent", "soon", "self-care"]
    assert vocab.grades().ids[0] == "recommended"
    assert vocab.weak_source_kinds() == {"blog", "commercial"}
    # No schema repeats a vocabulary's words as its own enum.
    words = set(vocab.tiers().ids) | set(vocab.grades().ids)
    for path in SCHEMA_FILES:
        if path.name != "vocabularies.schema.json":
            for enum in _enums(json.loads(path.read_text(encoding="utf-8"))):
                assert not (set(enum) & words), f"{path.name} redefines vocabulary words {enum}"


def test_every_threshold_has_its_value_unit_words_and_a_real_source():
    """The thresholds vocabulary (one age per purpose) names a whole-number value, its unit and a source that
    exists in data/sources/; its x-words are lists of lowercase words (what rules.rule_thresholds matches)."""
    terms = vocab.thresholds().terms
    assert {"aneurysm-screening-age", "renal-colic-aneurysm-age"} <= {t.id for t in terms}
    assert vocab.thresholds()["aneurysm-screening-age"].get("value") == 65
    assert vocab.thresholds()["renal-colic-aneurysm-age"].get("value") == 60
    for term in terms:
        assert isinstance(term.get("value"), int) and term.get("unit") == "years", term.id
        assert (ROOT / "data" / "sources" / f"{term.get('source')}.yaml").is_file(), f"{term.id}: no source {term.get('source')}"
        for group in term.get("words") or []:
            assert group and all(isinstance(w, str) and w == w.lower() and w.isalnum() for w in group), term.id
    # The flowchart's first-colic rule uses the finding that holds the CKS renal colic age.
    rf = yamlload.load_file(ROOT / "data" / "risk-factors" / "age-over-60.yaml").data
    assert rf["threshold"] == "renal-colic-aneurysm-age"


@pytest.mark.parametrize("text, ages", [
    ("You are over 60 and this is your first pain like a stone.", ["60"]),
    ("A man aged 65 or over, in the year they turn 65.", ["65", "65"]),
    ("It almost always starts before the age of 45.", ["45"]),
    ("Start before 20 or after\n  50 is worth a check.", ["20", "50"]),
    ("Stones over 5 mm, under 50 kg, over 3 months, after 20 weeks, over 2 L.", []),
    ("About 1 in 10 aneurysms; 65 years old.", []),
    ("People 65 and older.", ["65"]),
])
def test_what_the_threshold_rule_reads_as_an_age(text, ages):
    assert [m.group(1) or m.group(2) for m in rules._AGE.finditer(text)] == ages


def _enums(node):
    if isinstance(node, dict):
        if "enum" in node:
            yield node["enum"]
        for value in node.values():
            yield from _enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value)


def test_reference_fields_are_found_from_the_schema():
    refs = list(schemas.fields("cause", {"symptoms": [{"id": "fever", "typical": "typical"}], "sources": ["nice-ng59"]}).references)
    assert (("symptoms", 0, "id"), "fever", "symptoms") in refs
    assert (("sources", 0), "nice-ng59", "sources") in refs


# ---- YAML loader -------------------------------------------------------------

def test_yes_no_keys_stay_words_and_dates_stay_text():
    loaded = yamlload.load_text(b"yes: a\nno: b\non: c\nwhen: 2026-11-22\nflag: true\n")
    assert loaded.data == {"yes": "a", "no": "b", "on": "c", "when": "2026-11-22", "flag": True}
    assert loaded.ambiguous == {("when",): "2026-11-22"}


def test_ambiguous_plain_values_are_remembered_quoted_ones_not():
    loaded = yamlload.load_text(b'a: no\nb: "no"\nc: Off\n')
    assert set(loaded.ambiguous) == {("a",), ("c",)}


def test_lines_are_kept_for_every_value():
    loaded = yamlload.load_text(b"a: 1\nb:\n  - x\n  - {id: y}\n")
    assert loaded.line_of(("b", 1, "id")) == 4
    assert loaded.line_of(("b", 0)) == 3
    assert loaded.line_of(("missing",)) == 1


@pytest.mark.parametrize("raw, message", [
    (b"a: 1\na: 2\n", "is given twice"),
    (b"a: &x 1\nb: *x\n", "anchors and aliases"),
    (b"a:\n\tb: 1\n", "tab is used for indentation"),
    (b"a: \xff\n", "not UTF-8"),
    (b"# only a comment\n", "is empty"),
    (b"a: [1, 2\n", "the [ opened here is not closed on this line"),
    (b"a: !!python/object:os.system x\n", "cannot read this YAML"),
])
def test_loader_traps(raw, message):
    loaded = yamlload.load_text(raw)
    assert loaded.problems and message in loaded.problems[0].message


# ---- escaping: data text never becomes markup ------------------------------------

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "{{ 7*7 }}",
           "*bold* _it_ `code` | pipe", "# heading", "- item", "1. item", "&amp; < > \"'", "![img](http://example.com/x.png)"]


@pytest.mark.parametrize("value", HOSTILE)
def test_md_escaping_keeps_text_literal(value):
    html = markdown.markdown(text.escape(value), extensions=["tables", "md_in_html", "attr_list", "abbr"])
    assert "<script" not in html and "<img" not in html and "<a " not in html and "<em>" not in html
    assert "<h1" not in html and "<li>" not in html and "<code>" not in html
    # The text itself survives exactly (one paragraph, every character as written).
    assert re.fullmatch(r"<p>[^<]*</p>", html), html
    assert htmllib.unescape(html[3:-4]) == value


def test_rendered_record_page_escapes_hostile_fields(dataset):
    import copy

    ds = copy.deepcopy(dataset)
    rec = ds.get("symptoms", "fever")
    rec.data["description"] = "<script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }}"
    page = render.symptom_page(ds, rec)
    assert render.record_meta(rec)["render_macros"] is False
    html = markdown.markdown(str(page), extensions=["tables", "md_in_html", "attr_list", "admonition"])
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_the_pages_replace_exactly_the_characters_the_validator_refuses():
    """One list (limits.FORBIDDEN_CHARS): what the validator refuses, the pages layer replaces with U+FFFD."""
    for char in "\x00\x0b\x0c\x1b\x7f\x85\x9f\ud800\udfff\ufdd0\ufdef\ufffe\uffff\u202a\u202e\u2066\u2069\u2028\u2029":
        assert limits.first_forbidden(f"a{char}b") == char, repr(char)
        assert text.clean_lines(f"a{char}b") == "a\ufffdb", repr(char)
    for char in "\t\u00e9\ufdcf\ufdf0\ufffd\U0001fffe\U000f0000":
        assert limits.first_forbidden(f"a{char}b") is None, repr(char)
        assert text.clean_lines(f"a{char}b") == f"a{char}b", repr(char)
    assert limits.first_forbidden("a\rb") == "\r" and text.clean_lines("a\r\nb\rc") == "a\nb\nc"
    assert limits.char_problem("\ufdd0") == "contains U+FDD0, which is not a character; delete it"


def test_a_link_is_made_only_from_an_address_the_validator_accepts():
    """One URL check (rules.url_problem): external_url links exactly the addresses it accepts."""
    for url in ["https://www.nhs.uk/conditions/back-pain/", "https://a.org/kidney-(renal)-trauma", "https://a.org/x(y",
                "http://a.org/", "https://a.org:8443/", "https://localhost/", "https://a.org/%zz", "https://a.org/ x"]:
        assert (text.external_url(url) is None) == (rules.url_problem(url) is not None), url
    assert text.external_url("https://a.org/x(y") is None and text.external_url("https://a.org/(y)") == "https://a.org/(y)"


def test_the_doctests_in_macros_run():
    result = doctest.testmod(vocab)
    assert result.failed == 0 and result.attempted


def test_html_and_attribute_escaping():
    assert text.escape("<b>&") == "&lt;b&gt;&amp;"
    assert text.attr('a"b<') == "a&#34;b&lt;"


@pytest.mark.parametrize("from_src, to_src, dirs, expected", [
    ("flowchart.md", "causes/x.md", True, "../causes/x/"),
    ("flowchart.md", "causes/x.md", False, "causes/x.html"),
    ("causes/index.md", "causes/x.md", True, "x/"),
    ("causes/x.md", "index.md", True, "../../"),
    ("index.md", "emergency.md", False, "emergency.html"),
])
def test_href_matches_mkdocs_urls(from_src, to_src, dirs, expected):
    assert text.href(from_src, to_src, dirs) == expected


# ---- vocabulary order and care cards reach the page from the data (issue 14) -------------

def test_badges_carry_the_vocabulary_rank():
    """guide.js sorts by data-rank: the order is the vocabulary's, with "no warning sign alone" after every tier."""
    def rank(badge):
        return int(re.search(r'data-rank="(\d+)"', badge).group(1))

    assert [rank(render.tier_badge(t)) for t in vocab.tiers().ids] == list(range(len(vocab.tiers().ids)))
    assert [rank(render.grade_badge(g)) for g in vocab.grades().ids] == list(range(len(vocab.grades().ids)))
    assert rank(render.no_tier_badge()) == len(vocab.tiers().ids)


def test_one_care_card_frame_for_record_pages_and_flowchart_outcomes(dataset):
    """The record pages' cards and the flowchart's outcome cards come from render.care_box.

    An outcome card holds everything the stepper's result shows but the
    reader's own answers and address (flowchart.js adds those to its copy).
    """
    from macros.pages import triage_page

    frame = re.compile(r'<(div|section) class="(triage-outcome )?care-card care-card--([a-z-]+)" data-tier="\3"[^>]*>'
                       r'\n?<p class="care-card__tier"><strong>')
    assert frame.match(render.care_card("urgent", "Get seen today if:", [text.escape("x")], "causes/x.md"))
    outcomes = dataset.triage["outcomes"]
    paper = triage_page.checklist(dataset, "flowchart.md", True)
    for name, node in outcomes.items():
        card = triage_page.outcome_card(dataset, name, "flowchart.md", True)
        assert frame.match(card) and card in paper, name
        assert f'id="outcome-{name}"' in card and f"<h3>{text.escape(node['title'])}</h3>" in card
        assert {f"tel:{t.id}" for t in vocab.get("emergencyNumber").terms} <= set(re.findall(r'href="(tel:[^"]+)"', card))
        assert '<a href="../emergency/">All emergency signs</a>' in card and 'class="triage-note"' in card
        assert ("<h4>Possibly related" in card) == bool(node["causes"])
        assert "tap to call" not in card.lower() and "Get help faster if: Get help faster if" not in card
        # Self-care and soon cards name the emergency signs in words (GIRFT), not "if the emergency signs appear".
        low = vocab.tiers().rank(node["tier"]) >= vocab.tiers().rank("soon")
        assert (text.escape(dataset.triage["safety_net"]) in card) == low, name
    # The stepper's data holds no outcome text: the page's card is the result.
    data = triage_page.rules_json(dataset, "flowchart.md", True)
    assert "outcomes" not in data and set(data["single"].values()) <= set(outcomes)


# ---- the flowchart's rules -----------------------------------------------------------

def test_tier_is_the_highest_rule_that_fired(dataset):
    rules = triage.compile_rules(dataset)
    assert rules.evaluate([]) == triage.Result("self-care", "self-care", "default", ())
    assert rules.evaluate(["saddle-numbness"]).tier == "emergency"
    # A combination of two signs that are each urgent or less.
    both = rules.evaluate(["flank-pain", "fever", "cannot-keep-fluids-down"])
    assert (both.tier, both.outcome, both.rule) == ("emergency", "emergency-severe-colic", "kidney-infection-not-coping")
    assert both.because == ("fever", "flank-pain", "cannot-keep-fluids-down")  # in the order the screens ask
    # The outcome of the most specific rule at the top tier: a combination beats a single sign of the same tier.
    assert rules.evaluate(["cancer-history", "night-pain"]).outcome == "urgent-cancer"
    assert rules.evaluate(["night-pain"]).outcome == "urgent-red-flags"


def test_the_stepper_stops_after_the_screen_that_reaches_emergency(dataset):
    rules = triage.compile_rules(dataset)
    assert rules.run(["saddle-numbness", "fever"])[1] == 1
    assert rules.run([])[1] == len(rules.screens) <= triage.MAX_SCREENS
    assert rules.run(["fever", "flank-pain", "uncontrolled-pain"]) == (rules.evaluate(["fever", "flank-pain", "uncontrolled-pain"]), 3)


def test_more_never_lowers_catches_an_engine_that_stops_asking(dataset, monkeypatch):
    """The independent check fails on a stepper that skips questions once a branch is taken (the old tree's flaw)."""
    rules = triage.compile_rules(dataset)
    assert list(triage.rule_triage_more_never_lowers(dataset)) == []
    real = triage.Rules.run

    def fever_branch(self, findings):  # a "fever branch" that never asks about vomiting
        findings = set(findings)
        if "fever" in findings:
            findings.discard("cannot-keep-fluids-down")
        return real(self, findings)

    monkeypatch.setattr(triage.Rules, "run", fever_branch)
    problems = [str(p) for p in triage.rule_triage_more_never_lowers(dataset)]
    assert len(problems) == 1 and "saying more must never lower the tier" in problems[0], problems
    assert rules.evaluate(["fever"]).tier == "urgent"


def test_every_finding_with_urgency_or_in_a_rule_is_asked_once(dataset):
    rules = triage.compile_rules(dataset)
    asked = rules.asked
    assert len(asked) == len(set(asked))
    in_rules = {f for c in rules.combinations for line in c.lines for f in line}
    assert set(rules.urgency) | in_rules <= set(asked)


def test_every_tier_is_an_outcome(dataset):
    reached = {node["tier"] for node in dataset.triage["outcomes"].values()}
    assert reached == set(vocab.tiers().ids)


def test_triage_command(capsys):
    """python -m macros.triage: text, --json, one reader per line from stdin, unknown ids named with a suggestion."""
    import io
    import json

    from macros import triage as triage_cli

    assert triage_cli.main(["--json", "sudden-severe-pain", "smoking"]) == 0
    assert json.loads(capsys.readouterr().out) == {"tier": "emergency", "outcome": "emergency-aneurysm",
                                                   "rule": "sudden-pain-aneurysm-risk", "because": ["sudden-severe-pain", "smoking"]}
    assert triage_cli.main(["worsening-pain"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["tier: soon", "outcome: soon-check"]
    assert triage_cli.main(["fevr"]) == 2
    assert capsys.readouterr().err.strip() == "unknown finding 'fevr'; did you mean 'fever'?"
    import sys
    old = sys.stdin
    sys.stdin = io.StringIO("fever flank-pain\n\nsaddle-numbness\n")
    try:
        assert triage_cli.main([]) == 0
    finally:
        sys.stdin = old
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["tier"], r["outcome"]) for r in lines] == [("urgent", "urgent-kidney-infection"), ("self-care", "self-care"),
                                                         ("emergency", "emergency-cauda-equina")]


def test_matrix_pages_turn_sparse_at_scale(dataset, monkeypatch):
    """Past MATRIX_MAX_COLUMNS causes the matrices list filled cells only, so size stays linear."""
    from macros.pages import compare

    full = compare.causes_by_symptoms(dataset, "compare/causes-symptoms.md")
    assert full.count('class="cell"') == len(dataset.kind("symptoms")) * len(dataset.kind("causes"))
    monkeypatch.setattr(compare, "MATRIX_MAX_COLUMNS", 3)
    sparse = compare.causes_by_symptoms(dataset, "compare/causes-symptoms.md")
    assert 'class="cell"' not in sparse and "(../causes/kidney-stones.md)" in sparse
    pairs = sum(len(c["symptoms"]) for c in dataset.kind("causes").values())
    assert sparse.count("../causes/") == pairs
    treatments = compare.treatments_by_causes(dataset, "compare/treatments-causes.md")
    assert 'data-value=""' not in treatments


def test_a_worst_case_combination_rule_is_checked_in_under_a_second(tmp_path):
    """Six lines of 20 findings (64 million choices) must not stall the validator: the rule adds less than a second."""
    import shutil
    import time

    from macros.data import model

    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / "triage.yaml"
    ids = sorted(p.stem for p in (tmp_path / "data" / "symptoms").glob("*.yaml"))[:20]
    line = "[" + ", ".join(ids) + "]"
    rule = (f"  - id: worst-case\n    together: [{', '.join([line] * 6)}]\n    at_least: urgent\n    outcome: urgent-red-flags\n"
            "    why: A worst-case rule for timing.\n    sources: [nhs-back-pain]\n")
    path.write_text(path.read_text(encoding="utf-8").replace("combinations:\n", "combinations:\n" + rule, 1), encoding="utf-8")

    def seconds(data) -> float:
        """CPU seconds of the flowchart's rules (process time: other work on the machine does not count)."""
        ds = model.load(data)
        assert triage.compile_rules(ds) is not None
        started = time.process_time()
        for rule_fn in triage.RULES:
            list(rule_fn(ds))
        return time.process_time() - started

    added = min(seconds(tmp_path / "data") - seconds(ROOT / "data") for _ in range(2))
    assert added < 1.0, f"the worst-case rule adds {added:.2f} s"


def test_the_overrides_name_the_installed_material():
    """overrides/main.html's search-index patch relies on how Material loads the index: the release its
    comment names must follow each upgrade of the pin in requirements.txt."""
    from importlib.metadata import version

    installed = version("mkdocs-material")
    pinned = re.search(r"^mkdocs-material==(\S+)", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M).group(1)
    assert installed == pinned
    for name in ("overrides/main.html",):
        named = set(re.findall(r"(?:Material |mkdocs-material-)(\d+\.\d+\.\d+)", (ROOT / name).read_text(encoding="utf-8")))
        assert named <= {installed}, f"{name} names Material {sorted(named)}; the pin is {installed}"


def test_expand_runs_the_macros_without_a_template_engine(dataset):
    from macros.pages import page_macros

    build = page_macros.Build(dataset, lambda: "emergency.md", True, "")
    out = page_macros.expand('A\n\n{{ tier_legend() }}\n\n{{ emergency_signs(brief=True) }}\n', build)
    assert "{{" not in out and out.startswith("A\n\n")
    assert str(page_macros.macros(build)["tier_legend"]()) in out
    assert str(page_macros.macros(build)["emergency_signs"](brief=True)) in out
    with pytest.raises(ValueError, match=r"emergency.md:1: template code: '\{%': template statements"):
        page_macros.expand("{% if x %}", build)
