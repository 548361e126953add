"""Other engines build the same guide (issue 23): MkDocs 1 and Material 9 have an end of life.

* ProperDocs (a maintained fork of MkDocs 1.6, pinned in requirements-dev.txt) builds from mkdocs.yml
  a site equal to MkDocs', file for file, apart from the generator line.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.engines

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
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "SITE_URL": site_url}
    env.pop("OFFLINE", None)
    result = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "--config-file", "mkdocs.yml",
                             "--site-dir", str(dest)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr
    assert b"ProperDocs" in (dest / "index.html").read_bytes(), "the page was not made by ProperDocs"
    assert site_differences(built_site, dest) == []
