"""Real Chromium: every record page answers first, on the first screen of a 390x844 phone (issue 20).

* causes, symptoms and risk factors: the summary card (``data-summary-card``,
  ``data-tier``: how urgent, what it means, what to do, the review status)
  lies wholly inside the first screen;
* medicines and other treatments with ``avoid_if`` or ``doses``: the safety
  box (``data-medicine-safety``) starts in the first screen, before the grade,
  and the grade says what it is for;
* self-care and soon causes lead with what you can do, then the get-help
  cards least urgent first; urgent and emergency causes lead with the cards;
* a cause page prints in at most 4 A4 pages, with the site name and the
  review date at the top and no jump list or other names.
"""

from __future__ import annotations

import re

import pytest

from macros.data import vocab

from .conftest import skip_search

pytestmark = pytest.mark.browser

SCREEN = 844



def _box(pg, selector: str):
    return pg.evaluate("""s => { const e = document.querySelector(s); if (!e) return null;
        const r = e.getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY}; }""", selector)


def test_summary_card_fits_the_first_phone_screen_on_every_record_page(phone, site_url, dataset):
    skip_search(phone)
    checked = 0
    for kind in ("causes", "symptoms", "risk-factors"):
        for rid, rec in dataset.kind(kind).items():
            phone.goto(f"{site_url}{kind}/{rid}/", wait_until="domcontentloaded")
            card = _box(phone, "[data-summary-card]")
            assert card is not None, f"{kind}/{rid}: no summary card"
            assert card["bottom"] <= SCREEN, f"{kind}/{rid}: the summary card ends at {card['bottom']:.0f} px, below the first screen"
            tier = phone.locator("[data-summary-card]").get_attribute("data-tier")
            assert tier == (rec.get("urgency") or "none"), f"{kind}/{rid}: data-tier {tier}"
            text = phone.locator("[data-summary-card]").inner_text()
            if rec.get("urgency"):
                term = vocab.tiers()[rec["urgency"]]
                assert term.title in text and term.get("next") in text, f"{kind}/{rid}: {text!r}"
            assert "clinician" in text or "Reviewed by" in text, f"{kind}/{rid}: no review status in {text!r}"
            checked += 1
    assert checked > 80


def test_medicine_safety_box_comes_first_on_every_medicine_page(phone, site_url, dataset):
    skip_search(phone)
    checked = 0
    for rid, rec in dataset.kind("treatments").items():
        phone.goto(f"{site_url}treatments/{rid}/", wait_until="domcontentloaded")
        box = _box(phone, "[data-medicine-safety]")
        if not (rec.get("avoid_if") or rec.get("doses")):
            assert box is None
            continue
        grade = _box(phone, ".headline-grade")
        assert box is not None and box["top"] < SCREEN - 100, f"treatments/{rid}: the safety box starts at {box and box['top']}"
        assert box["top"] < grade["top"], f"treatments/{rid}: the grade comes before who should avoid it"
        text = phone.locator("[data-medicine-safety]").inner_text()
        if rec.get("category") == "medicine":
            assert text.startswith("Do not take it if") and "pregnant or breastfeeding" in text, text[:200]
        # The grade says what it is for, never a bare grade word.
        headline = phone.locator(".headline-grade").inner_text()
        assert re.match(r"Evidence: [^.]+ for ", headline) or not any(
            ev["grade"] == rec["grade"] and ev["causes"] for ev in rec["evidence"]), headline
        checked += 1
    assert checked >= 15


def test_cause_pages_order_help_by_their_tier(page, site_url, dataset):
    tiers = vocab.tiers()
    for rid, rec in dataset.kind("causes").items():
        page.goto(f"{site_url}causes/{rid}/", wait_until="domcontentloaded")
        cards = page.locator(".md-content .care-card").evaluate_all("els => els.map(e => e.dataset.tier)")
        ranks = [tiers.rank(t) for t in cards]
        own = page.evaluate("""() => { const y = e => e ? e.getBoundingClientRect().top + scrollY : null;
            return {self: y(document.getElementById('what-you-can-do')), card: y(document.querySelector('.md-content .care-card'))}; }""")
        if tiers.rank(rec["urgency"]) >= tiers.rank("soon"):
            assert ranks == sorted(ranks, reverse=True), f"causes/{rid}: least urgent first, got {cards}"
            if own["self"] is not None:
                assert own["self"] < own["card"], f"causes/{rid}: what you can do comes first"
        else:
            assert ranks == sorted(ranks), f"causes/{rid}: most urgent first, got {cards}"
        # Other names are one collapsed line, below the first screen's content.
        also = page.locator("details.also-called")
        if rec.get("also_called") or rec.get("medical_name"):
            assert also.count() == 1 and also.get_attribute("open") is None


def test_a_cause_page_prints_in_at_most_four_pages(browser, site_url, dataset):
    context = browser.new_context()
    pg = context.new_page()
    skip_search(pg)
    counts = {}
    for rid in dataset.kind("causes"):
        pg.goto(f"{site_url}causes/{rid}/", wait_until="domcontentloaded")
        pg.emulate_media(media="print")
        assert not pg.locator(".page-jumps").is_visible() and not pg.locator(".also-called").is_visible()
        assert pg.locator("[data-summary-card] .print-only").is_visible()  # the site name at the top
        pdf = pg.pdf(format="A4")
        counts[rid] = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        pg.emulate_media(media="screen")
    assert max(counts.values()) <= 4, counts
    context.close()
