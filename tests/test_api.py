"""Open data: the built site publishes the records as JSON under api/ (macros/pages/api.py)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

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


# ---- the flowchart as a FHIR R4 Questionnaire, and its rules -----------------------

def _walk_groups(questionnaire: dict) -> list[dict]:
    return [item for item in questionnaire["item"] if item["type"] == "group"]


def _enabled(item: dict, answers: dict[str, bool]) -> bool:
    """FHIR R4 enableWhen for boolean questions: '=' true when an answer equals the value; '!=' true when no answer
    does (so also for an unanswered or disabled question); 'exists'; enableBehavior all (the default for one) or any."""
    conditions = item.get("enableWhen", [])
    if not conditions:
        return True
    results = []
    for cond in conditions:
        answered = cond["question"] in answers
        value = answers.get(cond["question"])
        if cond["operator"] == "=":
            results.append(answered and value == cond["answerBoolean"])
        elif cond["operator"] == "!=":
            results.append(not (answered and value == cond["answerBoolean"]))
        elif cond["operator"] == "exists":
            results.append(answered == cond["answerBoolean"])
        else:
            raise AssertionError(f"operator {cond['operator']} on a boolean question")
    return any(results) if item.get("enableBehavior") == "any" else all(results)


def walk_questionnaire(questionnaire: dict, findings, *, answer_false: bool) -> tuple[int, set[str]]:
    """A form filled in by a reader with these findings: each enabled screen shown, its signs ticked (true) or left
    unanswered (or answered false with answer_false). Returns the screens shown and the findings answered true."""
    answers: dict[str, bool] = {}
    shown = 0
    for group in _walk_groups(questionnaire):
        if not _enabled(group, answers):
            continue
        shown += 1
        for item in group["item"]:
            if item["type"] != "boolean" or not _enabled(item, answers):
                continue
            if item["linkId"] in findings:
                answers[item["linkId"]] = True
            elif answer_false:
                answers[item["linkId"]] = False
    return shown, {fid for fid, value in answers.items() if value}


def tier_from_rules_file(doc: dict, findings: set[str]) -> tuple[str, str]:
    """The tier and outcome computed from api/triage.rules.json alone, as its 'how' says."""
    tiers = [t["id"] for t in doc["tiers"]]
    best = (len(tiers), doc["default_outcome"])
    for rule in doc["combinations"]:
        if all(set(line) & findings for line in rule["together"]) and tiers.index(rule["at_least"]) < best[0]:
            best = (tiers.index(rule["at_least"]), rule["outcome"])
    asked = [fid for screen in doc["screens"] for fid in screen["findings"]]
    for fid in asked:
        entry = doc["findings"][fid]
        if fid in findings and "urgency" in entry and tiers.index(entry["urgency"]) < best[0]:
            best = (tiers.index(entry["urgency"]), entry["outcome"])
    outcome = best[1]
    return doc["outcomes"][outcome]["tier"], outcome


def _readers(dataset):
    from macros.data import triage

    rules = triage.compile_rules(dataset)
    cases = [frozenset(c["findings"]) for c in dataset.triage["scenarios"]]
    return rules, cases + [r for r in triage.readers(rules) if r not in cases]


def test_questionnaire_is_a_valid_fhir_r4_questionnaire(dataset):
    """Validated with fhir.resources against its R4B model (R4B's Questionnaire is R4's), plus the invariants the
    library does not check: unique linkIds, enableWhen naming an earlier boolean item, enableBehavior with several."""
    from fhir.resources.R4B.questionnaire import Questionnaire

    doc = api.documents(dataset, site_url="https://example.org/guide/")["triage.questionnaire.json"]
    resource = Questionnaire.model_validate(doc)
    assert resource.status == "active" and resource.url == "https://example.org/guide/api/triage.questionnaire.json"
    assert json.loads(resource.model_dump_json()) == json.loads(json.dumps(doc)), "the library would change the file"
    seen: dict[str, str] = {}
    screens = dataset.triage["screens"]
    assert [g["linkId"] for g in _walk_groups(doc)] == [s["id"] for s in screens]
    for group, screen in zip(_walk_groups(doc), screens, strict=True):
        assert group["text"] == " ".join(screen["question"].split())
        for cond in group.get("enableWhen", []):
            assert seen.get(cond["question"]) == "boolean", f"{group['linkId']}: enableWhen names {cond['question']}, not an earlier sign"
        if len(group.get("enableWhen", [])) > 1:
            assert group["enableBehavior"] == "all"
        seen[group["linkId"]] = "group"
        booleans = [i for i in group["item"] if i["type"] == "boolean"]
        assert [i["linkId"] for i in booleans] == list(screen["findings"])
        for item in group["item"]:
            assert item["linkId"] not in seen, f"linkId {item['linkId']} twice"
            seen[item["linkId"]] = item["type"]
        for item in booleans:
            rec = dataset.finding(item["linkId"])
            assert item["text"] == " ".join(rec.title.split())
            assert ("code" in item) == bool(rec.get("icd10")), f"{item['linkId']}: a code only where the record has one"


def test_questionnaire_without_site_url_has_no_url(dataset):
    doc = api.documents(dataset)["triage.questionnaire.json"]
    assert "url" not in doc
    ext = {e["url"]: e for e in doc["extension"][0]["extension"]}
    assert ext["rules"]["valueUrl"] == "triage.rules.json" and "combination" in ext["limitation"]["valueString"]


@pytest.mark.parametrize("answer_false", [False, True], ids=["unticked-unanswered", "unticked-false"])
def test_questionnaire_walk_reaches_the_stepper_screens(dataset, answer_false):
    """For every scenario (and every reader the validator starts from): the form shows the screens the stepper shows
    when the stop comes from a single emergency sign or never comes. When the stepper stops on a combination rule,
    enableWhen cannot say so (the documented limitation): the form shows exactly the screens a stepper stopping
    on single signs only would, so never fewer; the rules file gives the same tier as the stepper from what was
    answered."""
    rules, readers = _readers(dataset)
    docs = api.documents(dataset)
    questionnaire, rules_doc = docs["triage.questionnaire.json"], docs["triage.rules.json"]
    singles_only = dataclasses.replace(rules, combinations=())
    top = rules_doc["stop_tier"]
    combination_stops = 0
    for findings in readers:
        result, screens = rules.run(findings)
        shown, ticked = walk_questionnaire(questionnaire, findings, answer_false=answer_false)
        assert shown == singles_only.run(findings)[1], f"{sorted(findings)}: the form shows {shown} screens"
        stopped_by_combination = result.tier == top and not result.rule.startswith("finding:") and screens < len(rules.screens)
        if stopped_by_combination and shown != screens:
            combination_stops += 1
            assert shown > screens
        else:
            assert shown == screens, f"{sorted(findings)}: the form shows {shown} screens, the stepper {screens}"
        assert tier_from_rules_file(rules_doc, ticked)[0] == result.tier, sorted(findings)
    assert combination_stops, "no reader stops on a combination rule: the limitation test proves nothing"


def test_rules_file_gives_the_stepper_outcome_for_every_scenario(dataset):
    rules, readers = _readers(dataset)
    doc = api.documents(dataset)["triage.rules.json"]
    for findings in readers:
        result = rules.evaluate(findings)
        assert tier_from_rules_file(doc, set(findings)) == (result.tier, result.outcome), sorted(findings)
    for oid, outcome in doc["outcomes"].items():
        assert outcome["title"] == dataset.triage["outcomes"][oid]["title"]
        assert outcome["advice"] == " ".join(dataset.triage["outcomes"][oid]["advice"].split())


def test_questionnaire_and_rules_are_published(built_site):
    from fhir.resources.R4B.questionnaire import Questionnaire

    questionnaire = read_json(built_site / "api" / "triage.questionnaire.json")
    Questionnaire.model_validate(questionnaire)
    rules_doc = read_json(built_site / "api" / "triage.rules.json")
    assert questionnaire["url"].endswith("/api/triage.questionnaire.json")
    assert questionnaire["extension"][0]["extension"][0]["valueUrl"] == rules_doc["questionnaire"].replace(
        "triage.questionnaire.json", "triage.rules.json")


# ---- the data version and the changelog ---------------------------------------------

def test_changes_json_is_the_changelog(built_site):
    assert read_json(built_site / "api" / "changes.json") == yamlload.load_file(DATA / "changelog.yaml").data


def test_index_carries_the_data_version_and_links_the_changes(built_site, dataset):
    index = read_json(built_site / "api" / "index.json")
    version = index["data_version"]
    reviewed = [str(r.get("last_reviewed")) for r in dataset.all_records() if r.get("last_reviewed")]
    assert version["date"] == max(reviewed + [r["date"] for r in dataset.changelog])
    assert version["release"] == dataset.changelog[0]["version"]
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        assert version["commit"] == head.stdout.strip() and len(version["commit_date"]) == 10
    assert index["changes"].endswith("changes.json")
    for name in index["files"]:
        assert (built_site / "api" / name).exists(), f"api/index.json lists {name}, which is not built"


def test_data_version_without_git(dataset, tmp_path):
    """A build from a copy without git history (an unpacked zip) has null commit fields, never an error."""
    assert api.git_commit(tmp_path) is None
    version = api.documents(dataset, commit=None)["index.json"]["data_version"]
    assert version["commit"] is None and version["commit_date"] is None and version["date"]
    written = api.write(dataset, tmp_path / "site", commit=None)
    assert json.loads((tmp_path / "site" / "api" / "index.json").read_text(encoding="utf-8"))["data_version"]["commit"] is None
    assert written


def test_changelog_rules_hold_on_the_real_changelog(dataset):
    releases = dataset.changelog
    assert releases, "data/changelog.yaml has no release"
    assert [r["date"] for r in releases] == sorted((r["date"] for r in releases), reverse=True)
    for change in releases[0]["changes"]:
        folder, _, rid = change["record"].partition("/")
        if change["kind"] != "removed" and folder != "triage":
            assert dataset.get(folder, rid) is not None, change
