"""Unit tests: schemas and records conventions, the YAML loader, escaping, vocabularies, the walker."""

from __future__ import annotations

import html as htmllib
import json
import re

import markdown
import pytest

from macros.data import schemas, triage, vocab, yamlload
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
    for name, schema in (("glossary.yaml", "glossary"), ("triage.yaml", "triage")):
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
    refs = list(schemas.references("cause", {"symptoms": [{"id": "fever", "typical": "typical"}], "sources": ["nice-ng59"]}))
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
    assert page.startswith("---\nrender_macros: false\n")
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=["tables", "md_in_html", "attr_list", "admonition"])
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_html_and_attribute_escaping():
    assert text.html_text("<b>&") == "&lt;b&gt;&amp;"
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
    graph = dataset.triage["nodes"]
    outcomes = [n for n, node in graph.items() if triage.is_outcome(node)]
    steps = triage_page.steps(dataset, "flowchart.md", True)
    for name in outcomes:
        card = triage_page.outcome_card(dataset, name, "flowchart.md", True)
        assert frame.match(card) and card in steps, name
        assert f'id="outcome-{name}"' in card and f"<h3>{text.escape(graph[name]['title'])}</h3>" in card
        assert {f"tel:{t.id}" for t in vocab.get("emergencyNumber").terms} <= set(re.findall(r'href="(tel:[^"]+)"', card))
        assert '<a href="../emergency/">All emergency signs</a>' in card and 'class="triage-note"' in card
        assert ("<h4>Possibly related" in card) == bool(graph[name]["causes"])
    # The stepper's data holds no outcome text: the page's card is the result.
    tree = triage_page.tree_json(dataset, "flowchart.md", True)
    assert all(tree["nodes"][name] == {"tier": graph[name]["tier"]} for name in outcomes)
    assert "tiers" not in tree and "emergencyNumbers" not in tree


# ---- the triage walker -----------------------------------------------------------

def test_walker_follows_any_of(dataset):
    tree = dataset.triage
    assert tree["nodes"][triage.walk(tree, set()).outcome]["tier"] == "self-care"
    assert tree["nodes"][triage.walk(tree, {"saddle-numbness"}).outcome]["tier"] == "emergency"
    assert triage.walk(tree, {"saddle-numbness"}).steps == (triage.Step(tree["start"], True),)


def test_every_path_is_enumerated_once(dataset):
    tree = dataset.triage
    all_paths = list(triage.paths(tree))
    keys = {tuple((s.node, s.answer) for s in p.steps) for p in all_paths}
    assert len(keys) == len(all_paths)
    # Each path is what the walker gives for the findings it answers Yes to.
    for p in all_paths:
        yes = {tree["nodes"][s.node]["any_of"][0] for s in p.steps if s.answer}
        assert triage.walk(tree, yes).outcome == p.outcome or any(
            f in tree["nodes"][s.node]["any_of"] for s in p.steps if not s.answer for f in yes)


def test_denied_findings_decide_who_can_follow_a_path(dataset):
    """The proofs' shortcut: a reader with a finding can follow a path unless a question listing it is answered No."""
    found = triage._safe_paths(dataset)
    assert found.ok and found.paths == tuple(triage.paths(dataset.triage))
    graph = dataset.triage["nodes"]
    for i, path in enumerate(found.paths):
        for fid in dataset.findings():
            blocked = any(fid in graph[s.node]["any_of"] and not s.answer for s in path.steps)
            assert found.followable(i, {fid}) is not blocked, (fid, triage.describe(dataset.triage, path))


def test_every_finding_with_urgency_is_asked(dataset):
    asked = {f for node in dataset.triage["nodes"].values() if not triage.is_outcome(node) for f in node["any_of"]}
    assert {f for f, r in dataset.findings().items() if r.get("urgency")} <= asked


def test_every_tier_is_an_outcome(dataset):
    reached = {node["tier"] for node in dataset.triage["nodes"].values() if triage.is_outcome(node)}
    assert reached == set(vocab.tiers().ids)


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
