"""Quality gates over the whole built site (issue 6).

* Accessibility: axe-core (bundled by axe-playwright-python) in Chromium on
  every page, WCAG 2.0/2.1 A and AA rules, zero violations; the dark palette
  on one page of each template.
* No third-party requests: every request every page makes goes to the site.
* Links: every internal href/src and #anchor in the built HTML (and every
  search-index location) resolves, in the offline build too (where no link
  may point at a folder); no external script, stylesheet or image. (Source
  URLs are checked by the validator: macros/data/rules.py, rule_urls.)
* Reproducible: two clean builds with the same SOURCE_DATE_EPOCH are
  byte-identical, whatever the Python hash seed.

Pages are visited once: the axe test and the request test share one pass,
made in four shares so that parallel workers split it.
"""

from __future__ import annotations

import filecmp
import json
import re
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import ROOT, build_site, html_pages

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
LOCAL_SCHEMES = ("data:", "blob:", "about:")
SITE = "http://site.invalid/"  # the built site's stand-in origin when resolving links statically
NAV_TIMEOUT_MS = 60_000  # generous: CI machines are small and shared


def all_pages(site: Path) -> list[Path]:
    """Every HTML page, the 404 page included."""
    return html_pages(site) + [p for p in [site / "404.html"] if p.exists()]


def page_path(site: Path, page: Path) -> str:
    """The URL path of a built page, relative to the site root ('' for the home page)."""
    rel = page.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel


# ---- one visit per page: axe and requests ---------------------------------

def _axe_violations(page, axe) -> list[dict]:
    # Material sizes its sidebars from the page's layout in script after "load": on a busy machine a short page's
    # navigation was caught for one frame taller than its box (a scrollable region). Let two frames pass first.
    # guide.css lays out what follows a page's first section, and each table card on a phone, only when it scrolls
    # near (content-visibility: auto); axe cannot tell the colours of what is not drawn. Draw it all, as a reader
    # scrolling there gets it.
    page.add_style_tag(content=".md-content__inner, .md-content__inner * { content-visibility: visible !important; }")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return axe.run(page, options=AXE_OPTIONS).response["violations"]


def _format_violations(found: list[tuple[str, dict]]) -> str:
    lines = []
    for where, v in found:
        for node in v["nodes"]:
            lines.append(f"{where}: {v['id']} ({v.get('impact')}) at {' '.join(map(str, node['target']))}: {v['help']}")
    rules = sorted({v["id"] for _, v in found})
    return f"{len(lines)} axe violation(s) of {', '.join(rules)}:\n" + "\n".join(lines[:200])


# The pages are visited in AXE_SHARDS shares (every AXE_SHARDS-th page), so pytest-xdist can run them on
# different workers; each share is visited once, for both tests (conftest groups them on one worker).
AXE_SHARDS = 4
SHARDS = [pytest.param(i, id=f"pages-{i + 1}-of-{AXE_SHARDS}") for i in range(AXE_SHARDS)]


def shard_pages(site: Path, shard: int) -> list[Path]:
    return all_pages(site)[shard::AXE_SHARDS]


@pytest.fixture(scope="module")
def visits(request, browser, built_site, site_url):
    """Visit every page of one share once in one browser context: axe violations and every request URL, per page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    context.set_default_timeout(NAV_TIMEOUT_MS)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    results = {}
    started = time.monotonic()
    try:
        for html in shard_pages(built_site, request.param):
            path = page_path(built_site, html)
            requests.clear()
            page.goto(site_url + path, wait_until="load")
            violations = _axe_violations(page, axe)
            results[path or "/"] = {"violations": violations, "requests": list(requests)}
    finally:
        context.close()
    print(f"\nvisited {len(results)} pages with axe in {time.monotonic() - started:.1f} s")
    return results


def test_the_shares_visit_every_page_once(built_site):
    pages = all_pages(built_site)
    shares = [shard_pages(built_site, i) for i in range(AXE_SHARDS)]
    assert sorted(p for share in shares for p in share) == sorted(pages)
    assert len(pages) >= 100, f"only {len(pages)} pages to visit"


@pytest.mark.browser
@pytest.mark.parametrize("visits", SHARDS, indirect=True)
@pytest.mark.long
def test_axe_every_page_has_no_wcag_violations(visits):
    found = [(path, v) for path, result in visits.items() for v in result["violations"]]
    assert not found, _format_violations(found)


@pytest.mark.browser
@pytest.mark.parametrize("visits", SHARDS, indirect=True)
@pytest.mark.long
def test_no_third_party_requests_on_any_page(visits, site_url, built_site, request):
    origin = site_url.rstrip("/")
    offsite = [f"{path}: {url}" for path, result in visits.items() for url in result["requests"]
               if not (url == origin or url.startswith(origin + "/") or url.startswith(LOCAL_SCHEMES))]
    share = shard_pages(built_site, request.node.callspec.params["visits"])
    assert len(visits) == len(share) >= 100 // AXE_SHARDS, f"only {len(visits)} of {len(share)} pages visited"
    assert not offsite, f"{len(offsite)} request(s) to other hosts:\n" + "\n".join(offsite[:200])


def _dark_sample(site: Path) -> list[str]:
    """One page of each template: every hand-written page, each index, the first record of each kind."""
    paths = {page_path(site, p) for p in all_pages(site)}
    sample = set()
    for md in (ROOT / "docs").rglob("*.md"):
        rel = md.relative_to(ROOT / "docs").with_suffix("").as_posix()
        rel = "" if rel == "index" else (rel[: -len("index")] if rel.endswith("/index") else rel + "/")
        if rel in paths:
            sample.add(rel)
    for kind in ("causes", "symptoms", "risk-factors", "treatments", "anatomy", "sources"):
        records = sorted(p for p in paths if p.startswith(f"{kind}/") and p != f"{kind}/")
        sample.update([f"{kind}/"] + records[:1])
    return sorted(sample & paths)


@pytest.mark.browser
@pytest.mark.long
def test_axe_dark_palette_on_each_template(browser, built_site, site_url):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    sample = _dark_sample(built_site)
    assert len(sample) >= 15, sample
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    context.set_default_timeout(NAV_TIMEOUT_MS)
    page = context.new_page()
    found = []
    try:
        for path in sample:
            page.goto(site_url + path, wait_until="load")
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate", path
            found += [(f"{path or '/'} (dark)", v) for v in _axe_violations(page, axe)]
    finally:
        context.close()
    assert not found, _format_violations(found)


# ---- links, statically ------------------------------------------------------

URL_ATTRS = {"a": ["href"], "area": ["href"], "link": ["href"], "script": ["src"], "img": ["src"], "iframe": ["src"],
             "source": ["src"], "video": ["src", "poster"], "audio": ["src"], "embed": ["src"], "object": ["data"],
             "use": ["href", "xlink:href"], "image": ["href", "xlink:href"], "form": ["action"]}
# Elements whose URL the browser fetches while loading the page (must never be another host).
ASSET = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"), ("video", "poster"),
         ("audio", "src"), ("embed", "src"), ("object", "data"), ("use", "href"), ("use", "xlink:href"),
         ("image", "href"), ("image", "xlink:href")}
NOT_FETCHED_LINK_RELS = {"canonical", "alternate", "prev", "next", "author", "license", "help", "search"}


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, str, int, str]] = []  # tag, attr, value, line, rel

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if found.get(key):
                self.ids.add(found[key])
        for attr in URL_ATTRS.get(tag, []):
            value = found.get(attr)
            if value is not None:
                self.urls.append((tag, attr, value, self.getpos()[0], (found.get("rel") or "").lower()))
        if found.get("srcset"):
            for part in found["srcset"].split(","):
                if part.strip():
                    self.urls.append((tag, "srcset", part.split()[0], self.getpos()[0], ""))

    handle_startendtag = handle_starttag


def parse_site(site: Path) -> dict[str, _PageParser]:
    """Every built HTML file parsed once, keyed by its path under the site."""
    out = {}
    for html in sorted(site.rglob("*.html")):
        parser = _PageParser()
        parser.feed(html.read_text(encoding="utf-8"))
        out[html.relative_to(site).as_posix()] = parser
    return out


@pytest.fixture(scope="module")
def parsed(built_site) -> dict[str, _PageParser]:
    return parse_site(built_site)


def _target_file(site: Path, url_path: str) -> Path | None:
    """The built file a same-site URL path serves, as a static server would (None if missing)."""
    rel = urllib.parse.unquote(url_path).lstrip("/")
    target = site / rel
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def _check_link(site: Path, parsed: dict, source: str, value: str, offline: bool = False) -> str | None:
    """None if a same-site URL resolves (file and #anchor); else what is wrong. External URLs are skipped.

    offline: the page is opened from file://, where a folder link shows a file listing, not its index.html.
    """
    stripped = value.strip()
    if stripped != value or not value:
        return "empty or padded with spaces"
    scheme = urllib.parse.urlsplit(value).scheme.lower()
    if scheme in ("mailto", "tel", "data", "blob"):
        return None
    if scheme and scheme not in ("http", "https"):
        return f"scheme {scheme}: is not allowed"
    url = urllib.parse.urljoin(SITE + source, value)
    parts = urllib.parse.urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != SITE:
        return None  # another host: checked for well-formedness elsewhere, never fetched
    target = _target_file(site, parts.path)
    if target is None:
        return "no such file in the built site"
    if offline and (site / urllib.parse.unquote(parts.path).lstrip("/")).is_dir():
        return "links to a folder, which file:// does not open as a page"
    if parts.fragment and target.suffix == ".html":
        key = target.relative_to(site).as_posix()
        fragment = urllib.parse.unquote(parts.fragment)
        if fragment not in parsed[key].ids:
            return f"no element with id '{fragment}' in {key}"
    return None


def broken_links(site: Path, parsed: dict, offline: bool = False) -> tuple[int, list[str]]:
    broken, checked = [], 0
    for source, parser in parsed.items():
        for tag, attr, value, line, _rel in parser.urls:
            checked += 1
            problem = _check_link(site, parsed, source, value, offline)
            if problem:
                broken.append(f"{source}:{line}: <{tag} {attr}=\"{value}\">: {problem}")
    return checked, broken


def test_every_internal_link_and_anchor_resolves(built_site, parsed):
    checked, broken = broken_links(built_site, parsed)
    assert checked > 5000, f"only {checked} links found: is the parser seeing the pages?"
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(broken[:200])


def test_every_internal_link_resolves_in_the_offline_build(offline_site):
    """The offline build rewrites every link to .html files: they must resolve too (file:// has no index pages)."""
    pages = {k: v for k, v in parse_site(offline_site).items() if k != "404.html"}  # only a web server shows the 404 page
    checked, broken = broken_links(offline_site, pages, offline=True)
    assert checked > 5000
    assert not broken, f"{len(broken)} broken internal link(s) in the offline build:\n" + "\n".join(broken[:200])


def external_fetches(site: Path, parsed: dict[str, _PageParser]) -> list[str]:
    """``file:line: <tag attr="url">`` for each script, stylesheet, image or other asset a page or stylesheet of
    the built site would fetch from another host (links a browser does not fetch, such as canonical, are left)."""
    external = []
    for source, parser in parsed.items():
        for tag, attr, value, line, rel in parser.urls:
            fetched = (tag, attr) in ASSET or attr == "srcset" or (tag == "link" and not (set(rel.split()) & NOT_FETCHED_LINK_RELS))
            if not fetched:
                continue
            url = urllib.parse.urljoin(SITE + source, value.strip())
            if url.startswith(SITE) or url.startswith(LOCAL_SCHEMES):
                continue
            external.append(f"{source}:{line}: <{tag} {attr}=\"{value}\">")
    for css in sorted(site.rglob("*.css")):
        for match in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])\s*((?:https?:)?//[^'\")\s]+)", css.read_text(encoding="utf-8")):
            external.append(f"{css.relative_to(site).as_posix()}: {match.group(1)}")
    return external


def test_no_external_scripts_stylesheets_or_images(built_site, parsed):
    external = external_fetches(built_site, parsed)
    assert not external, "assets loaded from other hosts:\n" + "\n".join(external[:200])


def _own_classes(stylesheet: Path) -> set[str]:
    """The class names a stylesheet of ours styles (Material's md-* left out)."""
    css = re.sub(r"/\*.*?\*/", "", stylesheet.read_text(encoding="utf-8"), flags=re.S)
    return {name for name in re.findall(r"\.([A-Za-z][\w-]*)", css) if not name.startswith("md-")}


def test_each_page_downloads_the_page_assets_it_uses_and_no_other(built_site, parsed):
    """Issue 22: the stylesheets and scripts only some pages use (mkdocs.yml extra.page_assets) are linked by exactly
    the pages that use them: a stylesheet by each page with a class its own selectors style, the flowchart's script
    by the stepper's page, the index tables' script by each page with a sortable table."""
    from mkdocs.config import load_config

    assets = [a["href"] for a in load_config(str(ROOT / "mkdocs.yml")).extra["page_assets"]]
    styles = {asset: _own_classes(ROOT / "docs" / asset) for asset in assets if asset.endswith(".css")}
    assert styles["assets/stylesheets/lists.css"] >= {"sign-list", "az-list", "matrix", "index-cards", "anatomy-diagram"}
    wrong, counts = [], dict.fromkeys(assets, 0)
    for source, parser in parsed.items():
        html = (built_site / source).read_text(encoding="utf-8")
        classes = {c for value in re.findall(r'class="([^"]*)"', html) for c in value.split()}
        uses = {asset: bool(classes & own) for asset, own in styles.items()}
        uses["assets/javascripts/flowchart.js"] = 'id="triage-app"' in html
        uses["assets/javascripts/tables.js"] = "sortable-table" in classes
        fetched = {urllib.parse.urljoin(SITE + source, value) for tag, attr, value, _line, _rel in parser.urls
                   if (tag, attr) in (("link", "href"), ("script", "src"))}
        for asset in assets:
            linked = SITE + asset in fetched
            counts[asset] += linked
            if linked != uses[asset]:
                wrong.append(f"{source}: {'uses' if uses[asset] else 'does not use'} {asset} but "
                             f"{'does not link' if not linked else 'links'} it")
    assert not wrong, "\n".join(wrong[:50])
    assert all(counts.values()), counts


def test_search_index_locations_resolve(built_site, parsed):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    assert len(docs) > 100
    broken = []
    for doc in docs:
        problem = _check_link(built_site, parsed, "", doc["location"] or "./")
        if problem:
            broken.append(f"search index location '{doc['location']}' ({doc['title']}): {problem}")
    assert not broken, "\n".join(broken[:200])


# ---- reproducible builds ------------------------------------------------------

@pytest.mark.build
def test_two_clean_builds_are_byte_identical(tmp_path):
    """Same commit, same SOURCE_DATE_EPOCH, different hash seeds: identical bytes (sitemap and its gzip included)."""
    env = {"SOURCE_DATE_EPOCH": "1700000000", "SITE_URL": "https://example.org/guide/"}
    first, second = tmp_path / "first", tmp_path / "second"
    build_site(first, extra_env={**env, "PYTHONHASHSEED": "1"})
    build_site(second, extra_env={**env, "PYTHONHASHSEED": "2"})
    names = sorted({p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
                   | {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()})
    differ = [n for n in names if not ((first / n).is_file() and (second / n).is_file()
                                       and filecmp.cmp(first / n, second / n, shallow=False))]
    assert len(names) > 150
    assert not differ, f"{len(differ)} file(s) differ between two builds of the same commit:\n" + "\n".join(differ[:100])
    # The build's own date is SOURCE_DATE_EPOCH (2023-11-14), and no machine path leaks into the output.
    assert "<lastmod>2023-11-14</lastmod>" in (first / "sitemap.xml").read_text(encoding="utf-8")
    leaks = [p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js")
             and (str(ROOT).encode() in p.read_bytes() or str(tmp_path).encode() in p.read_bytes())]
    assert not leaks, "build paths written into: " + ", ".join(leaks)
