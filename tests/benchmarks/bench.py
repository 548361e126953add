#!/usr/bin/env python3
"""Back Spasm Guide benchmark: build time at scale, data-layer overhead, serve latency, page weight.

    python3 dev.py bench                      # the default run (about 10 minutes or less on 2 cores)
    python3 dev.py bench --scales 10,20       # other synthetic scales (full site)
    python3 dev.py bench --stubbed-scales 100 # scales built without the two comparison matrices
    python3 dev.py bench --no-write           # print only; leave tests/benchmarks/README.md alone
    python3 dev.py bench --serve-only         # only the serve edit-to-page time: main's tree and this one, in turns

Everything runs on copies in a temporary folder (the project tree without
.git, .venv, tests and build output), so the checkout is never touched.
What it measures, in this order:

1. Clean build (``mkdocs build --strict``, a new process, wall clock) of the
   real site (median of 3) and of the same site with the records multiplied
   synthetically (each cause, symptom, risk factor, treatment and anatomy
   record cloned N-1 times as ``<id>-x2`` ... ``<id>-xN``, each clone's
   references pointing at the clones of the same copy; cloned symptoms and
   risk factors lose their urgency and rank, so the flowchart, whose screens
   list at most 20 findings each, need not ask about them; sources, glossary
   and flowchart unchanged, so every source stays cited and the validator
   passes).
2. The data layer's overhead: that build's time divided by the build time of
   a plain mkdocs-material site (same theme, overrides, extensions and nav;
   no macros plugin, no hooks) whose docs are the very Markdown the data
   build produced (captured by a tiny hook at the end of on_page_markdown:
   the same pages, record pages and macro output included).
3. Seconds from editing one YAML file to the rebuilt page under ``mkdocs serve``.
4. Bytes a first visit transfers (fresh Chromium profile, until the network
   is idle: HTML, CSS, JS, search index and worker if fetched, favicon), raw
   and gzip (level 6), for one page of each type Lighthouse measures
   (lighthouse.PAGES); the largest first visit of every page of the site,
   counted from the files (the page, the stylesheets and scripts it names,
   the favicon); the flowchart script alone; the search index.
5. Validator time (``python -m macros.validate``) on the real and the 100x data.

Prints one Markdown table and writes it, with the date and machine, to
tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import gzip
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

import yaml  # noqa: E402

from macros.data import model, schemas, yamlload  # noqa: E402
from tests.benchmarks import markdown_table  # noqa: E402
from tests.benchmarks.lighthouse import PAGES as LIGHTHOUSE_PAGES  # noqa: E402

PY = sys.executable
README = Path(__file__).resolve().parent / "README.md"
CLONED_KINDS = [k.name for k in model.KINDS.values() if not k.citation]  # every kind but sources (macros/data/kinds.py)
IGNORE = shutil.ignore_patterns(".git", ".venv", "site", "site-offline", "dist", ".pytest_cache", ".ruff_cache",
                                "__pycache__", "tests", "node_modules", ".github", ".vscode")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", "SOURCE_DATE_EPOCH": "1700000000"}
for _name in ("OFFLINE", "SITE_URL"):
    ENV.pop(_name, None)
MATRIX_MACROS = ("causes_by_symptoms", "treatments_by_causes")  # the two cause-by-X comparison matrices
TARGET_FIRST_VISIT_GZ = 80 * 1024  # issue 22: a first visit to any page, in all, without the search index
TARGET_OVERHEAD = 1.3
TARGET_FLOWCHART_GZ = 10 * 1024

# Two hooks added to the data build's config. They keep each page's final
# Markdown (after macros and the glossary hook) for the plain baseline, and
# time the data step (on_config to on_files) and each page's render.
BENCH_HOOK_FIRST = """
import time
from mkdocs.plugins import event_priority

T = {"pages": {}, "start": {}}


@event_priority(100)
def on_config(config):
    T["config"] = time.perf_counter()
    return config


@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    T["start"][page.file.src_uri] = time.perf_counter()
    return markdown
"""

BENCH_HOOK_LAST = """
import json, os, sys, time
from pathlib import Path
from mkdocs.plugins import event_priority

OUT = Path(os.environ["BENCH_CAPTURE"])
FIRST = sys.modules[[m for m in sys.modules if "bench_hook_first" in m][0]].T
DATA = {}


@event_priority(-100)
def on_files(files, config):  # after macros/adapters/hooks.py: data loaded and checked, record pages generated
    DATA["data"] = time.perf_counter() - FIRST["config"]
    return files


@event_priority(-100)
def on_page_markdown(markdown, page, config, files):
    front = "---\\n" + json.dumps(dict(page.meta or {}), ensure_ascii=False) + "\\n---\\n\\n" if page.meta else ""
    dest = OUT / "docs" / page.file.src_uri
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(front + markdown, encoding="utf-8")
    return markdown


@event_priority(-100)
def on_page_content(html, page, config, files):
    FIRST["pages"][page.file.src_uri] = time.perf_counter() - FIRST["start"][page.file.src_uri]
    return html


def on_post_build(config):
    (OUT / "timings.json").write_text(json.dumps({"pages": FIRST["pages"], "config_to_files": DATA.get("data", 0)}))
"""


# ---- helpers ------------------------------------------------------------------------

def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def copy_project(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    return dest


def count_records(project: Path) -> int:
    return sum(len(list((project / "data" / kind).glob("*.yaml"))) for kind in model.KINDS)


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def timed(cmd: list, cwd: Path, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env or ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result


def mkdocs_build(project: Path, dest: Path, config: Path | None = None, env: dict | None = None) -> float:
    if dest.exists():
        shutil.rmtree(dest)
    cmd = [PY, "-m", "mkdocs", "build", "--strict", "--site-dir", dest, "--config-file", config or project / "mkdocs.yml"]
    elapsed, result = timed(cmd, project, env)
    if "WARNING" in result.stderr:
        sys.exit(f"build of {project} warned:\n{result.stderr[-3000:]}")
    return elapsed


# ---- synthetic scaling ----------------------------------------------------------------

def _set(data, path: tuple, value) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


def multiply(data_dir: Path, factor: int) -> None:
    """Clone every cause, symptom, risk factor, treatment and anatomy record factor-1 times (see the module doc)."""
    if factor <= 1:
        return
    suffixes = [f"-x{k}" for k in range(2, factor + 1)]
    for kind in CLONED_KINDS:
        schema_name = model.KINDS[kind].schema
        for path in sorted((data_dir / kind).glob("*.yaml")):
            data = yamlload.load_file(path).data
            refs = [(p, ref) for p, ref, target in schemas.fields(schema_name, data).references if target in CLONED_KINDS or target == "findings"]
            for k, suffix in enumerate(suffixes, start=2):
                clone = copy.deepcopy(data)
                clone["id"] = path.stem + suffix
                for p, ref in refs:
                    _set(clone, p, ref + suffix)
                for key in ("name", "title"):
                    if isinstance(clone.get(key), str):
                        clone[key] = f"{clone[key]} (copy {k})"
                if kind in model.FINDING_KINDS:  # the flowchart stays the real one (see the module doc)
                    clone.pop("urgency", None)
                    clone.pop("urgency_note", None)
                    clone.pop("rank", None)
                (data_dir / kind / f"{path.stem}{suffix}.yaml").write_text(_dump(clone), encoding="utf-8")


def stub_matrices(project: Path) -> None:
    """Replace the two comparison matrices (causes x symptoms, treatments x causes) with a sentence."""
    for md in (project / "docs").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        new = re.sub(r"\{\{\s*(" + "|".join(MATRIX_MACROS) + r")\(\)\s*\}\}", "(Matrix left out in this benchmark run.)", text)
        if new != text:
            md.write_text(new, encoding="utf-8")


def make_project(work: Path, name: str, factor: int, stub: bool = False) -> Path:
    project = copy_project(work / name)
    multiply(project / "data", factor)
    if stub:
        stub_matrices(project)
    return project


# ---- data build with capture, and the plain baseline ------------------------------------

def bench_config(project: Path) -> Path:
    """mkdocs-bench.yml: the project's config plus the capture hook (INHERIT keeps everything else)."""
    from mkdocs.utils.yaml import yaml_load

    (project / "bench_hook_first.py").write_text(BENCH_HOOK_FIRST, encoding="utf-8")
    (project / "bench_hook_last.py").write_text(BENCH_HOOK_LAST, encoding="utf-8")
    with open(project / "mkdocs.yml", encoding="utf-8") as f:
        hooks = yaml_load(f).get("hooks") or []
    config = project / "mkdocs-bench.yml"
    config.write_text(yaml.safe_dump({"INHERIT": "mkdocs.yml", "hooks": ["bench_hook_first.py"] + hooks + ["bench_hook_last.py"]}), encoding="utf-8")
    return config


def capture_build(project: Path, dest: Path, capture: Path) -> tuple[float, dict]:
    """A data build that also writes every page's final Markdown into capture/docs (timed, hook included)."""
    if capture.exists():
        shutil.rmtree(capture)
    capture.mkdir(parents=True)
    elapsed = mkdocs_build(project, dest, bench_config(project), env={**ENV, "BENCH_CAPTURE": str(capture)})
    return elapsed, json.loads((capture / "timings.json").read_text())


def plain_project(project: Path, capture: Path, dest: Path) -> Path:
    """A plain mkdocs-material project: same config minus macros and hooks; docs = captured Markdown + assets."""
    from mkdocs.utils.yaml import yaml_load

    with open(project / "mkdocs.yml", encoding="utf-8") as f:
        config = yaml_load(f)
    for key in ("hooks", "watch"):
        config.pop(key, None)
    config["plugins"] = [p for p in config.get("plugins", []) if not (p == "macros" or (isinstance(p, dict) and "macros" in p))]
    shutil.copytree(project / "docs", dest / "docs", ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(capture / "docs", dest / "docs", dirs_exist_ok=True)
    if (project / "overrides").is_dir():
        shutil.copytree(project / "overrides", dest / "overrides")
    # Files the hooks generate that pages link to (the Atom feed): a stand-in, so --strict link checks pass.
    (dest / "docs" / "feed.xml").write_text("<feed/>\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return dest


# ---- serve latency ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return None


def serve_latency(project: Path, edits: int = 3) -> list[float]:
    """Seconds from writing one cause's YAML to the served page showing the change."""
    cause = sorted((project / "data" / "causes").glob("*.yaml"))[0]
    url_page = f"causes/{cause.stem}/"
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log_file = open(project / "serve.log", "w")
    proc = subprocess.Popen([PY, "-m", "mkdocs", "serve", "--strict", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=project, env=ENV, stdout=log_file, stderr=subprocess.STDOUT)
    times = []
    try:
        deadline = time.monotonic() + 180
        while not (fetch(base + url_page) or "").strip():
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"mkdocs serve did not start:\n{(project / 'serve.log').read_text()[-3000:]}")
            time.sleep(0.2)
        original = cause.read_text(encoding="utf-8")
        if not re.search(r"^summary: .+$", original, re.M):
            sys.exit(f"{cause}: no one-line summary to edit")
        for i in range(1, edits + 1):
            time.sleep(1.5)  # let the watcher settle after the previous build
            marker = f"Benchmark edit number {i} {int(time.time())}"
            edited = re.sub(r"^(summary: .+)$", lambda m, marker=marker: m.group(1) + " " + marker, original, count=1, flags=re.M)
            cause.write_text(edited, encoding="utf-8")
            start = time.perf_counter()
            while marker not in (fetch(base + url_page) or ""):
                if time.perf_counter() - start > 180 or proc.poll() is not None:
                    sys.exit(f"edit never reached the page:\n{(project / 'serve.log').read_text()[-3000:]}")
                time.sleep(0.05)
            times.append(time.perf_counter() - start)
        cause.write_text(original, encoding="utf-8")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log_file.close()
    return times


# ---- page weight ---------------------------------------------------------------------------

def _kind_of(url: str) -> str:
    path = url.split("?")[0].split("#")[0]
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "js"
    if path.endswith(".json"):
        return "index"
    if path.endswith("/") or path.endswith(".html"):
        return "html"
    return "other"


def first_visits(site: Path) -> list[tuple[int, str]]:
    """(gzip bytes, page path) of every page's first visit, largest first, counted from the files: the page, each
    stylesheet and script it names (<link rel=stylesheet>, <script src>) and the favicon. What Chromium fetches
    besides (page_weight) is nothing on these pages but the home page's sitemap.xml (its feed link)."""
    cache: dict[Path, int] = {}

    def size(path: Path) -> int:
        if path not in cache:
            cache[path] = gz(path.read_bytes())
        return cache[path]

    favicon = size(site / "assets" / "favicon.svg")
    out = []
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        named = re.findall(r'<(?:link rel="stylesheet"|script)[^>]*? (?:href|src)="([^"]+)"', html)
        files = {(page.parent / ref.split("?")[0]).resolve() for ref in named if "://" not in ref}
        total = size(page) + favicon + sum(size(f) for f in files if f.is_file())
        rel = page.relative_to(site).as_posix()
        out.append((total, rel.removesuffix("index.html")))
    return sorted(out, reverse=True)


def page_weight(site: Path) -> dict[str, dict[str, list[int]]]:
    """For each page type Lighthouse measures (lighthouse.PAGES): bytes fetched per kind on a first visit, [raw, gzip]."""
    from playwright.sync_api import sync_playwright

    from tests.background import serve_in_thread
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    server, base = serve_in_thread(site)
    out = {}
    try:
        with sync_playwright() as pw:
            kwargs = {} if os.environ.get("PLAYWRIGHT_BUNDLED") == "1" else {"executable_path": CHROMIUM}
            browser = pw.chromium.launch(headless=True, args=CHROMIUM_ARGS, **kwargs)
            for label, path in LIGHTHOUSE_PAGES.items():
                context = browser.new_context()
                page = context.new_page()
                urls: list[str] = []
                page.on("requestfinished", lambda r, urls=urls: urls.append(r.url))
                page.goto(base + path, wait_until="networkidle", timeout=120_000)
                page.wait_for_timeout(500)
                sizes: dict[str, list[int]] = {k: [0, 0] for k in ("html", "css", "js", "index", "other")}
                for url in dict.fromkeys(urls):
                    if not url.startswith(base):
                        sys.exit(f"{label}: request to another host: {url}")
                    rel = url[len(base):].split("?")[0].split("#")[0]
                    file = site / rel
                    if file.is_dir() or not rel:
                        file = file / "index.html"
                    data = file.read_bytes()
                    kind = _kind_of(url)
                    sizes[kind][0] += len(data)
                    sizes[kind][1] += gz(data)
                out[label] = sizes
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


# ---- measurements -------------------------------------------------------------------------

def site_stats(site: Path) -> dict:
    pages = html_files(site)
    sizes = [p.stat().st_size for p in pages]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index = (site / "search" / "search_index.json").read_bytes()
    return {"pages": len(pages), "total": total, "html_mean": statistics.mean(sizes), "html_median": statistics.median(sizes),
            "html_max": max(sizes), "index_raw": len(index), "index_gz": gz(index)}


def validator_time(project: Path, runs: int) -> float:
    cmd = [PY, "-m", "macros.validate", "data"]
    times = [timed(cmd, project)[0] for _ in range(runs)]
    return statistics.median(times)


def machine() -> str:
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    from importlib.metadata import version

    versions = ", ".join(f"{p} {version(p)}" for p in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "Markdown"))
    return (f"{os.cpu_count()} CPU ({cpu or platform.machine()}), Python {platform.python_version()}, {versions}; "
            f"load average at start {load}")


def run(args) -> tuple[list[list[str]], list[str]]:
    started = time.perf_counter()
    scales = [(int(s), False) for s in args.scales.split(",") if s.strip()]
    scales += [(int(s), True) for s in args.stubbed_scales.split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="bsg-bench-"))
    rows: list[list[str]] = []
    notes: list[str] = []
    try:
        # -- 1x: the real site --------------------------------------------------------------
        log("copying the project")
        real = make_project(work, "x1", 1)
        records1 = count_records(real)
        log("building the real site (3 clean builds)")
        t1 = statistics.median([mkdocs_build(real, work / "site-x1") for _ in range(args.repeats)])
        stats1 = site_stats(work / "site-x1")
        log("data build with capture, then the plain baseline (3 builds)")
        t1_capture, timings1 = capture_build(real, work / "site-x1-capture", work / "capture-x1")
        plain1 = plain_project(real, work / "capture-x1", work / "plain-x1")
        p1 = statistics.median([mkdocs_build(plain1, work / "site-plain-x1") for _ in range(args.repeats)])
        plain_pages1 = len(html_files(work / "site-plain-x1"))
        if plain_pages1 != stats1["pages"]:
            sys.exit(f"the plain site has {plain_pages1} pages, the real one {stats1['pages']}")

        per_page1 = t1 / stats1["pages"]
        rows.append(["Clean build, real site", f"{t1:.1f} s for {stats1['pages']} pages, {records1} records "
                     f"({per_page1 * 1000:.0f} ms a page)", "", ""])
        rows.append(["Site size, real site", f"{mb(stats1['total'])} in all; HTML {kb(stats1['html_median'])} median, "
                     f"{kb(stats1['html_mean'])} mean a page", "", ""])
        ratio1 = t1 / p1
        rows.append(["Data-layer overhead, real site", f"{ratio1:.2f}x ({t1:.1f} s vs plain mkdocs-material {p1:.1f} s, same "
                     f"{stats1['pages']} pages of the same Markdown)", f"<= {TARGET_OVERHEAD}x", _ok(ratio1 <= TARGET_OVERHEAD)])
        rows.append(["  of which: load and validate the data, generate the pages", f"{timings1['config_to_files']:.2f} s (on_config to on_files)", "", ""])

        # -- synthetic scales -----------------------------------------------------------
        scaled = {}
        for factor, stub in scales:
            name = f"x{factor}" + ("-stub" if stub else "")
            log(f"generating {factor}x data" + (" (matrices left out)" if stub else ""))
            project = make_project(work, name, factor, stub=stub)
            records = count_records(project)
            log(f"{factor}x: data build ({records} records)")
            t, timings = capture_build(project, work / f"site-{name}", work / f"capture-{name}")
            stats = site_stats(work / f"site-{name}")
            entry = {"t": t, "stats": stats, "records": records, "timings": timings, "factor": factor, "stub": stub, "name": name}
            if factor in args.plain_scales and not stub:
                log(f"{factor}x: plain baseline")
                plain = plain_project(project, work / f"capture-{name}", work / f"plain-{name}")
                entry["plain"] = mkdocs_build(plain, work / f"site-plain-{name}")
            scaled[name] = entry
            shutil.rmtree(project, ignore_errors=True)
            shutil.rmtree(work / f"capture-{name}", ignore_errors=True)
            shutil.rmtree(work / f"plain-{name}", ignore_errors=True)
            shutil.rmtree(work / f"site-plain-{name}", ignore_errors=True)

        for e in scaled.values():
            st, t, factor, stub = e["stats"], e["t"], e["factor"], e["stub"]
            per_page = t / st["pages"]
            marginal = (t - t1) / (st["pages"] - stats1["pages"])
            matrices = _matrix_pages(real)
            matrix_s = sum(e["timings"]["pages"].get(k, 0) for k in matrices)
            e["matrix_s"] = matrix_s
            e["matrix_bytes"] = sum(_built(work / f"site-{e['name']}", k).stat().st_size for k in matrices if not stub)
            label = f"Clean build, {factor}x records" + (" (the 2 matrix pages left out)" if stub else "")
            rows.append([label, f"{t:.1f} s for {st['pages']:,} pages, {e['records']:,} records ({per_page * 1000:.0f} ms a page; "
                         f"{marginal * 1000:.0f} ms per added page)", f"~{per_page1 * 1000:.0f} ms a page (linear)",
                         _ok(per_page <= per_page1 * 1.3)])
            if not stub:
                rest = (t - matrix_s) / (st["pages"] - 2)
                rows.append([f"  {factor}x without the {len(matrices)} matrix pages' render time", f"{t - matrix_s:.1f} s ({rest * 1000:.0f} ms a page); the matrices alone "
                             f"{matrix_s:.1f} s, {mb(e['matrix_bytes'])} of HTML", "", ""])
            rows.append([f"Site size, {factor}x" + (" (no matrices)" if stub else ""), f"{mb(st['total'])} in all; HTML {kb(st['html_median'])} median, "
                         f"{kb(st['html_mean'])} mean, {kb(st['html_max'])} largest page", f"~{kb(stats1['html_median'])} median (flat)",
                         _ok(st["html_median"] <= stats1["html_median"] * 1.3)])
            if "plain" in e:
                ratio = t / e["plain"]
                rows.append([f"Data-layer overhead, {factor}x", f"{ratio:.2f}x ({t:.1f} s vs plain {e['plain']:.1f} s)",
                             f"<= {TARGET_OVERHEAD}x", _ok(ratio <= TARGET_OVERHEAD)])
            rows.append([f"  of which: load, validate, generate, {factor}x" + (" (no matrices)" if stub else ""), f"{e['timings']['config_to_files']:.2f} s", "", ""])
            rows.append([f"Search index, {factor}x" + (" (no matrices)" if stub else ""), f"{kb(st['index_raw'])} raw, {kb(st['index_gz'])} gzip "
                         f"({st['index_raw'] / e['records']:.0f} bytes a record)", "", ""])

        # -- serve latency -----------------------------------------------------------------
        log("mkdocs serve: edit one YAML file, wait for the page")
        serve = serve_latency(make_project(work, "serve", 1), edits=args.serve_edits)
        rows.append(["Edit one YAML file to rebuilt page (mkdocs serve)", f"{statistics.median(serve):.1f} s median of {len(serve)} "
                     f"({', '.join(f'{s:.1f}' for s in serve)})", "", ""])

        # -- page weight -----------------------------------------------------------------
        log("page weight in Chromium")
        weights = page_weight(work / "site-x1")
        for label, sizes in weights.items():
            raw = sum(v[0] for v in sizes.values())
            zipped = sum(v[1] for v in sizes.values())
            parts = "; ".join(f"{k.upper() if k in ('html', 'css') else ('JS' if k == 'js' else ('search index' if k == 'index' else 'other'))} "
                              f"{kb(v[0])} / {kb(v[1])}" for k, v in sizes.items() if v[0])
            hcj = [sum(sizes[k][i] for k in ("html", "css", "js")) for i in (0, 1)]
            rows.append([f"First visit, {label} (/{LIGHTHOUSE_PAGES[label]})", f"{kb(raw)} raw, {kb(zipped)} gzip in all; HTML+CSS+JS "
                         f"{kb(hcj[0])} / {kb(hcj[1])} gzip ({parts}; raw / gzip)", "<= 80 KB gzip", _ok(zipped <= TARGET_FIRST_VISIT_GZ)])
        visits = first_visits(work / "site-x1")
        over = [(size, page) for size, page in visits if size > TARGET_FIRST_VISIT_GZ]
        largest = ", ".join(f"/{page} {kb(size)}" for size, page in visits[:4])
        rows.append([f"First visit, every page ({len(visits)}, from the files)", f"largest: {largest}; "
                     f"{len(over)} over 80 KB", "<= 80 KB gzip", _ok(not over)])
        flow = (work / "site-x1" / "assets" / "javascripts" / "flowchart.js").read_bytes()
        rows.append(["Flowchart script alone (flowchart.js)", f"{kb(len(flow))} raw, {kb(gz(flow))} gzip", "<= 10 KB gzip",
                     _ok(gz(flow) <= TARGET_FLOWCHART_GZ)])
        rows.append(["Search index, real site", f"{kb(stats1['index_raw'])} raw, {kb(stats1['index_gz'])} gzip "
                     f"({stats1['index_raw'] / records1:.0f} bytes a record)", "", ""])

        # -- validator -------------------------------------------------------------------
        log("validator on the real data")
        v1 = validator_time(real, args.repeats)
        rows.append(["Validator, real data", f"{v1:.2f} s ({records1} records)", "", ""])
        if args.validate_scale:
            log(f"generating {args.validate_scale}x data for the validator")
            big = work / f"validate-x{args.validate_scale}"
            shutil.copytree(real, big)
            multiply(big / "data", args.validate_scale)
            recs = count_records(big)
            log(f"validator on {args.validate_scale}x data ({recs} records)")
            vbig = validator_time(big, 1)
            rows.append([f"Validator, {args.validate_scale}x data", f"{vbig:.1f} s ({recs:,} records; "
                         f"{vbig / recs * 1000:.1f} ms a record vs {v1 / records1 * 1000:.1f} at 1x)", "", ""])
        total = time.perf_counter() - started
        rows.append(["Benchmark run time", f"{total / 60:.1f} min", "< 10 min on 2 cores", _ok(total < 600)])

        notes += explain(scaled, stats1, records1, per_page1, ratio1)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return rows, notes


def _ok(flag: bool) -> str:
    return "yes" if flag else "**no** (see notes)"


def _matrix_pages(project: Path) -> list[str]:
    """Docs paths of the pages that render a comparison matrix."""
    return sorted(md.relative_to(project / "docs").as_posix() for md in (project / "docs").rglob("*.md")
                  if any(m in md.read_text(encoding="utf-8") for m in MATRIX_MACROS))


def _built(site: Path, src_uri: str) -> Path:
    rel = src_uri[: -len(".md")]
    rel = rel[: -len("index")] if rel == "index" or rel.endswith("/index") else rel + "/"
    return site / rel / "index.html"


def explain(scaled, stats1, records1, per_page1, ratio1) -> list[str]:
    """Plain-language notes for every figure that misses its target."""
    notes = []
    for e in scaled.values():
        factor = e["factor"]
        per_page = e["t"] / e["stats"]["pages"]
        if per_page > per_page1 * 1.3 and e["stub"]:
            notes.append(f"Build time per page at {factor}x without the matrices ({per_page * 1000:.0f} ms) is above the real "
                         f"site's ({per_page1 * 1000:.0f} ms): something other than the matrices grows faster than linearly.")
        if per_page > per_page1 * 1.3 and not e["stub"]:
            notes.append(
                f"Build time per page at {factor}x ({per_page * 1000:.0f} ms) is above the real site's ({per_page1 * 1000:.0f} ms) "
                f"because two comparison pages are matrices: compare/causes-symptoms (causes x symptoms) and "
                f"compare/treatments-causes (treatments x causes). Their size grows with the square of the records "
                f"({mb(e['stats']['html_max'])} for the largest page at {factor}x; {mb(e['matrix_bytes'])} and {e['matrix_s']:.1f} s for both). "
                f"Every other page grows linearly (see the row without the matrix pages' render time and the build without the "
                f"matrices). At 100x the causes x symptoms matrix alone would be about 100 times its 10x size (hundreds "
                f"of MB), which is why the larger scales are built without the two matrices. "
                f"Fix (outside this benchmark): past a few hundred causes, split the matrices by body region and cause "
                f"group, or list only the non-empty cells.")
        if e["stats"]["html_median"] > stats1["html_median"] * 1.3:
            notes.append(f"Median page size grows at {factor}x: index pages list every record.")
        if "plain" in e and e["t"] / e["plain"] > TARGET_OVERHEAD:
            notes.append(f"Data-layer overhead at {factor}x is {e['t'] / e['plain']:.2f}x: loading and validating "
                         f"{e['records']:,} YAML files took {e['timings']['config_to_files']:.1f} s of the build.")
    if ratio1 > TARGET_OVERHEAD:
        notes.append(f"Data-layer overhead on the real site is {ratio1:.2f}x, above {TARGET_OVERHEAD}x.")
    per_record = stats1["index_raw"] / records1
    notes.append(
        f"Not a target, but worth knowing: a reader who opens search downloads the whole search index (never before: "
        f"MAINTAINING.md, the search index on demand), {kb(stats1['index_raw'])} raw / {kb(stats1['index_gz'])} gzip today, "
        f"about {per_record:,.0f} bytes a record, so about {per_record * records1 * 100 / 1024 / 1024:,.0f} MB raw at 100x. "
        f"The gzip figures of the synthetic scales are far too good (the clones repeat the same text); real text "
        f"compresses to about {stats1['index_gz'] / stats1['index_raw'] * 100:.0f} % as on the real site.")
    return notes


def render(rows: list[list[str]]) -> str:
    return markdown_table(["Measure", "Result", "Target", "Met"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10", help="synthetic scales to build, comma-separated (default: 10)")
    parser.add_argument("--stubbed-scales", default="30", help="scales built with the two comparison matrices left out (default: 30)")
    parser.add_argument("--plain-scales", default="10", help="scales that also get a plain baseline build (default: 10)")
    parser.add_argument("--validate-scale", type=int, default=100, help="scale for the validator timing (default: 100; 0 skips)")
    parser.add_argument("--repeats", type=int, default=3, help="clean builds of the real site, median taken (default: 3)")
    parser.add_argument("--serve-edits", type=int, default=3, help="YAML edits timed under mkdocs serve (default: 3)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not rewrite tests/benchmarks/README.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--base", default="main", help="git ref Lighthouse compares this tree with (default: main)")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs a page, median taken (default: 3)")
    parser.add_argument("--lighthouse-only", action="store_true", help="run only the Lighthouse comparison")
    parser.add_argument("--no-lighthouse", action="store_true", help="leave the Lighthouse comparison out")
    parser.add_argument("--serve-only", action="store_true",
                        help="run only the serve edit-to-page comparison: --base's tree (skipped if empty) and this one, in turns")
    parser.add_argument("--serve-rounds", type=int, default=2, help="with --serve-only: turns per tree (default: 2)")
    args = parser.parse_args(argv)
    args.plain_scales = {int(s) for s in args.plain_scales.split(",") if s.strip()}
    where = machine()
    log(f"machine: {where}")
    if args.serve_only:
        table = serve_comparison(args)
        if not args.no_write:
            write_block("serve", table, where, "Serve: edit one YAML file to rebuilt page, before and after")
            log(f"wrote the serve table to {README.relative_to(ROOT)}")
        return 0
    if not args.lighthouse_only:
        rows, notes = run(args)
        table = render(rows)
        print(table)
        for note in notes:
            print(f"\n- {note}")
        if not args.no_write:
            write_readme(table, notes, where, args)
            log(f"wrote {README.relative_to(ROOT)}")
    if not args.no_lighthouse:
        lh_table = lighthouse_comparison(args)
        if lh_table and not args.no_write:
            write_block("lighthouse", lh_table, where, "Lighthouse (mobile), before and after")
            log(f"wrote the Lighthouse table to {README.relative_to(ROOT)}")
    return 0


def lighthouse_comparison(args) -> str | None:
    """Lighthouse on the base ref's site and this tree's, side by side in one run (tests/benchmarks/lighthouse.py)."""
    from tests.benchmarks import lighthouse

    work = Path(tempfile.mkdtemp(prefix="bsg-lighthouse-"))
    try:
        log(f"Lighthouse: {args.base} against this tree, {args.lighthouse_runs} runs a page")
        projects = {f"before ({args.base})": lighthouse.project_at(args.base, work / "base"), "after (this tree)": copy_project(work / "tree")}
        rows = lighthouse.compare(projects, work, runs=args.lighthouse_runs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if rows is None:
        return None
    text = lighthouse.table(rows)
    print(text)
    return text


def serve_comparison(args) -> str:
    """Seconds from a YAML edit to the served page (serve_latency) for --base's tree and this tree, measured in
    turns (a fresh server each turn), with the 1-minute load average at the start of each turn."""
    from tests.benchmarks import lighthouse

    work = Path(tempfile.mkdtemp(prefix="bsg-serve-"))
    try:
        projects = {f"before ({args.base})": lighthouse.project_at(args.base, work / "base")} if args.base else {}
        projects["after (this tree)"] = copy_project(work / "tree")
        times: dict[str, list[float]] = {label: [] for label in projects}
        loads: dict[str, list[float]] = {label: [] for label in projects}
        for turn in range(1, args.serve_rounds + 1):
            for label, project in projects.items():
                log(f"serve, turn {turn}: {label}")
                loads[label].append(os.getloadavg()[0])
                times[label] += serve_latency(project, edits=args.serve_edits)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows = [[label, f"{statistics.median(t):.1f} s", ", ".join(f"{x:.1f}" for x in t), ", ".join(f"{x:.1f}" for x in loads[label])]
             for label, t in times.items()]
    text = markdown_table(["Tree", "Edit to page, median", "Each edit (s)", "Load average (1 min) at each turn"], rows)
    print(text)
    return text


def write_block(name: str, body: str, where: str, heading: str) -> None:
    """Replace (or add, under heading) the <!-- name:start --> ... <!-- name:end --> block of the README."""
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    command = " ".join(["python3 dev.py bench", *sys.argv[1:]])
    text = README.read_text(encoding="utf-8") if README.exists() else HEADER
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->\n"
    block = f"{start}\nRun {today} with `{command}` on {where}.\n\n{body}\n{end}"
    head, sep, rest = text.partition(start)
    if sep:
        text = head + block + rest.partition(end)[2]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + block
    README.write_text(text, encoding="utf-8")


def write_readme(table: str, notes: list[str], where: str, args) -> None:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    command = " ".join(["python3 dev.py bench", *sys.argv[1:]])
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    head, sep, rest = text.partition("<!-- bench:start -->")
    tail = rest.partition("<!-- bench:end -->\n")[2] if sep else ""
    if not sep:
        head = HEADER
    body = [f"Run {today} with `{command}` on {where}.", "", table, ""]
    if notes:
        body += ["Notes (every figure that misses its target is explained here):", ""] + [f"- {n}" for n in notes] + [""]
    README.write_text(head + "<!-- bench:start -->\n" + "\n".join(body) + "<!-- bench:end -->\n" + tail, encoding="utf-8")


HEADER = """# Benchmarks

`tests/benchmarks/bench.py` measures what issue 6 asks for; run it with
`python3 dev.py bench` (about 10 minutes or less on a 2-core machine). It is
not a test: it prints one table and rewrites the block below. How each figure
is measured is in the script's docstring.

## Latest figures

"""


if __name__ == "__main__":
    sys.exit(main())
