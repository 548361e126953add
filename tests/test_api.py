"""Open data: the built site publishes the records as JSON under api/ (macros/pages/api.py)."""

from __future__ import annotations

import json
from pathlib import Path

from macros.data import model, yamlload
from macros.pages import api

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def read_json(path: Path):
    assert path.is_file(), f"{path.name} is missing from the built site's api/"
    return json.loads(path.read_text(encoding="utf-8"))


def test_each_kind_has_exactly_its_records(built_site):
    for kind in model.KINDS:
        published = read_json(built_site / "api" / f"{kind}.json")
        on_disk = {p.stem: p for p in (DATA / kind).glob("*.yaml")}
        assert sorted(published) == sorted(on_disk), f"api/{kind}.json ids differ from data/{kind}/"
        assert list(published) == sorted(published), f"api/{kind}.json records are not in id order"
        for rid, path in on_disk.items():
            assert published[rid] == yamlload.load_file(path).data, f"api/{kind}.json: {rid} differs from {path.name}"


def test_triage_equals_the_yaml_flowchart(built_site):
    assert read_json(built_site / "api" / "triage.json") == yamlload.load_file(DATA / "triage.yaml").data


def test_glossary_is_the_list_of_terms(built_site):
    assert read_json(built_site / "api" / "glossary.json") == yamlload.load_file(DATA / "glossary.yaml").data["terms"]


def test_schemas_are_copied(built_site):
    sources = sorted((DATA / "schemas").glob("*.schema.json"))
    assert sources
    copied = sorted((built_site / "api" / "schemas").glob("*.json"))
    assert [p.name for p in copied] == [p.name for p in sources]
    for src in sources:
        assert (built_site / "api" / "schemas" / src.name).read_bytes() == src.read_bytes(), f"{src.name} differs"


def test_output_is_stable_text(built_site):
    """Sorted keys and a fixed layout: the same data always gives the same bytes."""
    for path in sorted((built_site / "api").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text == api.dumps(json.loads(text)), f"{path.name} is not in the stable JSON layout"


def test_writing_twice_gives_identical_files(dataset, tmp_path):
    first = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in api.write(dataset, tmp_path / "a")}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in api.write(dataset, tmp_path / "b")}
    assert first == second


def test_open_data_page_lists_every_file(built_site):
    page = (ROOT / "docs" / "open-data.md").read_text(encoding="utf-8")
    for path in sorted((built_site / "api").glob("*.json")):
        assert f"api/{path.name}" in page, f"docs/open-data.md does not describe api/{path.name}"
    assert "api/schemas/" in page
