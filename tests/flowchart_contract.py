"""Driving the "Check your symptoms" stepper through its test contract (flowchart.js, macros/pages/triage_page.py):
``#triage-app``, each screen ``data-screen``, each sign ``data-finding``, the result ``data-tier``. Shared by the
flowchart's browser tests and the other engines' (tests/test_engines.py), so any build is driven the same way."""

from __future__ import annotations

from macros.data import triage


def ready(pg) -> None:
    pg.locator("#triage-app[data-ready=true]").wait_for(timeout=10_000)


def shown_screen(pg) -> str | None:
    """The id of the screen shown, or None when the result is shown."""
    shown = pg.locator("#triage-app form[data-screen]:not([hidden])")
    return shown.get_attribute("data-screen") if shown.count() else None


def answer(pg, findings) -> None:
    """Tick the signs of the shown screen that the reader has, then Next (or None of these)."""
    screen = pg.locator("#triage-app form[data-screen]:not([hidden])")
    ticked = False
    for fid in findings:
        box = screen.locator(f'[data-finding="{fid}"]')
        if box.count():
            box.check()
            ticked = True
    screen.get_by_role("button", name="Next" if ticked else "None of these", exact=True).click()


def walk(pg, findings) -> tuple[str, str, int]:
    """Answer screens until the result shows; (tier, outcome id, screens answered)."""
    count = 0
    while shown_screen(pg) is not None:
        count += 1
        assert count <= triage.MAX_SCREENS, "more screens than the rules allow"
        answer(pg, findings)
    result = pg.locator("#triage-app .triage-result")
    return result.get_attribute("data-tier"), result.get_attribute("data-outcome-id"), count
