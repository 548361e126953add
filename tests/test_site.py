"""The real site, built once with --strict: pages, comparisons, care boxes, headings.

Comparison checks recompute every cell from the raw records (not from the
rendering code) and are run against a tampered copy too, so they can fail.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from macros.data.model import KINDS

from .conftest import ROOT, html_pages
from .htmldom import parse

RECORD_KINDS = list(KINDS)


def page_of(site: Path, kind: str, record_id: str) -> Path:
    return site / kind / record_id / "index.html"


def load(path: Path):
    return parse(path.read_text(encoding="utf-8"))


def test_every_record_has_a_page(built_site, dataset):
    count = 0
    for kind in RECORD_KINDS:
        for rid, rec in dataset.kind(kind).items():
            path = page_of(built_site, kind, rid)
            assert path.exists(), f"no page for {kind}/{rid}"
            h1 = load(path).find("h1")
            assert h1 is not None and rec.title in h1.text(), f"{kind}/{rid}: h1 is not the record's name"
            count += 1
    assert count > 150


def test_index_pages_link_every_record(built_site, dataset):
    for kind in RECORD_KINDS:
        doc = load(built_site / kind / "index.html")
        hrefs = {a.attrs.get("href", "") for a in doc.find("article").find_all("a")}
        for rid in dataset.kind(kind):
            assert f"{rid}/" in hrefs, f"{kind}/index does not link {rid}"


def test_record_pages_are_not_in_the_sidebar(built_site):
    """Scale: the nav lists section pages only, so each page stays small."""
    doc = load(built_site / "index.html")
    nav_links = [a.attrs.get("href", "") for a in doc.find_all("a", cls="md-nav__link")]
    assert not any(re.search(r"causes/[a-z-]+/$", h) for h in nav_links), nav_links


def test_links_both_ways(built_site, dataset):
    """Cause -> symptom links have their reverse on the symptom page, and so on."""
    for cid, cause in dataset.kind("causes").items():
        cause_doc = page_of(built_site, "causes", cid).read_text(encoding="utf-8")
        for entry in cause["symptoms"]:
            assert f"../../symptoms/{entry['id']}/" in cause_doc
            assert f"../../causes/{cid}/" in page_of(built_site, "symptoms", entry["id"]).read_text(encoding="utf-8")
    for tid, tr in dataset.kind("treatments").items():
        for ev in tr["evidence"]:
            for cid in ev["causes"]:
                assert f"../../treatments/{tid}/" in page_of(built_site, "causes", cid).read_text(encoding="utf-8")
    for aid, part in dataset.kind("anatomy").items():
        for cid in part["causes"]:
            assert f"../../anatomy/{aid}/" in page_of(built_site, "causes", cid).read_text(encoding="utf-8")


# ---- comparison pages: every cell equals the data ----------------------------

def _cells(doc):
    """(row key from the first link, list of data-value/data-tier per column) per table row."""
    for tr in doc.find_all("tr"):
        tds = tr.find_all("td")
        if not tds or not tds[0].find("a"):
            continue
        key = tds[0].find("a").attrs["href"].rstrip("/").split("/")[-1]
        values = []
        for td in tds[1:]:
            span = next((n for n in td.iter() if "data-value" in n.attrs or "data-tier" in n.attrs), None)
            values.append(None if span is None else span.attrs.get("data-value", span.attrs.get("data-tier")))
        yield key, values


def _header_ids(doc):
    ths = doc.find("thead").find_all("th")
    return [th.find("a").attrs["href"].rstrip("/").split("/")[-1] if th.find("a") else th.text() for th in ths]


def kidney_or_back_mismatches(doc, ds) -> list[str]:
    problems = []
    seen = 0
    for cid, values in _cells(doc):
        cause = ds.get("causes", cid)
        pain = cause["pain"]
        urinary = [e["typical"] for e in cause["symptoms"] if ds.get("symptoms", e["id"])["region"] == "urinary"]
        fever = [e["typical"] for e in cause["symptoms"] if e["id"] == "fever"]
        injuries = [r.id for r in ds.kind("risk-factors").values() if r["category"] == "injury" and cid in r["raises"]]
        expected = [",".join(pain["where"]), ",".join(pain.get("spreads_to", [])), pain.get("side", ""), ",".join(pain["pattern"]),
                    pain["onset"], None, None, ("typical" if "typical" in urinary else "possible" if urinary else ""),
                    fever[0] if fever else "", ",".join(sorted(injuries)), cause["urgency"]]
        got = list(values)
        got[9] = ",".join(sorted(got[9].split(","))) if got[9] else ""
        if got != expected:
            problems.append(f"{cid}: page {got} != data {expected}")
        seen += 1
    if seen != len(ds.kind("causes")):
        problems.append(f"{seen} cause rows for {len(ds.kind('causes'))} causes")
    return problems


def matrix_mismatches(doc, ds, expected_cell) -> list[str]:
    columns = _header_ids(doc)[1:]
    problems, rows = [], 0
    for row_id, values in _cells(doc):
        rows += 1
        for col_id, value in zip(columns, values, strict=True):
            want = expected_cell(row_id, col_id)
            if (value or "") != want:
                problems.append(f"{row_id} x {col_id}: page {value!r} != data {want!r}")
    if not rows:
        problems.append("no rows")
    return problems


def symptom_cell(ds):
    def cell(sid, cid):
        return next((e["typical"] for e in ds.get("causes", cid)["symptoms"] if e["id"] == sid), "")
    return cell


def treatment_cell(ds):
    def cell(tid, cid):
        return next((ev["grade"] for ev in ds.get("treatments", tid)["evidence"] if cid in ev["causes"]), "")
    return cell


def test_kidney_or_back_equals_data(built_site, dataset):
    doc = load(built_site / "compare" / "kidney-or-back" / "index.html")
    assert kidney_or_back_mismatches(doc, dataset) == []


def test_kidney_or_back_check_catches_a_wrong_cell(built_site, dataset):
    html = (built_site / "compare" / "kidney-or-back" / "index.html").read_text(encoding="utf-8")
    tampered = html.replace('data-value="colicky"', 'data-value="constant"', 1)
    assert tampered != html
    assert kidney_or_back_mismatches(parse(tampered), dataset), "negative control: a changed cell went unnoticed"
    ds = copy.deepcopy(dataset)
    ds.get("causes", "muscle-strain").data["pain"]["onset"] = "sudden"
    ds.forget()
    assert kidney_or_back_mismatches(parse(html), ds), "negative control: changed data went unnoticed"


def test_causes_symptoms_matrix_equals_data(built_site, dataset):
    html = (built_site / "compare" / "causes-symptoms" / "index.html").read_text(encoding="utf-8")
    assert matrix_mismatches(parse(html), dataset, symptom_cell(dataset)) == []
    tampered = html.replace('data-value="typical"', 'data-value="possible"', 1)
    assert matrix_mismatches(parse(tampered), dataset, symptom_cell(dataset)), "negative control"


def test_treatments_causes_matrix_equals_data(built_site, dataset):
    html = (built_site / "compare" / "treatments-causes" / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):]
    doc = parse(article[article.index("</table>") + 8:])  # skip the grade legend table
    assert matrix_mismatches(doc, dataset, treatment_cell(dataset)) == []
    tampered = article[article.index("</table>") + 8:].replace('data-value="recommended"', 'data-value="consider"', 1)
    assert matrix_mismatches(parse(tampered), dataset, treatment_cell(dataset)), "negative control"


def test_anatomy_comparison_lists_every_part(built_site, dataset):
    doc = load(built_site / "compare" / "anatomy" / "index.html")
    rows = dict(_cells(doc))
    assert set(rows) >= set(dataset.kind("anatomy"))


def test_body_maps_follow_pain_fields(built_site, dataset):
    doc = load(built_site / "compare" / "where-it-hurts" / "index.html")
    maps = {svg.attrs["data-cause"]: svg for svg in doc.find_all("svg") if "data-cause" in svg.attrs}
    assert set(maps) == set(dataset.kind("causes"))
    for cid, svg in maps.items():
        pain = dataset.get("causes", cid)["pain"]
        states = {g.attrs["data-region"]: g.attrs["data-state"] for g in svg.find_all("g") if "data-region" in g.attrs}
        assert {r for r, s in states.items() if s == "main"} == set(pain["where"]), cid
        assert {r for r, s in states.items() if s == "spread"} == set(pain.get("spreads_to", [])) - set(pain["where"]), cid
        assert svg.find("title") and svg.find("desc"), f"{cid}: body map needs a text alternative"


# ---- safety on every page --------------------------------------------------

def emergency_records(ds):
    for kind in ("symptoms", "risk-factors"):
        for rid, rec in ds.kind(kind).items():
            if rec.get("urgency") == "emergency":
                yield kind, rid
    for rid, rec in ds.kind("causes").items():
        if rec["urgency"] == "emergency" or any(s["tier"] == "emergency" for s in rec["when_to_get_help"]):
            yield "causes", rid


def test_emergency_box_on_every_emergency_page(built_site, dataset):
    pages = list(emergency_records(dataset))
    assert len(pages) > 15
    for kind, rid in pages:
        doc = load(page_of(built_site, kind, rid))
        box = doc.find("div", cls="care-card--emergency")
        assert box is not None, f"{kind}/{rid}: no emergency box"
        assert "Emergency" in box.text() and "emergency number" in box.text(), f"{kind}/{rid}: tier not in words"
        assert any("emergency/" in a.attrs.get("href", "") for a in box.find_all("a")), f"{kind}/{rid}: no link to emergency signs"


def test_every_page_has_disclaimer_and_emergency_link(built_site):
    for path in html_pages(built_site):
        doc = load(path)
        aside = doc.find("aside", cls="bsg-disclaimer")
        assert aside is not None, f"{path}: no disclaimer"
        assert "does not diagnose" in aside.text()
        here = path.parent.name == "emergency"
        assert any(a.attrs.get("href", "").endswith("emergency/") or (here and a.attrs.get("href") == "./")
                   for a in aside.find_all("a")), f"{path}: no emergency link"


def test_record_pages_have_edit_and_report_links(built_site, dataset):
    for kind in RECORD_KINDS:
        for rid, rec in dataset.kind(kind).items():
            doc = load(page_of(built_site, kind, rid))
            links = {a.text().strip(): a.attrs.get("href", "") for a in doc.find("nav", cls="bsg-page-actions").find_all("a")}
            assert links["Edit this record"].endswith(f"/edit/main/{rec.path.as_posix()}"), links
            assert "issues/new?template=report-incorrect-information.yml" in links["Report a problem with this page"]


def test_headings_are_well_formed(built_site):
    for path in html_pages(built_site):
        doc = load(path)
        article = doc.find("article") or doc
        levels = [int(n.tag[1]) for n in article.iter() if re.fullmatch(r"h[1-6]", n.tag)]
        assert levels and levels.count(1) == 1 and levels[0] == 1, f"{path}: needs exactly one h1, first"
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{path}: heading jumps from h{before} to h{after}"
        for n in article.iter():
            if re.fullmatch(r"h[1-6]", n.tag):
                assert n.text().strip(), f"{path}: empty heading"


def test_links_are_well_formed(built_site):
    for path in html_pages(built_site):
        for a in load(path).find_all("a"):
            href = a.attrs.get("href")
            assert href is not None and href.strip() == href and not href.lower().startswith("javascript:"), f"{path}: bad link {href!r}"


def test_glossary_terms_become_tooltips(built_site, dataset):
    html = page_of(built_site, "treatments", "nsaids").read_text(encoding="utf-8")
    # The first mention of the NSAID entry (a term or any of its forms) carries the tooltip.
    assert re.search(r'<abbr title="Non-steroidal[^"]+">(?:NSAIDs?|non-steroidal anti-inflammatory drugs?)</abbr>', html)


def test_tooltips_mark_each_term_once_per_page_and_leave_the_markup_whole(built_site, dataset):
    """Issue 21/22: the first mention of each glossary entry per page, never in headings or links; no page carries
    Python-Markdown's stash markers (U+0002, U+0003) or placeholder words, and the flowchart keeps its data-rules."""
    meaning_entry = {" ".join(t["meaning"].split()): n for n, t in enumerate(dataset.glossary)}
    pages = html_pages(built_site)
    total = 0
    for path in pages:
        html = path.read_text(encoding="utf-8")
        name = path.relative_to(built_site).as_posix()
        assert "\x02" not in html and "\x03" not in html, f"{name}: a stash marker (U+0002/U+0003) reached the page"
        assert "wzxhzdk" not in html and "klzzwxh" not in html, f"{name}: a Markdown placeholder word reached the page"
        article = load(path).find("article") or load(path)
        entries = [meaning_entry.get(a.attrs.get("title")) for a in article.find_all("abbr")]
        repeated = {e for e in entries if e is not None and entries.count(e) > 1}
        assert not repeated, f"{name}: a glossary term is marked more than once"
        total += len(entries)
        for heading in article.find_all("h1") + article.find_all("h2") + article.find_all("a"):
            assert heading.find("abbr") is None, f"{name}: a tooltip inside <{heading.tag}>"
    assert total > len(pages), "tooltips went missing"
    assert 'data-rules="' in (built_site / "flowchart" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["index.html", "flowchart/index.html", "causes/kidney-stones/index.html"])
def test_no_external_assets_in_key_pages(built_site, site_url, name):
    html = (built_site / name).read_text(encoding="utf-8")
    # Absolute addresses may only be the site's own (the canonical link, built with SITE_URL).
    absolute = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="((?:https?:)?//[^"]*)"', html)
    assert [u for u in absolute if not u.startswith(site_url)] == [], name
    assert "fonts.googleapis" not in html and "unpkg.com" not in html


def test_offline_build_uses_local_shim(offline_site):
    html = (offline_site / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in html
    assert "assets/vendor/iframe-worker/shim.js" in html
    assert (offline_site / "causes" / "kidney-stones.html").exists()


def test_build_is_strict_and_data_errors_stop_it(tmp_path):
    """Negative control on a copy of the project: a data error fails the build with the validator's message."""
    import shutil

    from .conftest import build_site

    for name in ("mkdocs.yml", "docs", "overrides", "macros", "data"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    fever = tmp_path / "data" / "symptoms" / "fever.yaml"
    fever.write_text(fever.read_text(encoding="utf-8").replace("urgency: urgent", "urgency: urgnet"), encoding="utf-8")
    result = build_site(tmp_path / "out", config=tmp_path / "mkdocs.yml", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "data/symptoms/fever.yaml:11: urgency: 'urgnet' is not allowed; did you mean 'urgent'?" in output
    assert "Traceback" not in output


def test_every_emergency_number_is_a_tap_to_call_link(built_site):
    """Wherever the guide tells a reader to call (care cards, the home and emergency pages), the number is a tel: link.

    Record text that mentions a number in passing (a source's summary, say) is the contributor's words and is left as written.
    """
    from macros.data import vocab

    numbers = [t.id for t in vocab.get("emergencyNumber").terms]
    shown = 0
    for page in html_pages(built_site):
        html = page.read_text(encoding="utf-8")
        shown += len(re.findall(r'<a[^>]+href="tel:(\d+)"', html))
        whole = page.relative_to(built_site).as_posix() in ("index.html", "emergency/index.html")
        parts = [html] if whole else re.findall(r'<div class="care-card[^"]*".*?</div>', html, flags=re.S)
        for part in parts:
            text = re.sub(r'<a[^>]+href="tel:[^"]*"[^>]*>.*?</a>', " ", part, flags=re.S)
            text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
            text = re.sub(r"<[^>]+>", " ", text)
            for number in numbers:
                assert not re.search(rf"(?<![\d,.]){number}(?![\d,.])", text), f"{page.relative_to(built_site)}: {number} is not a tel: link"
    assert shown >= 8, "no tel: links found: the test would pass on nothing"


def test_no_markdown_attribute_reaches_a_page(built_site):
    """md_in_html's markdown="..." is an instruction to the build, not HTML (the Nu checker reports it)."""
    found = [str(p.relative_to(built_site)) for p in html_pages(built_site)
             if re.search(r"<[a-z][^>]*\smarkdown(=|\s|>)", p.read_text(encoding="utf-8"))]
    assert found == []


def test_emergency_signs_follow_the_data_rank(built_site, dataset):
    """/emergency/ (issue 20): at most 10 signs in the reader's words, one per outcome that single findings lead to,
    the most urgent first (by the rank of each sign's most urgent finding); every emergency and urgent finding is
    named, linked, once, under its outcome's sign, in the order of its rank."""
    from macros.pages import compare

    doc = load(built_site / "emergency" / "index.html")
    outcomes = dataset.triage["outcomes"]
    for urgency, card in (("emergency", "care-card--emergency"), ("urgent", "care-card--urgent")):
        findings = [r for r in dataset.findings().values() if r.get("urgency") == urgency]
        ranks = [r["rank"] for r in findings if r.get("rank") is not None]
        assert len(ranks) == len(set(ranks)), f"two {urgency} findings share a rank"
        box = doc.find("div", cls=card)
        signs = [li for li in box.find_all("li") if "data-outcome" in li.attrs and "sign-list--together" not in li.parent.classes]
        if urgency == "emergency":
            assert 1 <= len(signs) <= 10, f"{len(signs)} emergency signs"
            assert box.find("ul", cls="call-list") is not None
        shown, firsts = [], []
        for li in signs:
            node = outcomes[li.attrs["data-outcome"]]
            assert node["tier"] == urgency and li.find("summary").text().strip()
            named = [a.attrs["href"].split("../", 1)[-1] for a in li.find("ul", cls="sign-findings").find_all("a")]
            assert named == [f"{r.kind}/{r.id}/" for r in compare.by_rank(dataset.finding(f) for f in node["for_findings"])]
            shown += named
            firsts.append(dataset.finding(named[0].split("/")[1]))
        assert sorted(shown) == sorted(f"{r.kind}/{r.id}/" for r in findings), urgency
        ranked = [r["rank"] for r in firsts if r.get("rank") is not None]
        assert ranked == sorted(ranked), f"{urgency} signs are not in the order of their most urgent finding"
    assert all(r.get("rank") for r in dataset.findings().values() if r.get("urgency") == "emergency"), "rank every emergency sign"
    # Outcomes only a combination leads to are listed as "these together", each in the reader's words.
    together = {li.attrs["data-outcome"] for ul in doc.find_all("ul", cls="sign-list--together") for li in ul.find_all("li")
                if "data-outcome" in li.attrs}
    assert together == {name for name, node in outcomes.items()
                        if node["tier"] in ("emergency", "urgent") and not node.get("for_findings")}
    assert all(outcomes[name].get("sign") for name in together), "give each combination outcome a sign in data/triage.yaml"


def test_offline_page_links_the_latest_release_zip(built_site):
    """Issue 20: a real download link, from mkdocs.yml's extra.repository and the asset release.yml attaches."""
    import yaml

    from macros.pages.offline import OFFLINE_ZIP

    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert f"gh release upload \"$TAG\" dist/{OFFLINE_ZIP}" in workflow
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # !ENV tags as text
    expected = config["extra"]["repository"].rstrip("/") + "/releases/latest/download/" + OFFLINE_ZIP
    doc = load(built_site / "offline" / "index.html")
    assert expected in [a.attrs.get("href") for a in doc.find("article").find_all("a")]
    text = doc.find("article").text()
    assert "Actions" not in text and "artifact" not in text
    for words in ("Android", "iPhone", "index.html", "do not work"):
        assert words in text, words
