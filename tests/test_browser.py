"""Real Chromium: the flowchart stepper against the Python walker, offline search, requests.

Every test here drives Debian's chromium through playwright (see conftest).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from macros.data import triage

from .conftest import type_until_results

pytestmark = pytest.mark.browser


def answers_for(path: triage.Path) -> str:
    return "".join("y" if step.answer else "n" for step in path.steps)


def same_origin(url: str, base: str) -> bool:
    return url.startswith(base) or urlsplit(url).scheme in ("data", "blob", "about")


@pytest.mark.long
def test_flowchart_every_path_matches_python_walker(page, site_url, dataset):
    """Click through every path of the tree; each step and outcome must match macros.data.triage.

    Depth first, like a reader trying every answer: Yes, then Back, then No.
    Every question shown is checked against the Python walker's node, every
    outcome's tier against the tree, and the fragment against the answers.
    """
    tree = dataset.triage
    expected = {answers_for(p): p for p in triage.paths(tree)}
    assert len(expected) >= 20
    page.goto(site_url + "flowchart/")
    page.locator("#triage-app[data-ready=true]").wait_for()
    seen: set[str] = set()

    def current() -> tuple[str | None, str | None, str]:
        # One round trip: the question shown, the outcome's tier, the fragment.
        return tuple(page.evaluate("""() => {
            const q = document.querySelector('#triage-app [data-node-id]');
            const r = document.querySelector('#triage-app [data-tier]');
            return [q && q.dataset.nodeId, r && r.dataset.tier, location.hash];
        }"""))

    buttons = {"Yes": page.locator("#triage-app button.triage-yes"), "No": page.locator("#triage-app button.triage-no"),
               "Back": page.locator("#triage-app button.triage-back")}
    assert page.get_by_role("button", name="Yes", exact=True).count() == 1  # the selectors are the named buttons

    def explore(answers: str, node: str) -> None:
        shown, tier, fragment = current()
        if triage.is_outcome(tree["nodes"][node]):
            assert shown is None and tier == tree["nodes"][node]["tier"], (answers, node, tier)
            assert answers in expected and expected[answers].outcome == node
            assert fragment == "#answers=" + answers
            seen.add(answers)
            return
        assert shown == node, f"expected {node} after {answers!r}, the page shows {shown}"
        assert fragment == ("#answers=" + answers if answers else "")
        for label, key, letter in (("Yes", "if_yes", "y"), ("No", "if_no", "n")):
            buttons[label].click()
            explore(answers + letter, tree["nodes"][node][key])
            buttons["Back"].click()

    explore("", tree["start"])
    assert seen == set(expected), set(expected) - seen
    assert not page.errors_seen, page.errors_seen
    assert all(same_origin(u, site_url) for u in page.requests_seen), page.requests_seen


def test_flowchart_fragment_restores_and_survives_reload(page, site_url, dataset):
    tree = dataset.triage
    target = next(p for p in triage.paths(tree) if tree["nodes"][p.outcome]["tier"] == "emergency" and len(p.steps) > 6)
    page.goto(site_url + "flowchart/#answers=" + answers_for(target))
    page.locator("#triage-app [data-tier]").wait_for()
    assert page.locator("#triage-app [data-tier]").get_attribute("data-tier") == "emergency"
    text = page.locator("#triage-app").inner_text()
    assert "999" in text and "911" in text and "112" in text
    assert page.locator(".triage-summary li").count() == len(target.steps)
    page.reload()
    assert page.locator("#triage-app [data-tier]").get_attribute("data-tier") == "emergency"
    # Back goes to the last question; a partial fragment shows that question.
    page.get_by_role("button", name="Back", exact=True).click()
    assert page.locator("#triage-app [data-node-id]").get_attribute("data-node-id") == target.steps[-1].node
    assert page.evaluate("location.hash") == "#answers=" + answers_for(target)[:-1]


def test_flowchart_keyboard_and_screen_reader_structure(page, site_url, dataset):
    page.goto(site_url + "flowchart/")
    page.locator("#triage-app[data-ready=true]").wait_for()
    fieldset = page.locator("#triage-app fieldset")
    assert fieldset.locator("legend").inner_text().strip()
    assert page.locator("#triage-status[aria-live=polite]").count() == 1
    # Keyboard only: Tab to No, press Enter; focus moves to the new question.
    page.get_by_role("button", name="No", exact=True).focus()
    page.keyboard.press("Enter")
    second = dataset.triage["nodes"][dataset.triage["start"]]["if_no"]
    assert page.locator("#triage-app [data-node-id]").get_attribute("data-node-id") == second
    focused = page.evaluate("document.activeElement.closest('fieldset') && document.activeElement.closest('fieldset').dataset.nodeId")
    assert focused == second
    assert dataset.triage["nodes"][second]["question"] in page.locator("#triage-status").inner_text()
    for name in ("Yes", "No", "Back", "Start again"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1


def test_flowchart_without_javascript_shows_every_step(browser, site_url, dataset):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "flowchart/")
    # The first question is drawn without JavaScript; the whole tree is one tap away.
    assert page.locator("#triage-app [data-node-id]").get_attribute("data-node-id") == dataset.triage["start"]
    assert page.locator("noscript, .triage-loading").count() >= 1
    assert not page.locator(".triage-tree").is_visible()  # collapsed by default
    page.locator("details.triage-all > summary").click()
    steps = page.locator(".triage-tree [data-step-id]")
    questions = {n for n, node in dataset.triage["nodes"].items() if not triage.is_outcome(node)}
    assert {steps.nth(i).get_attribute("data-step-id") for i in range(steps.count())} == questions
    assert all(steps.nth(i).is_visible() for i in range(steps.count()))
    outcomes = page.locator(".triage-tree [data-outcome-id]")
    every_outcome = {n for n, node in dataset.triage["nodes"].items() if triage.is_outcome(node)}
    assert {outcomes.nth(i).get_attribute("data-outcome-id") for i in range(outcomes.count())} == every_outcome
    # Each "go to" link lands on a step or an outcome of this list.
    targets = page.locator(".triage-tree .triage-branch a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    ids = {"#step-" + q for q in questions} | {"#outcome-" + o for o in every_outcome}
    assert targets and set(targets) <= ids
    assert page.locator(".triage-overview svg title").count() == 1
    context.close()


def test_no_external_requests_on_key_pages(page, site_url):
    for path in ["", "flowchart/", "causes/kidney-stones/", "compare/kidney-or-back/", "compare/where-it-hurts/", "anatomy/"]:
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    external = [u for u in page.requests_seen if not same_origin(u, site_url)]
    assert external == []
    assert not page.errors_seen, page.errors_seen


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


def test_offline_flowchart_from_file_url(page, offline_site, dataset):
    page.goto((offline_site / "flowchart.html").as_uri())
    page.locator("#triage-app[data-ready=true]").wait_for()
    path = next(iter(triage.paths(dataset.triage)))
    for step in path.steps:
        page.get_by_role("button", name="Yes" if step.answer else "No", exact=True).click()
    assert page.locator("#triage-app [data-tier]").get_attribute("data-tier") == dataset.triage["nodes"][path.outcome]["tier"]
    link = page.locator("#triage-app [data-tier] a:not([href^='tel:'])").first.get_attribute("href")
    assert link.endswith(".html"), link


def test_flowchart_print_summary(page, site_url, dataset):
    path = next(iter(triage.paths(dataset.triage)))
    page.goto(site_url + "flowchart/#answers=" + answers_for(path))
    page.locator("#triage-app [data-tier]").wait_for()
    page.evaluate("window.print = () => { window.__printed = document.body.classList.contains('triage-printing'); }")
    page.get_by_role("button", name="Print summary", exact=True).click()
    assert page.evaluate("window.__printed") is True  # only the summary is shown while printing
    assert "Your answers" in page.locator("#triage-app").inner_text()


# ---- Arriving as a reader does (issue 9) --------------------------------------
# The site is built with SITE_URL = the test server (conftest.built_site), so
# Material's instant navigation is on, as on the published site: following a
# link swaps the page in place instead of loading it.

def _ready(pg, node: str | None = None) -> str:
    pg.locator("#triage-app[data-ready=true]").wait_for(timeout=10_000)
    current = pg.locator("#triage-app [data-node-id]").get_attribute("data-node-id")
    if node is not None:
        assert current == node, f"expected question {node}, got {current}"
    return current


def _instant(pg) -> bool:
    """True when the last navigation was an in-place instant navigation (no new document)."""
    return pg.evaluate("window.__bsgDocumentMark === true")


def _mark_document(pg) -> None:
    pg.evaluate("window.__bsgDocumentMark = true")


def _in_view(pg, selector: str) -> bool:
    box = pg.locator(selector).first.bounding_box()
    height = pg.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 24) <= height


@pytest.fixture(params=["phone", "desktop"])
def reader(request, phone, page):
    return phone if request.param == "phone" else page


def test_flowchart_starts_after_a_link_from_home(reader, site_url, dataset):
    reader.goto(site_url)
    _mark_document(reader)
    reader.get_by_role("link", name="Check your symptoms step by step").first.click()
    _ready(reader, dataset.triage["start"])
    assert _instant(reader), "instant navigation did not run: the test would not catch the published-site bug"
    reader.get_by_role("button", name="No", exact=True).click()
    _ready(reader, dataset.triage["nodes"][dataset.triage["start"]]["if_no"])
    assert not reader.errors_seen, reader.errors_seen


def test_flowchart_starts_after_a_link_from_a_record_page(reader, site_url, dataset):
    reader.goto(site_url + "causes/muscle-strain/")
    _mark_document(reader)
    reader.get_by_role("link", name="Check your symptoms step by step").first.click()
    _ready(reader, dataset.triage["start"])
    assert _instant(reader)
    assert not reader.errors_seen, reader.errors_seen


def test_flowchart_back_and_forward_between_pages_and_answers(reader, site_url, dataset):
    tree = dataset.triage
    start = tree["start"]
    second = tree["nodes"][start]["if_no"]
    third = tree["nodes"][second]["if_no"]
    reader.goto(site_url)
    _mark_document(reader)
    reader.get_by_role("link", name="Check your symptoms step by step").first.click()
    _ready(reader, start)
    reader.get_by_role("button", name="No", exact=True).click()
    reader.get_by_role("button", name="No", exact=True).click()
    _ready(reader, third)
    # The phone's Back gesture goes back one question, not out of the page.
    reader.go_back()
    _ready(reader, second)
    assert reader.evaluate("location.hash") == "#answers=n"
    reader.go_forward()
    _ready(reader, third)
    # Out to the home page and back in again.
    reader.go_back()
    reader.go_back()
    _ready(reader, start)
    reader.go_back()
    reader.get_by_role("link", name="Check your symptoms step by step").first.wait_for()
    reader.go_forward()
    _ready(reader, start)
    reader.get_by_role("button", name="Yes", exact=True).click()
    assert reader.locator("#triage-app [data-tier]").get_attribute("data-tier") == "emergency"
    assert _instant(reader)
    assert not reader.errors_seen, reader.errors_seen


def test_flowchart_survives_its_own_table_of_contents(page, site_url, dataset):
    start = dataset.triage["start"]
    page.goto(site_url)
    _mark_document(page)
    page.get_by_role("link", name="Check your symptoms step by step").first.click()
    _ready(page, start)
    page.get_by_role("button", name="No", exact=True).click()
    page.locator(".md-sidebar--secondary").get_by_role("link", name="Overview").click()
    page.wait_for_function("location.hash === '#overview'")
    # The stepper keeps its place and still answers.
    second = dataset.triage["nodes"][start]["if_no"]
    assert page.locator("#triage-app [data-node-id]").get_attribute("data-node-id") == second
    page.get_by_role("button", name="No", exact=True).click()
    _ready(page, dataset.triage["nodes"][second]["if_no"])
    page.go_back()
    page.go_back()
    _ready(page)
    assert _instant(page)
    assert not page.errors_seen, page.errors_seen


def test_flowchart_answers_link_followed_from_another_page(reader, site_url, dataset):
    tree = dataset.triage
    target = next(p for p in triage.paths(tree) if tree["nodes"][p.outcome]["tier"] == "urgent" and len(p.steps) >= 8)
    reader.goto(site_url + "emergency/")
    _mark_document(reader)
    reader.evaluate("""answers => {
        const a = document.createElement('a');
        a.href = '../flowchart/#answers=' + answers; a.id = 'bsg-test-link'; a.textContent = 'my result';
        document.querySelector('article').prepend(a);
    }""", answers_for(target))
    reader.locator("#bsg-test-link").click()
    reader.locator("#triage-app [data-tier]").wait_for(timeout=10_000)
    assert reader.locator("#triage-app [data-tier]").get_attribute("data-tier") == "urgent"
    assert reader.locator(".triage-summary li").count() == len(target.steps)
    assert _instant(reader)
    assert not reader.errors_seen, reader.errors_seen


def test_flowchart_on_a_phone_question_and_buttons_in_view(phone, site_url, dataset):
    """At 390x844 the question and both buttons show without scrolling, at every step to self-care."""
    tree = dataset.triage
    phone.goto(site_url + "flowchart/")
    _ready(phone, tree["start"])
    no_warning = triage.walk(tree, set())
    assert len(no_warning.steps) <= 10
    for i, step in enumerate(no_warning.steps, start=1):
        _ready(phone, step.node)
        assert _in_view(phone, "#triage-app .triage-legend-text"), f"question {step.node} is off screen"
        assert _in_view(phone, "#triage-app .triage-yes") and _in_view(phone, "#triage-app .triage-no"), f"buttons off screen at {step.node}"
        assert f"Question {i} of about " in phone.locator("#triage-app .triage-progress").inner_text()
        phone.get_by_role("button", name="No", exact=True).click()
    result = phone.locator("#triage-app [data-tier]")
    assert result.get_attribute("data-tier") == "self-care"
    assert _in_view(phone, "#triage-result-title")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert not phone.errors_seen, phone.errors_seen


def test_flowchart_first_question_is_in_the_html(browser, site_url, dataset):
    """Drawn before JavaScript runs, so nothing moves when it starts."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto(site_url + "flowchart/")
    box = pg.locator("#triage-app fieldset").bounding_box()
    assert pg.locator("#triage-app .triage-legend-text").inner_text() == dataset.triage["nodes"][dataset.triage["start"]]["question"]
    context.close()
    pg2 = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    pg2.goto(site_url + "flowchart/")
    _ready(pg2)
    after = pg2.locator("#triage-app fieldset").bounding_box()
    assert abs(after["y"] - box["y"]) < 1 and abs(after["height"] - box["height"]) < 1, (box, after)
    pg2.context.close()


def test_emergency_outcomes_have_tap_to_call_numbers(page, site_url, dataset):
    tree = dataset.triage
    path = next(p for p in triage.paths(tree) if tree["nodes"][p.outcome]["tier"] == "emergency")
    page.goto(site_url + "flowchart/#answers=" + answers_for(path))
    page.locator("#triage-app [data-tier]").wait_for()
    tels = page.locator("#triage-app a[href^='tel:']")
    assert {tels.nth(i).get_attribute("href") for i in range(tels.count())} >= {"tel:999", "tel:911", "tel:112"}
    printed = page.locator(".triage-printed").inner_text()
    assert site_url + "flowchart/#answers=" + answers_for(path) in printed
    assert any(m in printed for m in ("January", "February", "March", "April", "May", "June", "July", "August",
                                        "September", "October", "November", "December"))


def test_flowchart_all_questions_collapsed_on_screen_complete_in_print(browser, site_url):
    """Collapsed by default; printing the page, even without JavaScript, prints every question."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto(site_url + "flowchart/")
    assert not pg.locator(".triage-tree").is_visible()
    pg.emulate_media(media="print")
    assert pg.locator(".triage-tree").is_visible()
    assert pg.locator(".triage-tree [data-step-id]").last.is_visible()
    context.close()


# ---- phones: action first, nothing wider than the screen (issue 12) ----------------

THREE_SCREENS = 3 * 844  # a 390x844 phone


def _skip_search(pg) -> None:
    """Loading every page quickly: the search index, its worker and the sitemap change no layout."""
    pg.route(lambda url: url.endswith(("search_index.json", "sitemap.xml")) or "/workers/" in url, lambda route: route.abort())


@pytest.mark.long
def test_record_pages_put_care_cards_and_self_care_in_the_first_three_screens(phone, site_url, dataset):
    """On a phone, every care card starts, and "What you can do" begins, within 2,532 px of the top."""
    _skip_search(phone)
    checked = 0
    for kind in ("causes", "symptoms", "risk-factors", "treatments"):
        for rid in dataset.kind(kind):
            phone.goto(f"{site_url}{kind}/{rid}/", wait_until="domcontentloaded")
            tops = phone.evaluate("""() => {
                const y = el => Math.round(el.getBoundingClientRect().top + window.scrollY);
                const self = document.getElementById('what-you-can-do');
                return {cards: [...document.querySelectorAll('.md-content .care-card')].map(y), self: self ? y(self) : null,
                        jumps: !!document.querySelector('.page-jumps') && getComputedStyle(document.querySelector('.page-jumps')).display !== 'none'};
            }""")
            rec = dataset.get(kind, rid)
            if kind == "causes":
                assert tops["cards"], f"{kind}/{rid}: no care card"
                assert (tops["self"] is not None) == bool(rec.get("self_care")), f"{kind}/{rid}: 'What you can do' missing"
            if kind in ("causes", "treatments"):
                assert tops["jumps"], f"{kind}/{rid}: no 'On this page' list on a phone"
            late = [t for t in tops["cards"] + [tops["self"]] if t is not None and t > THREE_SCREENS]
            assert not late, f"{kind}/{rid}: care cards or 'What you can do' start at {late} px, below the first three screens"
            checked += 1
    assert checked > 60


@pytest.mark.long
def test_no_page_is_wider_than_a_phone(phone, site_url, built_site):
    """At 390x844 no page scrolls sideways: wide tables scroll in their own frame or stack into cards."""
    _skip_search(phone)
    pages = [p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 150
    wide = {}
    for rel in sorted(pages):
        phone.goto(site_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel), wait_until="domcontentloaded")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[rel] = width
    assert wide == {}


def test_matrices_scroll_in_their_frame_with_sticky_row_labels(phone, site_url):
    for path in ("compare/causes-symptoms/", "compare/treatments-causes/"):
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
