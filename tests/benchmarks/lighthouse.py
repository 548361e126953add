"""Lighthouse for the benchmark: mobile performance of the published pages, before and after, side by side.

    python3 dev.py bench --lighthouse-only               # this tree against main, 3 runs a page
    python3 dev.py bench --lighthouse-only --base cf341bb

Lighthouse 12.2.3 (the last release for Node 20) is pinned by
tests/benchmarks/lighthouse/package-lock.json and installed there with
``npm ci`` on first use; it drives Debian's chromium (/usr/bin/chromium). With
no Node.js the step is skipped with one clear line. Each site is built with
``SITE_URL`` set to the address it is served from (as deploy.yml does) and
served gzip-compressed (as GitHub Pages serves it). Lighthouse's default
mobile preset: simulated slow 4G and a 4x CPU slowdown. The median of
``runs`` runs per page is reported with the load average beside it, because a
busy machine lowers every score.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.background import QuietHandler, serve_in_thread
from tests.benchmarks import markdown_table

HERE = Path(__file__).resolve().parent / "lighthouse"
ROOT = Path(__file__).resolve().parents[2]
PAGES = {  # page type -> path, one page of each kind the issue names
    "home": "",
    "cause": "causes/kidney-stones/",
    "medicine": "treatments/nsaids/",
    "emergency": "emergency/",
    "flowchart": "flowchart/",
    "compare": "compare/kidney-or-back/",
}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking " \
        "--disable-component-update --disable-sync --disable-default-apps --metrics-recording-only"
GZIP_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", "/")


def lighthouse_bin() -> Path | None:
    """The pinned Lighthouse, installed with npm ci on first use; None (and why, printed) without Node.js."""
    if not shutil.which("node") or not shutil.which("npm"):
        print("Lighthouse skipped: Node.js and npm are not installed (apt install nodejs npm)", file=sys.stderr)
        return None
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HERE, check=True)
    return binary


class GzipHandler(QuietHandler):
    """Serves a folder, gzip-compressing text as GitHub Pages does."""

    def send_head(self):  # noqa: D102 - the standard library's hook
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the slash
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not wants or not os.path.isfile(path) or not self.path.split("?")[0].endswith(GZIP_TYPES):
            return super().send_head()
        data = gzip.compress(Path(path).read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        import io

        return io.BytesIO(data)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    return serve_in_thread(folder, GzipHandler)


def build(project: Path, dest: Path, url: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url}
    env.pop("OFFLINE", None)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(dest)], cwd=project, env=env,
                   check=True, capture_output=True)


def audit(binary: Path, url: str) -> dict:
    """One Lighthouse run (mobile preset, performance only): score and the metrics the issue names."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run([str(binary), url, "--only-categories=performance", "--output=json", f"--output-path={out}", "--quiet",
                        f"--chrome-flags={FLAGS}"], env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, capture_output=True,
                       timeout=300)
        report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {"score": round(report["categories"]["performance"]["score"] * 100),
            "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
            "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "bytes": audits["total-byte-weight"]["numericValue"]}


def project_at(ref: str, dest: Path) -> Path:
    """The project as it is at a git ref (git archive: the working tree is never touched)."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def compare(projects: dict[str, Path], work: Path, runs: int = 3) -> list[list[str]] | None:
    """Rows of a Markdown table: per page type, each project's median score, FCP, LCP, TBT, CLS and bytes."""
    binary = lighthouse_bin()
    if binary is None:
        return None
    rows = []
    served = {}
    try:
        for label, project in projects.items():
            site = work / f"lh-site-{label}"
            site.mkdir(parents=True, exist_ok=True)
            server, url = serve(site)
            build(project, site, url)
            served[label] = (server, url)
        for page, path in PAGES.items():
            for label, (_server, url) in served.items():
                results = [audit(binary, url + path) for _ in range(runs)]
                load = os.getloadavg()[0]
                med = {k: statistics.median(r[k] for r in results) for k in results[0]}
                rows.append([page, label, f"{med['score']:.0f}", f"{med['fcp']:.1f} s", f"{med['lcp']:.1f} s", f"{med['tbt']:.0f} ms",
                             f"{med['cls']:.3f}", f"{med['bytes'] / 1024:.1f} KB", f"{load:.2f}"])
                print(" | ".join(rows[-1]), file=sys.stderr)
    finally:
        for server, _url in served.values():
            server.shutdown()
    return rows


HEAD = ["Page", "Build", "Performance (median of runs)", "FCP", "LCP", "TBT", "CLS", "Bytes (Lighthouse total)", "Load average"]


def table(rows: list[list[str]]) -> str:
    return markdown_table(HEAD, rows)
