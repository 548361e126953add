"""Shared test fixtures: the real site built once per session, a local server, Chromium.

Run everything with ``python3 dev.py test`` (or ``pytest`` inside .venv).
Browser tests drive Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH)
through Python playwright; set PLAYWRIGHT_BUNDLED=1 to use a browser that
``playwright install`` downloaded (GitHub Actions). A missing browser fails
the browser tests: it is never a skip.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags that keep Chromium from calling Google's services on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps", "--metrics-recording-only"]


def build_site(dest: Path, *, offline: bool = False, config: Path | None = None, extra_env: dict | None = None,
               check: bool = True) -> subprocess.CompletedProcess:
    """mkdocs build --strict into dest; returns the finished process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    env.pop("OFFLINE", None)
    if offline:
        env["OFFLINE"] = "true"
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(dest)]
    if config:
        cmd += ["--config-file", str(config)]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if check and result.returncode:
        pytest.fail(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def _site_server(tmp_path_factory):
    """A local server bound before the build, so the build can know its address."""
    dest = tmp_path_factory.mktemp("site")
    handler = functools.partial(_QuietHandler, directory=str(dest))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    yield dest, server, f"http://127.0.0.1:{server.server_address[1]}/"
    server.server_close()


@pytest.fixture(scope="session")
def built_site(_site_server) -> Path:
    """The real site, built once per session with --strict as it is published.

    SITE_URL is the test server's address, as deploy.yml sets it to the Pages
    address: that is what turns Material's instant navigation on over http, so
    the browser tests meet the published site's behaviour, not a simpler one.
    """
    dest, _server, url = _site_server
    result = build_site(dest, extra_env={"SITE_URL": url})
    assert "WARNING" not in result.stderr, result.stderr
    return dest


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The offline build (OFFLINE=true): .html URLs, search from file://."""
    dest = tmp_path_factory.mktemp("site-offline")
    build_site(dest, offline=True)
    return dest


@pytest.fixture(scope="session")
def dataset():
    from macros.data import validate

    return validate.load_valid(ROOT / "data")


def html_pages(site: Path) -> list[Path]:
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    assert pages, f"no HTML pages under {site}"
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site_url(built_site, _site_server):
    """The built site served on 127.0.0.1 (random free port) for the session: the address it was built for."""
    _dest, server, url = _site_server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium. Fails (never skips) when no browser is installed."""
    from playwright.sync_api import sync_playwright

    bundled = os.environ.get("PLAYWRIGHT_BUNDLED") == "1"
    if not bundled and not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"no Chromium at {CHROMIUM}: run `python3 dev.py test`, which installs Debian's chromium")
    with sync_playwright() as pw:
        kwargs = {} if bundled else {"executable_path": CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")}
        instance = pw.chromium.launch(headless=True, args=CHROMIUM_ARGS, **kwargs)
        yield instance
        instance.close()


def recording_page(browser, **context_args):
    """A fresh page in its own context that records every request and any script error."""
    context = browser.new_context(**context_args)
    pg = context.new_page()
    pg.requests_seen = []
    pg.errors_seen = []
    pg.on("request", lambda r: pg.requests_seen.append(r.url))
    pg.on("pageerror", lambda e: pg.errors_seen.append(str(e)))
    return pg


@pytest.fixture
def page(browser):
    """A desktop page (1280x900) that records every request and any script error."""
    pg = recording_page(browser, viewport={"width": 1280, "height": 900})
    yield pg
    pg.context.close()


@pytest.fixture
def phone(browser):
    """A 390x844 touch phone page, recording like ``page``."""
    pg = recording_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield pg
    pg.context.close()


def type_until_results(pg, query: str, attempts: int, timeout_ms: int) -> bool:
    """Type a query into Material's search box until results show (its index loads in a worker, late)."""
    box = pg.locator(".md-search__input")
    for _attempt in range(attempts):
        box.fill("")
        box.type(query)
        try:
            pg.locator(".md-search-result__item").first.wait_for(timeout=timeout_ms)
            return True
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; try again
            continue
    return False
