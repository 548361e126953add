"""Real Chromium: the "Check your symptoms" stepper, driven through its test contract.

The contract (flowchart.js, macros/pages/triage_page.py): ``#triage-app``;
each screen ``data-screen``; each sign ``data-finding``; the result
``data-tier``. The stepper must agree with ``python -m macros.triage``
(``macros.data.triage.Rules``) for every reader. The site is built with
SITE_URL = the test server (conftest.built_site), as published. Each test is a reader arriving
by a link, Back/Forward or a table-of-contents click, on a 390x844 phone or a
desktop, or offline from file://.
"""

from __future__ import annotations

import pytest

from macros.data import triage

from .flowchart_contract import answer, ready, shown_screen, walk

pytestmark = pytest.mark.browser

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _in_view(pg, selector: str) -> bool:
    box = pg.locator(selector).first.bounding_box()
    height = pg.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 24) <= height


def _arrive_by_link(pg, url: str) -> None:
    """Open url, then follow its "Check your symptoms step by step" link as a reader does."""
    pg.goto(url)
    pg.get_by_role("link", name="Check your symptoms step by step").first.click()
    ready(pg)


@pytest.fixture(params=["phone", "desktop"])
def reader(request, phone, page):
    return phone if request.param == "phone" else page


@pytest.fixture(scope="module")
def rules(dataset):
    return triage.compile_rules(dataset)


def test_the_stepper_computes_what_the_command_computes_for_every_reader(page, site_url, rules):
    """flowchart.js's evaluate and run against Rules.evaluate and Rules.run: every reader the validator starts from,
    and each of them with one more finding (about 10,000 readers)."""
    page.goto(site_url + "flowchart/")
    ready(page)
    base = sorted({tuple(sorted(r)) for r in triage.readers(rules)})
    readers = sorted({tuple(sorted(set(r) | {f})) for r in base for f in rules.asked} | set(base))
    got = page.evaluate("rs => rs.map(r => bsgTriage.evaluate(r))", [list(r) for r in readers])
    assert [rules.evaluate(r).as_json() for r in readers] == got
    # The stepper's walk: each screen's ticks in order; it stops after the screen that reaches emergency.
    ticks = [[[f for f in found if f in r] for _sid, found in rules.screens] for r in readers]
    walked = page.evaluate("ts => ts.map(t => { const s = bsgTriage.run(t); return [s.result.tier, s.result.outcome, s.screens]; })", ticks)
    expected = [[*(lambda res: (res[0].tier, res[0].outcome, res[1]))(rules.run(r))] for r in readers]
    assert walked == expected
    assert not page.errors_seen, page.errors_seen


def test_every_scenario_through_the_test_contract(page, site_url, dataset, rules):
    """Each clinical scenario, ticked screen by screen, reaches the tier and outcome the command gives (and expects)."""
    page.goto(site_url + "flowchart/")
    ready(page)
    total = len(rules.screens)
    for case in dataset.triage["scenarios"]:
        expected, screens = rules.run(case["findings"])
        assert page.locator("#triage-app .triage-progress").first.inner_text() == f"Step 1 of {total}"
        tier, outcome, count = walk(page, case["findings"])
        assert (tier, outcome) == (expected.tier, expected.outcome) and tier == case["expect"], case
        assert count == screens, case
        # "Because you said" names the findings the rule rests on.
        because = page.locator("#triage-app .triage-because").inner_text()
        assert all(dataset.finding(f).title in because for f in expected.because), (case, because)
        page.get_by_role("button", name="Start again", exact=True).click()
        assert shown_screen(page) == rules.screens[0][0]
    assert not page.errors_seen, page.errors_seen


def test_an_emergency_sign_shows_call_now_on_the_next_screen(page, site_url, dataset, rules):
    page.goto(site_url + "flowchart/")
    ready(page)
    emergency = [f for f, t in rules.urgency.items() if t == "emergency"]
    for fid in emergency:
        index = next(i for i, (_sid, found) in enumerate(rules.screens) if fid in found)
        for _i in range(index):
            answer(page, [])
        answer(page, [fid])
        assert shown_screen(page) is None
        assert page.locator("#triage-app .triage-result").get_attribute("data-tier") == "emergency", fid
        assert page.locator("#triage-app .triage-result a[href^='tel:']").count() >= 3
        page.get_by_role("button", name="Start again", exact=True).click()


def test_none_of_these_cannot_drop_a_ticked_sign(page, site_url):
    page.goto(site_url + "flowchart/")
    ready(page)
    screen = page.locator("#triage-app form[data-screen]:not([hidden])")
    none = screen.get_by_role("button", name="None of these", exact=True)
    assert none.is_enabled()
    screen.locator("[data-finding]").first.check()
    assert none.is_disabled()
    screen.locator("[data-finding]").first.uncheck()
    assert none.is_enabled()


def test_fragment_restores_and_survives_reload(page, site_url, rules):
    findings = ["fever", "flank-pain", "cannot-keep-fluids-down"]
    page.goto(site_url + "flowchart/")
    ready(page)
    tier, _outcome, count = walk(page, findings)
    assert tier == "emergency" and count == 3
    answers = page.evaluate("location.hash")
    assert answers.startswith("#answers=")
    page.reload()
    page.locator("#triage-app .triage-result").wait_for()
    assert page.locator("#triage-app .triage-result").get_attribute("data-tier") == "emergency"
    assert page.locator(".triage-summary li").count() == count
    page.go_back()  # one screen back: the third screen, empty again
    assert shown_screen(page) == rules.screens[2][0]


def test_keyboard_focus_and_one_live_region(page, site_url, dataset):
    page.goto(site_url + "flowchart/")
    ready(page)
    status = page.locator("#triage-status[aria-live=polite]")
    assert status.count() == 1
    handle = status.element_handle()
    first = status.inner_text()
    assert first.startswith("Step 1 of")
    page.locator("#triage-app form[data-screen]:not([hidden]) [data-finding]").first.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    page.get_by_role("button", name="None of these", exact=True).click()
    assert page.evaluate("document.activeElement.classList.contains('triage-legend-text')")
    # The same element, its text changed: screen readers announce it.
    assert page.evaluate("el => el === document.getElementById('triage-status')", handle)
    assert status.inner_text() != first and status.inner_text().startswith("Step 2 of")
    assert dataset.triage["screens"][1]["question"] in status.inner_text()


def test_explanations_open_in_place(page, site_url):
    page.goto(site_url + "flowchart/")
    ready(page)
    explain = page.locator("#triage-app form[data-screen]:not([hidden]) .triage-explain").first
    explain.locator("summary").click()
    assert explain.locator("p").is_visible()
    assert len(page.context.pages) == 1 and page.url.endswith("/flowchart/")
    assert page.locator("#triage-app a[target=_blank]").count() == 0


def test_without_javascript_the_page_is_a_paper_checklist(browser, site_url, dataset):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto(site_url + "flowchart/")
    assert pg.locator("#triage-app form[data-screen]:visible").count() == 1  # the first screen, drawn at build time
    assert pg.locator("noscript, .triage-loading").count() >= 1
    assert not pg.locator(".triage-tree").is_visible()  # collapsed by default
    pg.locator("details.triage-all > summary").click()
    screens = pg.locator(".triage-tree [data-paper-screen]").evaluate_all("els => els.map(e => e.dataset.paperScreen)")
    assert screens == [s["id"] for s in dataset.triage["screens"]]
    outcomes = pg.locator(".triage-tree [data-outcome-id]").evaluate_all("els => els.map(e => e.dataset.outcomeId)")
    assert set(outcomes) == set(dataset.triage["outcomes"])
    text = pg.locator(".triage-tree").inner_text()
    for rule in dataset.triage["combinations"]:
        assert dataset.triage["outcomes"][rule["outcome"]]["title"] in text
    # Complete in print, still without JavaScript.
    pg.locator("details.triage-all > summary").click()
    pg.emulate_media(media="print")
    assert pg.locator(".triage-tree").is_visible()
    assert pg.locator(".triage-tree [data-outcome-id]").last.is_visible()
    context.close()


def test_first_screen_is_in_the_html_and_nothing_moves(browser, site_url, dataset):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto(site_url + "flowchart/")
    box = pg.locator("#triage-app form[data-screen]:visible").bounding_box()
    assert pg.locator("#triage-app .triage-legend-text").first.inner_text() == dataset.triage["screens"][0]["question"]
    context.close()
    pg2 = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    pg2.goto(site_url + "flowchart/")
    ready(pg2)
    after = pg2.locator("#triage-app form[data-screen]:not([hidden])").bounding_box()
    assert abs(after["y"] - box["y"]) < 1 and abs(after["height"] - box["height"]) < 1, (box, after)
    pg2.context.close()


# ---- arriving as a reader does ----------------------------------------------------------

def test_arriving_from_the_home_page_starts_at_the_top(reader, site_url, rules):
    """Following the link from far down the home page: the first screen is at the top, in view."""
    reader.goto(site_url)
    link = reader.get_by_role("link", name="Check your symptoms step by step").last
    link.scroll_into_view_if_needed()
    assert reader.evaluate("window.scrollY") > 200 or reader.viewport_size["height"] > 800
    link.click()
    ready(reader)
    assert reader.evaluate("window.scrollY") == 0
    assert _in_view(reader, "#triage-app .triage-legend-text")
    answer(reader, [])
    assert shown_screen(reader) == rules.screens[1][0]
    assert not reader.errors_seen, reader.errors_seen


def test_arriving_from_a_record_page(reader, site_url, rules):
    _arrive_by_link(reader, site_url + "causes/muscle-strain/")
    assert shown_screen(reader) == rules.screens[0][0]
    assert not reader.errors_seen, reader.errors_seen


def test_back_and_forward_between_pages_and_screens(reader, site_url, rules):
    _arrive_by_link(reader, site_url)
    answer(reader, [])
    answer(reader, [])
    assert shown_screen(reader) == rules.screens[2][0]
    # The phone's Back gesture goes back one screen, not out of the page.
    reader.go_back()
    assert shown_screen(reader) == rules.screens[1][0]
    assert reader.evaluate("location.hash") == "#answers=0"
    reader.go_forward()
    assert shown_screen(reader) == rules.screens[2][0]
    reader.go_back()
    reader.go_back()
    assert shown_screen(reader) == rules.screens[0][0]
    reader.go_back()
    reader.get_by_role("link", name="Check your symptoms step by step").first.wait_for()
    reader.go_forward()
    ready(reader)
    assert shown_screen(reader) == rules.screens[0][0]
    answer(reader, ["saddle-numbness"])
    assert reader.locator("#triage-app .triage-result").get_attribute("data-tier") == "emergency"
    assert not reader.errors_seen, reader.errors_seen


def test_survives_its_own_table_of_contents(page, site_url, rules):
    _arrive_by_link(page, site_url)
    answer(page, [])
    page.locator(".md-sidebar--secondary").get_by_role("link", name="Overview").click()
    page.wait_for_function("location.hash === '#overview'")
    assert shown_screen(page) == rules.screens[1][0]  # the stepper keeps its place and still answers
    answer(page, [])
    assert shown_screen(page) == rules.screens[2][0]
    assert not page.errors_seen, page.errors_seen


def test_answers_link_followed_from_another_page(reader, site_url, rules):
    reader.goto(site_url + "flowchart/")
    ready(reader)
    tier, outcome, count = walk(reader, ["cancer-history", "night-pain"])
    assert (tier, outcome) == ("urgent", "urgent-cancer") and count == len(rules.screens)
    answers = reader.evaluate("location.hash")
    reader.goto(site_url + "emergency/")
    reader.evaluate("""answers => {
        const a = document.createElement('a');
        a.href = '../flowchart/' + answers; a.id = 'bsg-test-link'; a.textContent = 'my result';
        document.querySelector('article').prepend(a);
    }""", answers)
    reader.locator("#bsg-test-link").click()
    reader.locator("#triage-app .triage-result").wait_for(timeout=10_000)
    assert reader.locator("#triage-app .triage-result").get_attribute("data-tier") == "urgent"
    assert reader.locator(".triage-summary li").count() == count
    assert not reader.errors_seen, reader.errors_seen


def test_on_a_phone_nothing_covers_the_question_or_a_sign(phone, site_url, rules):
    """At 390x844: after each answer the question is in view, Material's Back to top is hidden, no sticky bar."""
    phone.goto(site_url + "flowchart/")
    ready(phone)
    for i, (sid, _found) in enumerate(rules.screens, start=1):
        assert shown_screen(phone) == sid
        assert _in_view(phone, f'#triage-app form[data-screen="{sid}"] .triage-legend-text'), sid
        assert phone.locator(f'#triage-app form[data-screen="{sid}"] .triage-progress').inner_text() == f"Step {i} of {len(rules.screens)}"
        position = phone.locator(f'#triage-app form[data-screen="{sid}"] .triage-buttons').evaluate("e => getComputedStyle(e).position")
        assert position != "sticky" and position != "fixed"
        phone.mouse.wheel(0, 400)
        phone.mouse.wheel(0, -200)  # scrolling up is what shows Material's Back to top
        assert not phone.locator(".md-top").is_visible()
        answer(phone, [])
    assert phone.locator("#triage-app .triage-result").get_attribute("data-tier") == "self-care"
    assert _in_view(phone, "#triage-result-title")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert not phone.errors_seen, phone.errors_seen


def test_self_care_names_the_emergency_signs_in_words(page, site_url, dataset):
    page.goto(site_url + "flowchart/")
    ready(page)
    walk(page, [])
    result = page.locator("#triage-app .triage-result").inner_text()
    for words in ("numbness between your legs", "bladder or bowels", "problems with sex", "both legs"):
        assert words in result, words


def test_print_summary_names_every_sign_asked_the_date_and_the_address(page, site_url, dataset, rules):
    page.goto(site_url + "flowchart/")
    ready(page)
    walk(page, ["worsening-pain"])
    page.evaluate("window.print = () => { window.__printed = document.body.classList.contains('triage-printing'); }")
    page.get_by_role("button", name="Print summary", exact=True).click()
    assert page.evaluate("window.__printed") is True  # only the summary is shown while printing
    text = page.locator("#triage-app .triage-result").inner_text()
    for fid in rules.asked:
        assert dataset.finding(fid).title + ": " in text, fid
    assert dataset.finding("worsening-pain").title + ": Yes" in text
    printed = page.locator(".triage-printed").inner_text()
    assert site_url + "flowchart/" + page.evaluate("location.hash") in printed
    assert any(m in printed for m in MONTHS)
    assert "tap to call" not in text.lower() and "Get help faster if: Get help faster if" not in text


def test_offline_from_a_file_url(page, offline_site):
    page.goto((offline_site / "flowchart.html").as_uri())
    ready(page)
    tier, _outcome, _count = walk(page, ["flank-pain"])
    assert tier == "urgent"
    link = page.locator("#triage-app .triage-result a:not([href^='tel:'])").first.get_attribute("href")
    assert link.endswith(".html"), link
    assert not page.errors_seen, page.errors_seen
