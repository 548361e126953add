"""Real Chromium: offline search, requests, tables and record pages on a phone (the flowchart: test_flowchart.py).

Every test here drives Debian's chromium through playwright (see conftest).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from macros.data import vocab

from .benchmarks.lighthouse import PAGES as LIGHTHOUSE_PAGES
from .conftest import type_until_results

pytestmark = pytest.mark.browser


def same_origin(url: str, base: str) -> bool:
    return url.startswith(base) or urlsplit(url).scheme in ("data", "blob", "about")


def test_no_external_requests_on_key_pages(page, site_url):
    for path in ["", "flowchart/", "causes/kidney-stones/", "compare/kidney-or-back/", "compare/where-it-hurts/", "anatomy/"]:
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    external = [u for u in page.requests_seen if not same_origin(u, site_url)]
    assert external == []
    assert not page.errors_seen, page.errors_seen


# One page of each type Lighthouse measures: True for the flowchart.
FIRST_VISITS = {path: kind == "flowchart" for kind, path in LIGHTHOUSE_PAGES.items()}


def test_a_first_visit_downloads_nothing_the_reader_has_not_asked_for(browser, site_url):
    """Issue 22: with an empty cache, no sitemap.xml (navigation.instant is off: with it Material fetches one on
    every first visit), no search index or search worker until search is opened, and the flowchart's own
    stylesheet and script on its page only. The home page alone fetches sitemap.xml: Material's bundle does so for
    each <link rel="alternate">, and the home page names the feed for feed readers (tests/test_seo.py)."""
    for path, is_flowchart in FIRST_VISITS.items():
        context = browser.new_context()
        pg = context.new_page()
        paths: list[str] = []
        pg.on("request", lambda r, paths=paths: paths.append(urlsplit(r.url).path))
        pg.goto(site_url + path)
        pg.wait_for_load_state("networkidle")
        pg.wait_for_timeout(300)
        unasked = [p for p in paths if p.endswith(("/sitemap.xml", "/search_index.json")) or "/workers/" in p]
        if path == "":
            unasked = [p for p in unasked if not p.endswith("/sitemap.xml")]
        assert not unasked, f"{path or 'home'}: fetched before the reader asked: {unasked}"
        for own in ("assets/stylesheets/flowchart.css", "assets/javascripts/flowchart.js"):
            assert any(p.endswith(own) for p in paths) == is_flowchart, f"{path or 'home'}: {own}"
        if path == "":
            with pg.expect_request(lambda r: r.url.endswith("/search/search_index.json"), timeout=10_000):
                pg.keyboard.press("s")  # Material's shortcut opens search: now the index comes
        context.close()


def test_index_table_filters_and_sorts(page, site_url, dataset):
    page.goto(site_url + "causes/")
    page.get_by_label("Filter this table").fill("kidney")
    visible = page.locator(".sortable-table tbody tr:visible")
    assert 1 <= visible.count() < len(dataset.kind("causes"))
    page.get_by_label("Filter this table").fill("")
    page.get_by_role("button", name="How fast to get help").click()
    first = page.locator(".sortable-table tbody tr").first.locator("[data-tier]").get_attribute("data-tier")
    assert first == "emergency"


def test_offline_search_from_file_url(page, offline_site):
    """The offline build works from file:// and its search finds psoas."""
    page.goto((offline_site / "index.html").as_uri())
    meta = page.locator(".md-search-result__meta")
    page.keyboard.press("s")  # Material's shortcut focuses the search box
    type_until_results(page, "psoas", attempts=10, timeout_ms=2000)  # the index loads through the iframe-worker shim
    page.locator(".md-search-result__item").first.wait_for(timeout=5000)
    assert "matching" in meta.inner_text()
    assert "psoas" in page.locator(".md-search-result").inner_text().lower()
    assert all(u.startswith("file://") or urlsplit(u).scheme in ("data", "blob", "about") for u in page.requests_seen), page.requests_seen


# ---- phones (every page on a phone: tests/test_first_screen.py) ---------------------------

def test_matrices_scroll_in_their_frame_with_sticky_row_labels(phone, site_url):
    # Causes x symptoms shows a list instead on a phone (issue 20): test_causes_symptoms_on_a_phone.
    for path in ("compare/treatments-causes/",):
        phone.goto(site_url + path)
        frame = phone.locator(".matrix .md-typeset__scrollwrap").first
        frame.wait_for()
        assert frame.evaluate("el => el.scrollWidth > el.clientWidth"), f"{path}: the matrix does not scroll in its frame"
        label = phone.locator(".matrix tbody tr td:first-child").first
        cell = phone.locator(".matrix tbody tr td:nth-child(6)").first
        before = cell.bounding_box()["x"]
        frame.evaluate("el => { el.scrollLeft = 300; }")
        phone.wait_for_timeout(50)
        assert cell.bounding_box()["x"] < before - 100, f"{path}: the matrix did not scroll"
        assert label.bounding_box()["x"] >= frame.bounding_box()["x"] - 1, f"{path}: the row labels scroll away"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_causes_index_shows_every_tier_badge_on_a_phone(phone, page, site_url, dataset):
    """Issue 20: at 390 px each cause is a card with its name and tier badge on screen, most urgent first."""
    phone.goto(site_url + "causes/")
    rows = phone.locator(".index-cards tbody tr")
    assert rows.count() == len(dataset.kind("causes"))
    badges = phone.locator(".index-cards tbody tr .tier")
    assert badges.count() == rows.count()
    boxes = badges.evaluate_all("els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; })")
    assert all(left >= 0 and right <= 390 and width > 0 for left, right, width in boxes), boxes
    ranks = [int(r) for r in badges.evaluate_all("els => els.map(e => e.dataset.rank)")]
    assert ranks == sorted(ranks), "most urgent first"
    assert [r for r in ranks] and ranks[0] == vocab.tiers().rank("emergency")
    tall = rows.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert max(tall) < 220, f"a cause's card is {max(tall):.0f} px tall"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(site_url + "causes/")  # a desktop keeps the table, all four columns
    assert page.locator(".index-cards thead th").count() == 4
    assert page.locator(".index-cards thead").evaluate("e => e.getBoundingClientRect().height") > 10


def test_causes_symptoms_on_a_phone(phone, page, site_url, dataset):
    """Issue 20: at 390 px a reader opens a symptom and sees the causes that list it, typical first; no grid to scroll.
    A desktop (and paper) keeps the full grid."""
    phone.goto(site_url + "compare/causes-symptoms/")
    assert not phone.locator(".matrix").first.is_visible()
    items = phone.locator(".symptom-chooser li[data-symptom]")
    assert items.count() == len(dataset.kind("symptoms"))
    sid = "blood-in-urine"
    item = phone.locator(f'.symptom-chooser li[data-symptom="{sid}"]')
    item.locator("summary").click()
    links = item.locator("a[data-typical]")
    links.first.wait_for()
    assert links.first.is_visible()
    shown = links.evaluate_all("els => els.map(a => [a.dataset.typical, a.getAttribute('href')])")
    expected = sorted(dataset.symptom_causes(sid), key=lambda ce: (ce[1]["typical"] != "typical", ce[0].title))
    assert [(t, h.rstrip("/").rsplit("/", 1)[-1]) for t, h in shown] == [(e["typical"], c.id) for c, e in expected]
    assert shown[0][0] == "typical"
    box = links.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(site_url + "compare/causes-symptoms/")
    assert page.locator(".matrix").first.is_visible() and not page.locator(".symptom-chooser").is_visible()


def test_record_tables_become_labelled_cards_on_a_phone(phone, page, site_url):
    phone.goto(site_url + "causes/muscle-strain/")
    cell = phone.locator("#treatments ~ .stack-table td[data-label='Role']").first
    assert phone.locator("#treatments ~ .stack-table table").first.evaluate("t => getComputedStyle(t).display") == "block"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Role: "'
    page.goto(site_url + "causes/muscle-strain/")  # a desktop keeps the table
    assert page.locator("#treatments ~ .stack-table table").first.evaluate("t => getComputedStyle(t).display") != "block"


def test_kidney_or_back_does_not_scroll_sideways_on_a_desktop(page, site_url):
    page.goto(site_url + "compare/kidney-or-back/")
    page.locator(".compact-table .md-typeset__scrollwrap").first.wait_for()
    frames = page.locator(".compact-table .md-typeset__scrollwrap")
    assert frames.count() >= 2
    assert frames.evaluate_all("els => els.filter(el => el.scrollWidth > el.clientWidth + 1).length") == 0


def test_glossary_term_shows_its_meaning_on_a_tap(phone, site_url):
    """A phone shows no title on a tap: guide.js shows the term's meaning under it, inside the screen, and
    hides it when the reader taps elsewhere or presses Escape; a page reached by a link starts with none shown."""
    phone.goto(site_url + "causes/kidney-stones/")
    abbr = phone.locator(".md-content abbr[title]").first
    abbr.scroll_into_view_if_needed()
    abbr.tap()
    tip = phone.locator(".bsg-tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert tip.inner_text() == abbr.get_attribute("title")
    box, word = tip.bounding_box(), abbr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] >= word["y"] + word["height"], (box, word)
    phone.locator(".md-content h1").tap()
    tip.wait_for(state="hidden", timeout=5_000)
    abbr.focus()
    tip.wait_for(state="visible", timeout=5_000)
    phone.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=5_000)
    abbr.focus()
    phone.locator(".md-content a[href$='/emergency/']").first.click()  # on to another page: the box does not follow
    phone.wait_for_url("**/emergency/")
    assert not phone.locator(".bsg-tip").is_visible()
    assert not phone.errors_seen, phone.errors_seen
