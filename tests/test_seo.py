"""What machines read: JSON-LD per record page, the Atom feed, head links, search front matter.

The built site (SITE_URL = the test server) is parsed with real parsers:
``json`` for JSON-LD and ``xml.etree`` for the feed.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from macros.pages import render, seo, text

from .conftest import ROOT, html_pages
from .htmldom import parse

ATOM = "{http://www.w3.org/2005/Atom}"
ABOUT = {"causes": {"MedicalCondition"}, "symptoms": {"MedicalSignOrSymptom"}, "risk-factors": {"MedicalRiskFactor"},
         "treatments": {"MedicalTherapy", "Drug"}, "anatomy": {"AnatomicalStructure"}}


def jsonld_of(path: Path) -> list[dict]:
    html = path.read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    assert html.count("application/ld+json") == len(blocks), f"{path}: JSON-LD outside <head>"
    for raw in blocks:
        assert "<" not in raw and ">" not in raw and "&" not in raw, f"{path}: JSON-LD not escaped for a script element"
    return [json.loads(raw) for raw in blocks]


def test_every_record_page_has_parsing_jsonld(built_site, dataset, site_url):
    count = 0
    for kind, types in ABOUT.items():
        for rid, rec in dataset.kind(kind).items():
            docs = jsonld_of(built_site / kind / rid / "index.html")
            assert len(docs) == 1, f"{kind}/{rid}: {len(docs)} JSON-LD blocks"
            doc = docs[0]
            assert doc["@context"] == "https://schema.org" and doc["@type"] == "MedicalWebPage"
            assert doc["lastReviewed"] == str(rec["last_reviewed"])
            assert doc["url"] == f"{site_url}{kind}/{rid}/"
            assert doc["about"]["@type"] in types and doc["about"]["name"] == text.clean(rec.title)
            if kind == "causes":
                codes = [c["code"] for c in doc["about"]["code"]]
                assert codes == rec["icd10"] and all(c["@type"] == "MedicalCode" and c["codingSystem"] == "ICD-10" for c in doc["about"]["code"])
                assert {s["@type"] for s in doc["about"]["signOrSymptom"]} == {"MedicalSignOrSymptom"}
                assert len(doc["about"]["signOrSymptom"]) == len(rec["symptoms"])
                assert all(s["url"].startswith(site_url) for s in doc["about"]["signOrSymptom"])
                offered = [t.title for t, entry in dataset.cause_treatments(rid) if entry["grade"] in ("recommended", "consider")]
                assert [t["name"] for t in doc["about"].get("possibleTreatment", [])] == [text.clean(t) for t in offered], rid
            if kind == "risk-factors":
                assert len(doc["about"]["increasesRiskOf"]) == len(rec["raises"])
            count += 1
    assert count > 100
    # No JSON-LD on pages that are not records; sources are WebPages about the cited work.
    assert jsonld_of(built_site / "index.html") == []
    source = jsonld_of(built_site / "sources" / next(iter(dataset.kind("sources"))) / "index.html")[0]
    assert source["@type"] == "WebPage" and source["about"]["@type"] == "CreativeWork"


def test_every_cause_has_who_icd10_codes(dataset):
    schema = json.loads((ROOT / "data" / "schemas" / "cause.schema.json").read_text())["properties"]["icd10"]
    assert dataset.kind("causes"), "no causes: the test would pass on nothing"
    for rid, rec in dataset.kind("causes").items():
        assert rec.get("icd10"), f"{rid}: no ICD-10 code"
        jsonschema.validate(rec["icd10"], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(["N20.01X"], schema)  # an ICD-10-CM code, not WHO's form
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(["n20.0"], schema)


def test_jsonld_stays_inert_with_hostile_text(dataset):
    ds = copy.deepcopy(dataset)
    rec = ds.get("causes", "kidney-stones")
    rec.data["name"] = 'Stone</script><script>alert(1)</script><!-- & "quote" \u2028'
    island = str(text.json_island(seo.jsonld(ds, rec, seo.Urls("https://example.org/"), "Guide")))
    assert "</" not in island and "<" not in island and "&" not in island and "\u2028" not in island
    assert json.loads(island)["about"]["name"] == text.clean_lines(rec.data["name"])


def test_feed_is_atom_and_lists_reviewed_pages(built_site, dataset, site_url):
    tree = ET.parse(built_site / "feed.xml")  # a real XML parser: fails on malformed XML
    root = tree.getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None and root.find(f"{ATOM}{tag}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == site_url + "feed.xml"
    entries = root.findall(f"{ATOM}entry")
    records = [r for kind in ABOUT for r in dataset.kind(kind).values()]
    assert len(entries) == min(100, len(records))
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert root.find(f"{ATOM}updated").text == updated[0]
    ids = set()
    for entry in entries:
        for tag in ("id", "title", "updated", "summary"):
            assert (entry.find(f"{ATOM}{tag}").text or "").strip(), f"entry without {tag}"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.find(f"{ATOM}updated").text)
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith(site_url) and (built_site / href[len(site_url):] / "index.html").exists(), href
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(entries)


def test_home_and_open_data_name_the_feed_and_no_other_page_does(built_site):
    """Feed readers find the feed from the home page. Any other page's <link rel="alternate"> would cost a second
    request for sitemap.xml (Material's bundle fetches one for every alternate link, taking it for a language)."""
    for path in html_pages(built_site):
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        named = 'type="application/atom+xml"' in head and "feed.xml" in head
        wanted = path in (built_site / "index.html", built_site / "open-data" / "index.html")
        assert named == wanted, f"{path}: feed link {'missing' if wanted else 'on a page other than home and open data'}"
        assert head.count('rel="alternate"') == int(wanted), path
    links = [a.attrs.get("href", "") for a in parse((built_site / "open-data" / "index.html").read_text()).find_all("a")]
    assert any(h.endswith("feed.xml") for h in links)


def test_search_front_matter(dataset):
    """Record pages give their lay words to search as tags; sources are ranked down."""
    strain = render.record_meta(dataset.get("causes", "muscle-strain"))
    assert "lumbago" in strain["tags"] and "search" not in strain
    assert text.read_front_matter(text.front_matter(strain)) == text.cleaned_meta(strain)
    source = render.record_meta(next(iter(dataset.kind("sources").values())))
    assert source["search"]["boost"] < 1 and "tags" not in source


def test_search_index_ranks_sources_down(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    for doc in index["docs"]:
        if doc["location"].startswith(("sources/", "glossary/")):
            assert doc.get("boost", 1) < 1, doc["location"]
    saddle = next(d for d in index["docs"] if d["location"] == "symptoms/saddle-numbness/")
    assert "numb bum" in saddle["tags"] and "Symptom · Emergency" in saddle["title"]


@pytest.mark.browser
def test_jsonld_page_reached_by_link_click_has_no_error(page, site_url):
    """Instant navigation (SITE_URL set) must not re-run the head's JSON-LD as a script."""
    page.goto(site_url + "causes/")
    page.locator("a[href$='kidney-stones/']").first.click()
    page.wait_for_url("**/causes/kidney-stones/")
    page.locator("h1").first.wait_for()
    page.get_by_role("link", name="Pain that comes in waves").first.click()
    page.wait_for_url("**/symptoms/colicky-pain/")
    page.go_back()
    page.wait_for_url("**/causes/kidney-stones/")
    page.wait_for_timeout(500)
    assert not page.errors_seen, page.errors_seen
    page.goto(site_url + "causes/kidney-stones/")
    raw = page.locator('head script[type="application/ld+json"]').text_content()
    assert json.loads(raw)["about"]["@type"] == "MedicalCondition"
