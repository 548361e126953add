"""``python3 dev.py serve`` (mkdocs serve --dirty): after a YAML edit the rebuild shows it, and rebuilds little.

Two builds in one process on a copy of the project, as the server runs them:
the first builds everything; after one cause's summary is edited, the second
must show the edit on the cause's page and on the hand-written pages whose
macros list causes, and must leave untouched a record page the edit did not
change. Run in a subprocess: serve mode turns on process-wide caches.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

from .conftest import ROOT

SCRIPT = textwrap.dedent('''
    import json, os, re, sys
    from pathlib import Path
    from mkdocs.config import load_config
    from mkdocs.commands.build import build
    project, site = Path(sys.argv[1]), Path(sys.argv[2])
    os.chdir(project)
    def rebuild():
        config = load_config("mkdocs.yml", site_dir=str(site), strict=True)
        config.plugins.on_startup(command="serve", dirty=True)
        build(config, dirty=True)
    rebuild()
    cause = project / "data" / "causes" / "kidney-stones.yaml"
    other = site / "causes" / "muscle-strain" / "index.html"
    macro_page = site / "emergency" / "index.html"
    before, macro_before = other.stat().st_mtime_ns, macro_page.stat().st_mtime_ns
    text = cause.read_text(encoding="utf-8")
    cause.write_text(re.sub(r"^(summary: .+)$", lambda m: m.group(1) + " Zebra-edit-marker.", text, count=1, flags=re.M),
                     encoding="utf-8")
    rebuild()
    read = lambda p: (site / p).read_text(encoding="utf-8")
    print(json.dumps({
        "record": "Zebra-edit-marker" in read("causes/kidney-stones/index.html"),
        "index": "Zebra-edit-marker" in read("causes/index.html"),
        "macro_page": macro_page.stat().st_mtime_ns != macro_before,
        "untouched": other.stat().st_mtime_ns == before,
        "search": "Zebra-edit-marker" in read("search/search_index.json"),
    }))
''')


def test_serve_rebuilds_what_an_edit_changed_and_nothing_else(tmp_path):
    project = tmp_path / "project"
    for name in ("data", "docs", "macros", "overrides"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(project), str(tmp_path / "site")],
                            capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["record"], "the edited record's page does not show the edit"
    assert seen["index"], "the causes index does not show the edited summary"
    assert seen["search"], "search does not find the edit"
    assert seen["macro_page"], "a hand-written page whose macros read the data was not rebuilt after a data edit"
    assert seen["untouched"], "a record page the edit did not change was rebuilt (serve rebuilds everything)"
