"""Real Chromium: the flowchart stepper against the Python walker, offline search, requests.

Every test here drives Debian's chromium through playwright (see conftest).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from macros import triage

pytestmark = pytest.mark.browser


def answers_for(path: triage.Path) -> str:
    return "".join("y" if step.answer else "n" for step in path.steps)


def same_origin(url: str, base: str) -> bool:
    return url.startswith(base) or urlsplit(url).scheme in ("data", "blob", "about")


def test_flowchart_every_path_matches_python_walker(page, site_url, dataset):
    """Click through every path of the tree; each step and outcome must match macros.triage."""
    tree = dataset.triage
    paths = list(triage.paths(tree))
    assert len(paths) >= 20
    page.goto(site_url + "flowchart/")
    app = page.locator("#triage-app[data-ready=true]")
    app.wait_for()
    for path in paths:
        for step in path.steps:
            question = page.locator("#triage-app [data-node-id]")
            assert question.get_attribute("data-node-id") == step.node, f"expected {step.node} on path {answers_for(path)}"
            page.get_by_role("button", name="Yes" if step.answer else "No", exact=True).click()
        outcome = page.locator("#triage-app [data-tier]")
        assert outcome.get_attribute("data-tier") == tree["nodes"][path.outcome]["tier"], triage.describe(tree, path)
        assert page.evaluate("location.hash") == "#answers=" + answers_for(path)
        page.get_by_role("button", name="Start again", exact=True).click()
        page.locator("#triage-app [data-node-id]").wait_for()
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
    assert outcomes.count() >= len(list(triage.paths(dataset.triage)))
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
    box = page.locator(".md-search__input")
    for _attempt in range(10):  # the index loads through the iframe-worker shim; retype until it answers
        box.fill("")
        box.type("psoas")
        try:
            page.locator(".md-search-result__item").first.wait_for(timeout=2000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; try again
            continue
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
    link = page.locator("#triage-app [data-tier] a").first.get_attribute("href")
    assert link.endswith(".html"), link


def test_flowchart_print_summary(page, site_url, dataset):
    path = next(iter(triage.paths(dataset.triage)))
    page.goto(site_url + "flowchart/#answers=" + answers_for(path))
    page.locator("#triage-app [data-tier]").wait_for()
    page.evaluate("window.print = () => { window.__printed = document.body.classList.contains('triage-printing'); }")
    page.get_by_role("button", name="Print summary", exact=True).click()
    assert page.evaluate("window.__printed") is True  # only the summary is shown while printing
    assert "Your answers" in page.locator("#triage-app").inner_text()
