"""Shared test fixtures: each site variant built once per run, one server, one Chromium per worker.

Run everything with ``python3 dev.py test``: pytest-xdist runs the tests on every
core (``-n auto --dist loadgroup``); ``python3 dev.py test --quick`` runs what
needs neither a browser nor a full site build (``-m "not browser and not build"``);
other arguments go to pytest (``python3 dev.py test -k search``). Plain
``pytest`` inside .venv runs in one process, with the same fixtures.

Writing a test that needs the site:

* ``built_site`` (the site folder), ``site_url`` (its address) and
  ``offline_site`` (the OFFLINE=true build) are built once per run, whatever
  the number of workers: the first worker that needs one builds it into a folder
  the workers share, under a file lock, and the others wait for it. When the
  run's selected tests need them, both builds start in the background as soon as
  collection ends, side by side. The site is built with SITE_URL set to its
  server's address, as deploy.yml sets it to the Pages address (canonical
  links, JSON-LD, the feed and the printed summary carry it as published); the
  server is its own process (tests/background.py) that every worker uses.
* ``browser`` is a headless Chromium started once per worker; ``page`` (desktop)
  and ``phone`` (390x844, touch) are fresh pages that record requests and
  script errors. Browser tests drive Debian's Chromium (/usr/bin/chromium, or
  CHROMIUM_PATH) through Python playwright; set PLAYWRIGHT_BUNDLED=1 to use a
  browser that ``playwright install`` downloaded (GitHub Actions). A missing
  browser fails the browser tests: it is never a skip.
* Markers are set from the fixtures a test uses: ``browser`` for any test using
  ``browser`` (``page`` and ``phone`` included), ``build`` for any test using a
  shared build; a test that builds a site itself says ``@pytest.mark.build``.
* Tests that share a module-scoped fixture (one pass over every page, a built
  fixture site) are put in one xdist group, so the fixture runs once, on one
  worker. Mark a test that takes half a minute or more ``@pytest.mark.long``:
  under xdist, long tests start first, then the other groups, browser tests,
  builds and the rest, so that no long test is left running alone at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from . import background

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags that keep Chromium from calling Google's services on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps", "--metrics-recording-only"]

SHARED_ENV = "BSG_TEST_SHARED"  # the folder every worker of one run shares: shared builds, the server's port
OWNER_ENV = "BSG_TEST_OWNER"  # the run's main pytest process: background processes end with it
BUILD_TIMEOUT_S = 900
# Shared site variants: fixture -> folder name under the shared folder.
VARIANTS = {"built_site": "site", "site_url": "site", "offline_site": "site-offline"}
BUILD_FIXTURES = set(VARIANTS)


def _build_env(offline: bool = False, extra_env: dict | None = None) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    env.pop("OFFLINE", None)
    if offline:
        env["OFFLINE"] = "true"
    return env


def build_site(dest: Path, *, offline: bool = False, config: Path | None = None, extra_env: dict | None = None,
               check: bool = True) -> subprocess.CompletedProcess:
    """mkdocs build --strict into dest; returns the finished process."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(dest)]
    if config:
        cmd += ["--config-file", str(config)]
    result = subprocess.run(cmd, cwd=ROOT, env=_build_env(offline, extra_env), capture_output=True, text=True)
    if check and result.returncode:
        pytest.fail(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return result


# ---- one run, many workers: the shared folder and what runs in the background ----------------

def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    if not _is_worker(config):  # the run's main process (xdist's controller, or the only process)
        os.environ[SHARED_ENV] = tempfile.mkdtemp(prefix="bsg-tests-")
        os.environ[OWNER_ENV] = str(os.getpid())


def pytest_unconfigure(config):
    if not _is_worker(config) and os.environ.get(SHARED_ENV):
        shared = Path(os.environ.pop(SHARED_ENV))
        os.environ.pop(OWNER_ENV, None)
        for pid_file in shared.glob("*.pid"):  # the server and any build still running, by their ids
            with contextlib.suppress(ValueError, OSError):
                pid = int(pid_file.read_text())
                if _ours(pid, shared):
                    os.kill(pid, signal.SIGTERM)
        shutil.rmtree(shared, ignore_errors=True)


def _shared() -> Path:
    """The folder every worker of this run shares (made by the main process, see pytest_configure)."""
    folder = os.environ.get(SHARED_ENV) or os.path.join(
        tempfile.gettempdir(), f"bsg-tests-{os.environ.get('PYTEST_XDIST_TESTRUNUID', os.getpid())}")
    path = Path(folder)
    path.mkdir(exist_ok=True)
    return path


def _ours(pid: int, shared: Path) -> bool:
    """Still running, and a tests.background process of this run (never another process that got the id)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"tests.background" in cmdline and str(shared).encode() in cmdline


def _owner() -> str:
    return os.environ.get(OWNER_ENV) or str(os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid())


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock on path, between the processes of the run (fcntl; a no-op where there is none)."""
    try:
        import fcntl
    except ImportError:  # Windows: no shared builds across workers there, so nothing to guard
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_CHILDREN: dict[int, subprocess.Popen] = {}  # background processes this process started (to tell a crash at once)


def _running(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    if not background._alive(pid):
        return False
    with contextlib.suppress(OSError):  # a zombie (ended, not yet reaped by the worker that started it)
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _background(name: str, *args: str, env: dict | None = None) -> subprocess.Popen:
    """python -m tests.background ARGS as its own process; its id in NAME.pid, its output in NAME.out / NAME.err."""
    shared = _shared()
    with open(shared / f"{name}.out", "w") as out, open(shared / f"{name}.err", "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "tests.background", *args], cwd=ROOT, env=env or os.environ,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    _CHILDREN[proc.pid] = proc
    (shared / f"{name}.pid").write_text(str(proc.pid))
    return proc


def _wait_for(path: Path, proc_name: str, what: str, timeout_s: float) -> None:
    shared = _shared()
    pid = int((shared / f"{proc_name}.pid").read_text())
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if not _running(pid) and not path.exists():
            pytest.fail(f"{what} ended without a result:\n{_read(shared / f'{proc_name}.err')}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} took more than {timeout_s:.0f} s")
        time.sleep(0.05)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _start_server(site: Path) -> str:
    """The site's server (its own process, for every worker); returns its address."""
    shared = _shared()
    port_file = shared / "site-server.port"
    _background("site-server", "serve", str(site), str(port_file), _owner())
    _wait_for(port_file, "site-server", "the test server", 60)
    return f"http://127.0.0.1:{port_file.read_text().strip()}/"


def start_shared_build(name: str) -> None:
    """Start building one shared site variant ("site" or "site-offline") in the background, once per run."""
    shared = _shared()
    with _locked(shared / f"{name}.lock"):
        if (shared / f"{name}.pid").exists():
            return  # started by this or another worker
        dest = shared / name
        dest.mkdir(exist_ok=True)
        extra = {}
        if name == "site":
            extra["SITE_URL"] = _start_server(dest)
            (shared / "site.url").write_text(extra["SITE_URL"])
        _background(name, "build", str(shared / f"{name}.status"), "build", "--strict", "--site-dir", str(dest),
                    env=_build_env(offline=name == "site-offline", extra_env=extra))


def shared_build(name: str) -> tuple[Path, str]:
    """A shared site variant, built once per run (started if need be, then waited for): (folder, build's stderr)."""
    start_shared_build(name)
    shared = _shared()
    _wait_for(shared / f"{name}.status", name, f"the {name} build", BUILD_TIMEOUT_S)
    child = _CHILDREN.pop(int((shared / f"{name}.pid").read_text()), None)
    if child is not None:
        child.wait()  # reap it (this worker started it)
    stdout, stderr = _read(shared / f"{name}.out"), _read(shared / f"{name}.err")
    if json.loads((shared / f"{name}.status").read_text())["returncode"]:
        pytest.fail(f"mkdocs build failed:\n{stdout}\n{stderr}")
    return shared / name, stderr


def pytest_collection_finish(session):
    """Start the shared builds the selected tests need now, side by side, while the first tests run."""
    if session.config.option.collectonly:
        return
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    for name in sorted({VARIANTS[f] for f in needed & BUILD_FIXTURES}):
        start_shared_build(name)


# ---- markers, xdist groups and order --------------------------------------------------------

def _shared_fixture_keys(item) -> list[str]:
    """One key per module-, class- or package-scoped fixture instance the test uses (its own module's, its param)."""
    info = getattr(item, "_fixtureinfo", None)
    callspec = getattr(item, "callspec", None)
    module = item.nodeid.split("::")[0]
    keys = []
    for name in getattr(item, "fixturenames", ()):
        defs = info.name2fixturedefs.get(name) if info else None
        if defs and defs[-1].scope in ("module", "class", "package"):
            param = callspec.params.get(name, "") if callspec else ""
            keys.append(f"{module}::{name}-{param}".rstrip("-").replace("[", "(").replace("]", ")").replace("@", "-"))
    return keys


@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the xdist_group marks and pytest's -m reads the others
def pytest_collection_modifyitems(config, items):
    # Markers from fixtures: `-m "not browser and not build"` is python3 dev.py test --quick.
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "browser" in names and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
        if names & BUILD_FIXTURES and not item.get_closest_marker("build"):
            item.add_marker(pytest.mark.build)
    # Tests sharing a module-scoped fixture instance go to one worker together (union of shared keys).
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    keyed = [(item, _shared_fixture_keys(item)) for item in items]
    for _item, keys in keyed:
        for key in keys[1:]:
            parent[root(key)] = root(keys[0])
    for item, keys in keyed:
        if keys and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(root(keys[0])))
    if os.environ.get("PYTEST_XDIST_WORKER"):  # for the scheduler below (every worker writes the same)
        groups = {item.nodeid: str(marker.args[0]) for item in items if (marker := item.get_closest_marker("xdist_group"))}
        background.write_atomically(_shared() / f"xdist-groups-{os.environ['PYTEST_XDIST_WORKER']}.json", json.dumps(groups))
    # Under xdist the long work starts first, so that no long test is left to run alone at the end: tests marked
    # long, other groups, browser tests, builds, the rest. (pytest then only brings together the tests of one
    # parametrized module-scoped fixture instance.)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        def rank(item) -> int:
            for n, marker in enumerate(("long", "xdist_group", "browser", "build")):
                if item.get_closest_marker(marker):
                    return n
            return 4
        order = {id(item): n for n, item in enumerate(items)}
        items.sort(key=lambda item: (rank(item), order[id(item)]))


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's: known only when xdist is loaded
def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup with the groups the workers found (see above). xdist 3.8 marks a group by adding
    "@group" to the test's id, which pytest 9 ids no longer take, so the groups come through the shared folder."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class SharedFixtureGroups(LoadGroupScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # read once every worker has sent its collection, i.e. written its groups
                self.groups = {}
                for path in _shared().glob("xdist-groups-*.json"):
                    self.groups.update(json.loads(path.read_text()))
            return self.groups.get(nodeid) or super()._split_scope(nodeid)

    return SharedFixtureGroups(config, log)


# ---- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _served_site() -> tuple[Path, str]:
    dest, stderr = shared_build("site")
    assert "WARNING" not in stderr, stderr
    return dest, (_shared() / "site.url").read_text()


@pytest.fixture(scope="session")
def built_site(_served_site) -> Path:
    """The real site, built once per run with --strict as it is published.

    SITE_URL is the test server's address, as deploy.yml sets it to the Pages
    address, so the browser tests meet the published site's addresses (and
    would meet Material's instant navigation over http, were it turned on).
    """
    return _served_site[0]


@pytest.fixture(scope="session")
def site_url(_served_site) -> str:
    """The built site's address: served on 127.0.0.1 (a free port) by one process for the whole run."""
    return _served_site[1]


@pytest.fixture(scope="session")
def offline_site() -> Path:
    """The offline build (OFFLINE=true): .html URLs, search from file://; built once per run."""
    return shared_build("site-offline")[0]


@pytest.fixture(scope="session")
def dataset():
    from macros.data import validate

    return validate.load_valid(ROOT / "data")


def html_pages(site: Path) -> list[Path]:
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    assert pages, f"no HTML pages under {site}"
    return pages

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


def skip_search(pg) -> None:
    """Loading many pages quickly: the search index, its worker and the sitemap change no layout."""
    pg.route(lambda url: url.endswith(("search_index.json", "sitemap.xml")) or "/workers/" in url, lambda route: route.abort())
