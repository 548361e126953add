"""Real Chromium: every page on the first screens of a 390x844 phone (issues 12 and 20).

One pass loads every page of the site once on a phone (``phone_facts``) and
keeps what the tests below measure; each test then asserts on it:

* no page scrolls sideways;
* causes, symptoms and risk factors: the summary card (``data-summary-card``,
  ``data-tier``: how urgent, what it means, what to do, the review status)
  lies wholly inside the first screen;
* medicines and other treatments with ``avoid_if`` or ``doses``: the safety
  box (``data-medicine-safety``) starts in the first screen, before the grade,
  and the grade says what it is for;
* record pages: "What you can do" and the care cards within three screens
  (four on self-care and soon cause pages, which lead with what you can do
  and list the get-help cards least urgent first);
* self-care and soon causes lead with what you can do, then the get-help
  cards least urgent first; urgent and emergency causes lead with the cards;
* a cause page prints in at most 4 A4 pages, with the site name and the
  review date at the top and no jump list or other names.
"""

from __future__ import annotations

import re

import pytest

from macros.data import vocab

from .conftest import recording_page, skip_search

pytestmark = pytest.mark.browser

SCREEN = 844
THREE_SCREENS = 3 * SCREEN
FOUR_SCREENS = 4 * SCREEN

# What each page shows where, read once per page (tops and bottoms in px from the top of the page).
FACTS = """() => {
    const y = el => Math.round(el.getBoundingClientRect().top + window.scrollY);
    const box = s => { const e = document.querySelector(s); if (!e) return null; const r = e.getBoundingClientRect();
        return {top: r.top + scrollY, bottom: r.bottom + scrollY, text: e.innerText, tier: e.getAttribute('data-tier')}; };
    const self = document.getElementById('what-you-can-do');
    const jumps = document.querySelector('.page-jumps');
    return {width: document.documentElement.scrollWidth,
            cards: [...document.querySelectorAll('.md-content .care-card')].map(y), self: self ? y(self) : null,
            jumps: !!jumps && getComputedStyle(jumps).display !== 'none',
            summary: box('[data-summary-card]'), safety: box('[data-medicine-safety]'), grade: box('.headline-grade')};
}"""


@pytest.fixture(scope="module")
def phone_facts(browser, site_url, built_site) -> dict[str, dict]:
    """Every page of the built site (the 404 page left out) loaded once on a 390x844 touch phone, search left
    out (it changes no layout): FACTS by page path ("" for home, "causes/kidney-stones/")."""
    phone = recording_page(browser, viewport={"width": 390, "height": SCREEN}, is_mobile=True, has_touch=True,
                           device_scale_factor=2)
    skip_search(phone)
    facts = {}
    for html in sorted(built_site.rglob("*.html")):
        rel = html.relative_to(built_site).as_posix()
        if rel == "404.html":
            continue
        path = rel.removesuffix("index.html")
        phone.goto(site_url + path, wait_until="domcontentloaded")
        facts[path] = phone.evaluate(FACTS)
    assert not phone.errors_seen, phone.errors_seen
    phone.context.close()
    return facts


@pytest.mark.long
def test_no_page_is_wider_than_a_phone(phone_facts):
    """At 390x844 no page scrolls sideways: wide tables scroll in their own frame or stack into cards."""
    assert len(phone_facts) > 150
    wide = {path: f["width"] for path, f in phone_facts.items() if f["width"] > 390}
    assert wide == {}


@pytest.mark.long
def test_record_pages_put_care_cards_and_self_care_in_the_first_three_screens(phone_facts, dataset):
    """On a phone, "What you can do" and the first care card begin within 2,532 px of the top; every care card within
    three screens on urgent and emergency pages, within four on self-care and soon pages, which lead with what you can
    do and list the get-help cards least urgent first, as the NHS does (the summary card in the first screen links to them)."""
    checked = 0
    for kind in ("causes", "symptoms", "risk-factors", "treatments"):
        for rid in dataset.kind(kind):
            tops = phone_facts[f"{kind}/{rid}/"]
            rec = dataset.get(kind, rid)
            if kind == "causes":
                assert tops["cards"], f"{kind}/{rid}: no care card"
                assert (tops["self"] is not None) == bool(rec.get("self_care")), f"{kind}/{rid}: 'What you can do' missing"
            if kind in ("causes", "treatments"):
                assert tops["jumps"], f"{kind}/{rid}: no 'On this page' list on a phone"
            calm = kind == "causes" and vocab.tiers().rank(rec["urgency"]) >= vocab.tiers().rank("soon")
            first = [t for t in tops["cards"][:1] + [tops["self"]] if t is not None and t > THREE_SCREENS]
            late = [t for t in tops["cards"] if t > (FOUR_SCREENS if calm else THREE_SCREENS)]
            assert not first and not late, f"{kind}/{rid}: care cards or 'What you can do' start at {first + late} px, too far down"
            checked += 1
    assert checked > 60


@pytest.mark.long
def test_summary_card_fits_the_first_phone_screen_on_every_record_page(phone_facts, dataset):
    checked = 0
    for kind in ("causes", "symptoms", "risk-factors"):
        for rid, rec in dataset.kind(kind).items():
            card = phone_facts[f"{kind}/{rid}/"]["summary"]
            assert card is not None, f"{kind}/{rid}: no summary card"
            assert card["bottom"] <= SCREEN, f"{kind}/{rid}: the summary card ends at {card['bottom']:.0f} px, below the first screen"
            tier = card["tier"]
            assert tier == (rec.get("urgency") or "none"), f"{kind}/{rid}: data-tier {tier}"
            text = card["text"]
            if rec.get("urgency"):
                term = vocab.tiers()[rec["urgency"]]
                assert term.title in text and term.get("next") in text, f"{kind}/{rid}: {text!r}"
            assert "clinician" in text or "Reviewed by" in text, f"{kind}/{rid}: no review status in {text!r}"
            checked += 1
    assert checked > 80


@pytest.mark.long
def test_medicine_safety_box_comes_first_on_every_medicine_page(phone_facts, dataset):
    checked = 0
    for rid, rec in dataset.kind("treatments").items():
        facts = phone_facts[f"treatments/{rid}/"]
        box = facts["safety"]
        if not (rec.get("avoid_if") or rec.get("doses")):
            assert box is None
            continue
        grade = facts["grade"]
        assert box is not None and box["top"] < SCREEN - 100, f"treatments/{rid}: the safety box starts at {box and box['top']}"
        assert box["top"] < grade["top"], f"treatments/{rid}: the grade comes before who should avoid it"
        text = box["text"]
        if rec.get("category") == "medicine":
            assert text.startswith("Do not take it if") and "pregnant or breastfeeding" in text, text[:200]
        # The grade says what it is for, never a bare grade word.
        headline = grade["text"]
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
