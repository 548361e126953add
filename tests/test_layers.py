"""The code's shape: three layers that import only downward, one registry of kinds, pages writable to disk.

* macros/data knows nothing of MkDocs, Markdown or HTML; macros/pages knows
  nothing of MkDocs; macros/adapters is the only MkDocs side.
* No import cycle anywhere in macros/ (imports inside functions included).
* No ``sys.path`` edit in the project: the package is installed editable.
* ``python -m macros.pages OUT`` writes exactly the pages the MkDocs build adds.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from macros.data import kinds, model
from macros.pages import render

from .conftest import ROOT

PACKAGE = ROOT / "macros"
MODULES = sorted(PACKAGE.rglob("*.py"))
# What each layer may import from outside the standard library and itself.
FORBIDDEN = {
    "data": ("macros.pages", "macros.adapters", "mkdocs", "material", "markdown", "markupsafe", "jinja2"),
    "pages": ("macros.adapters", "mkdocs", "material", "jinja2"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base_name = ".".join(base + ([node.module] if node.module else []))
            else:
                base_name = node.module or ""
            found.add(base_name)
            # "from . import x" imports the module x
            found |= {f"{base_name}.{alias.name}" for alias in node.names}
    return found


def test_the_package_has_modules():
    assert len(MODULES) > 20 and {p.parent.name for p in MODULES} >= {"data", "pages", "adapters"}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_downward(layer):
    files = sorted((PACKAGE / layer).glob("*.py"))
    assert files, f"no files in macros/{layer}"
    wrong = [f"{p.relative_to(ROOT)} imports {name}" for p in files for name in sorted(imports(p))
             if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer])]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    names = {module_name(p): p for p in MODULES}
    graph = {name: {i for i in imports(path) if i in names and i != name} for name, path in names.items()}
    # A package imports its own modules' names ("from . import render"): that is the package's face, not a cycle.
    graph = {n: {i for i in deps if not n.startswith(i + ".")} for n, deps in graph.items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, stack: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle.extend(stack[stack.index(nxt):] + [node, nxt] if nxt in stack else [node, nxt])
                return True
            if nxt not in state and visit(nxt, stack + [node]):
                return True
        state[node] = 2
        return False

    assert not any(visit(n, []) for n in sorted(graph) if n not in state), "import cycle: " + " -> ".join(cycle)


def test_no_sys_path_edits():
    needle = "sys." + "path"  # split so this file does not match itself
    files = [*MODULES, *ROOT.glob("tests/**/*.py"), ROOT / "dev.py"]
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in files for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if needle in line and p != Path(__file__)]
    assert len(files) > 30
    assert not hits, "edits of the import path (install the project editable instead): " + ", ".join(hits)


@pytest.mark.parametrize("kind", list(kinds.KINDS.values()), ids=lambda k: k.name)
def test_every_kind_in_the_registry_is_complete(kind):
    assert (ROOT / "data" / kind.name).is_dir(), f"data/{kind.name}/ is missing"
    assert (ROOT / "data" / "schemas" / f"{kind.schema}.schema.json").is_file()
    assert (ROOT / "data" / "_templates" / f"{kind.schema}.yaml").is_file()
    assert callable(render.PAGE_FUNCTIONS[kind.name])
    for column in kind.columns:
        assert column.show in ("link", "text", "date", "first-sentence", "grade", "tier", "tier-or-none") \
            or column.show.split(":")[0] in ("vocab", "names"), column
    assert kind.description[1] in ("text", "first-sentence")
    assert model.KINDS is kinds.KINDS


def test_pages_command_writes_what_the_build_uses(tmp_path):
    """The hook's generated pages (run as MkDocs runs it) and ``python -m macros.pages OUT`` are the same bytes."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    out = tmp_path / "pages"
    result = subprocess.run([sys.executable, "-m", "macros.pages", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    written = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.md")}
    config = load_config(str(ROOT / "mkdocs.yml"))
    config = config.plugins.on_config(config)  # every plugin and hook, as mkdocs build runs them
    files = config.plugins.on_files(Files([]), config=config)
    used = {f.src_uri: f.content_string for f in files if f.src_uri.endswith(".md")}
    assert len(written) > 200
    assert sorted(written) == sorted(used)
    differ = [path for path in used if used[path] != written[path]]
    assert not differ, f"{len(differ)} page(s) differ: {differ[:10]}"


def test_pages_command_refuses_bad_data_with_the_validator_report(tmp_path):
    bad = tmp_path / "data"
    bad.mkdir()
    result = subprocess.run([sys.executable, "-m", "macros.pages", str(tmp_path / "out"), "--data", str(bad)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "fix each line above" in result.stdout
    assert not (tmp_path / "out").exists()
