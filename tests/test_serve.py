"""``python3 dev.py serve`` (mkdocs serve --dirty): after a YAML edit the rebuild shows it, and rebuilds little.

Builds in one process on a copy of the project, as the server runs them:
the first builds everything; after one cause's summary is edited, the second
must show the edit on the cause's page, its index and search, and leave
untouched a record page, a hand-written page without macros (open data) and
one whose macros show the same (emergency signs); after an emergency sign's
medical name is edited, the third must show it on the emergency signs page,
whose macro lists it; after a glossary edit, every page's tooltips are rebuilt;
after an edit of that page's own text, it is rebuilt.
Run in a subprocess: serve mode keeps state across builds (macros/adapters/site.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

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
    def edit(path, field, marker):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"^({field}: .+)$", lambda m: m.group(1) + " " + marker, text, count=1, flags=re.M),
                        encoding="utf-8")
    read = lambda p: (site / p).read_text(encoding="utf-8")
    stamp = lambda p: (site / p).stat().st_mtime_ns
    rebuild()
    # 1. A cause's summary: its page, the causes index and search change; no macro shows summaries.
    before = {p: stamp(p) for p in ("causes/muscle-strain/index.html", "open-data/index.html", "emergency/index.html")}
    edit(project / "data" / "causes" / "kidney-stones.yaml", "summary", "Zebra-edit-marker.")
    rebuild()
    seen = {
        "record": "Zebra-edit-marker" in read("causes/kidney-stones/index.html"),
        "index": "Zebra-edit-marker" in read("causes/index.html"),
        "search": "Zebra-edit-marker" in read("search/search_index.json"),
        "untouched_record": stamp("causes/muscle-strain/index.html") == before["causes/muscle-strain/index.html"],
        "untouched_plain_page": stamp("open-data/index.html") == before["open-data/index.html"],
        "untouched_macro_page": stamp("emergency/index.html") == before["emergency/index.html"],
    }
    # 2. An emergency sign's medical name: the emergency page's macro lists it, so that page is rebuilt.
    edit(project / "data" / "symptoms" / "balance-problems.yaml", "medical_name", "Quokka-edit-marker")
    rebuild()
    seen["macro_page"] = "Quokka-edit-marker" in read("emergency/index.html")
    # 3. A glossary meaning: every page's tooltips may change, a hand-written page without macros included.
    glossary = project / "data" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(re.sub(r'(term: "spasm"\\n    meaning: ")', r"\\1Wombat-edit-marker. ", text, count=1), encoding="utf-8")
    rebuild()
    seen["glossary_plain_page"] = "Wombat-edit-marker" in read("open-data/index.html")
    seen["glossary_record_page"] = "Wombat-edit-marker" in read("symptoms/back-muscle-spasm/index.html")
    # 4. The text of a hand-written page that calls macros: that page is rebuilt.
    emergency = project / "docs" / "emergency.md"
    emergency.write_text(emergency.read_text(encoding="utf-8") + "\\nNumbat-edit-marker.\\n", encoding="utf-8")
    rebuild()
    seen["macro_page_text"] = "Numbat-edit-marker" in read("emergency/index.html")
    print(json.dumps(seen))
''')


@pytest.mark.build
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
    assert seen["untouched_record"], "a record page the edit did not change was rebuilt (serve rebuilds everything)"
    assert seen["untouched_plain_page"], "a hand-written page without macros was rebuilt after a data edit"
    assert seen["untouched_macro_page"], "a hand-written page whose macros show the same was rebuilt"
    assert seen["macro_page"], "a hand-written page whose macros show the edited data was not rebuilt (a stale page)"
    assert seen["glossary_plain_page"], "a glossary edit did not rebuild a hand-written page's tooltips"
    assert seen["glossary_record_page"], "a glossary edit did not rebuild a record page's tooltips"
    assert seen["macro_page_text"], "an edit of a hand-written page that calls macros did not rebuild it"
