"""Other engines build the same guide (issue 23): MkDocs 1 and Material 9 have an end of life.

* ProperDocs (a maintained fork of MkDocs 1.6, pinned in requirements-dev.txt) builds from mkdocs.yml
  a site equal to MkDocs', file for file, apart from the generator line.
* Zensical (Material's successor; pinned in requirements-zensical.txt, its own venv) builds the docs tree
  ``python -m macros.pages OUT --docs docs`` writes (``python3 dev.py build --engine zensical``): every
  page MkDocs makes, the feed and the open data, JSON-LD, tooltips and table labels; in Chromium the
  flowchart gives each scenario's result and search finds pages; offline no page asks another host for
  anything. Skipped, saying why, only where the pinned wheel cannot install.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest

from macros.data import triage

from .background import serve_in_thread
from .conftest import ROOT, _build_env
from .flowchart_contract import ready, walk
from .test_quality import external_fetches, parse_site

pytestmark = [pytest.mark.engines, pytest.mark.build]

# The lines that name the engine that made a page (and may differ between engines).
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    return GENERATOR.sub(b'<meta name="generator" content="">', data) if path.suffix == ".html" else data


def site_differences(a: Path, b: Path) -> list[str]:
    """Each file only one site has, and each file whose content differs apart from generator lines."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    found = [f"only in {a.name}: {name}" for name in sorted(files_a - files_b)]
    found += [f"only in {b.name}: {name}" for name in sorted(files_b - files_a)]
    found += [f"differs: {name}" for name in sorted(files_a & files_b) if normalised(a / name) != normalised(b / name)]
    return found


def test_site_differences_sees_every_change(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for site, engine, text in ((a, b"mkdocs-1.6.1", "same"), (b, b"mkdocs-ProperDocs 1.6.7", "other")):
        (site / "x").mkdir(parents=True)
        (site / "x" / "index.html").write_bytes(b'<meta name="generator" content="' + engine + b'">\n<p>same</p>')
        (site / "page.html").write_text(f"<p>{text}</p>", encoding="utf-8")
        (site / f"{site.name}.json").write_text("{}", encoding="utf-8")
    assert site_differences(a, b) == ["only in a: a.json", "only in b: b.json", "differs: page.html"]


def test_properdocs_builds_the_same_site(built_site, site_url, tmp_path):
    """ProperDocs reads mkdocs.yml, runs the hook, the macros plugin and Material: every file it writes equals
    MkDocs' (the session's site, built with the same SITE_URL), apart from the generator line."""
    dest = tmp_path / "properdocs-site"
    env = _build_env(extra_env={"DISABLE_MKDOCS_2_WARNING": "true", "SITE_URL": site_url})
    result = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "--config-file", "mkdocs.yml",
                             "--site-dir", str(dest)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr
    assert b"ProperDocs" in (dest / "index.html").read_bytes(), "the page was not made by ProperDocs"
    assert site_differences(built_site, dest) == []


def _zensical(offline: bool) -> Path:
    if not (sys.platform == "linux" and platform.machine() == "x86_64" and sys.version_info >= (3, 11)):
        pytest.skip("Zensical 0.0.73 is pinned for CPython 3.11+ on Linux x86_64 only (requirements-zensical.txt): "
                    f"this is {sys.platform} {platform.machine()} Python {platform.python_version()}")
    env = {k: v for k, v in os.environ.items() if k not in ("OFFLINE", "SITE_URL")}
    if offline:
        env["OFFLINE"] = "true"
    result = subprocess.run([sys.executable, "dev.py", "build", "--engine", "zensical"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    site = ROOT / "build" / ("zensical-offline" if offline else "zensical") / "site"
    assert (site / "index.html").is_file(), result.stdout[-2000:]
    return site


@pytest.fixture(scope="module")
def zensical_site() -> Path:
    return _zensical(offline=False)


def test_zensical_builds_every_page_the_feed_and_the_api(zensical_site, built_site):
    def html(site):
        return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}

    assert html(zensical_site) == html(built_site)
    assert (zensical_site / "feed.xml").read_bytes().startswith(b"<?xml")
    api = {p.relative_to(built_site).as_posix() for p in (built_site / "api").rglob("*") if p.is_file()}
    assert api and api == {p.relative_to(zensical_site).as_posix() for p in (zensical_site / "api").rglob("*") if p.is_file()}
    page = (zensical_site / "causes" / "kidney-stones" / "index.html").read_text(encoding="utf-8")
    assert page.count('<script type="application/ld+json">') == 1 and '"MedicalWebPage"' in page
    assert "data-label=" in page and "<abbr " in page, "table labels and glossary tooltips"
    assert 'for="__search"' in page and 'data-md-component="search"' in page, "the search button and dialog"
    assert "{{" not in (zensical_site / "emergency" / "index.html").read_text(encoding="utf-8"), "macros expanded"


def test_zensical_offline_pages_ask_no_other_host(zensical_site):
    # zensical_site: built first, in the same worker, so the two builds never install Zensical's venv at once.
    site = _zensical(offline=True)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 200
    assert external_fetches(site, parse_site(site)) == []


@pytest.fixture(scope="module")
def zensical_url(zensical_site):
    """The Zensical site over http, as a reader gets it."""
    server, url = serve_in_thread(zensical_site)
    yield url
    server.shutdown()


def test_zensical_flowchart_gives_each_scenario_its_result(page, zensical_url, dataset):
    """The stepper, driven through its test contract on Zensical's pages, reaches what the rules compute."""
    rules = triage.compile_rules(dataset)
    page.goto(zensical_url + "flowchart/")
    ready(page)
    for case in dataset.triage["scenarios"]:
        expected, screens = rules.run(case["findings"])
        assert walk(page, case["findings"]) == (expected.tier, expected.outcome, screens), case
        page.get_by_role("button", name="Start again", exact=True).click()
    assert not page.errors_seen, page.errors_seen


def test_zensical_search_finds_a_page(page, zensical_url):
    """Zensical's own search (its dialog, its index): typing a lay word lists the page for it."""
    page.goto(zensical_url)
    page.locator(".md-search__button").click()
    page.get_by_role("combobox", name="Search").press_sequentially("sciatica", delay=50)
    found = page.get_by_role("dialog", name="Search").get_by_role("option").filter(has_text="Cause")
    found.first.wait_for(timeout=15_000)
    assert "/causes/sciatica/" in found.first.get_attribute("href")
    assert not page.errors_seen, page.errors_seen
