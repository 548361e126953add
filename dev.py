#!/usr/bin/env python3
"""Back Spasm Guide developer commands. Needs only Python 3.11+; sets up the rest.

    python3 dev.py serve      # build and serve the site at http://127.0.0.1:8000
    python3 dev.py test       # run every test, on every core (installs Chromium if missing)
    python3 dev.py test --quick  # no browser, no site build: validator, units, pages layer (under a minute)
    python3 dev.py test -k WORDS # other arguments go to pytest
    python3 dev.py build      # mkdocs build --strict into site/
    python3 dev.py build --engine properdocs  # the same site built by ProperDocs, into site-properdocs/
    python3 dev.py build --engine zensical    # the docs tree written by macros.pages, built by Zensical into build/zensical/site
    python3 dev.py offline    # offline build zipped as dist/back-spasm-guide-offline.zip
    python3 dev.py validate   # check data/ only
    python3 dev.py diff [BASE] # what the data changes mean for readers (Markdown), against BASE or main
    python3 dev.py setup      # .venv with everything the tests need (pytest, ruff, playwright)
    python3 dev.py bench      # benchmark (build time, scale, page weight)

Each command creates .venv (one for everything) and installs the pinned
requirements when they change (a stamp file remembers what is installed):
validate, diff, build and serve need requirements.txt; test, setup and bench add
requirements-dev.txt to the same .venv. `test` also installs
Debian's chromium package when /usr/bin/chromium is missing (as root, or
with sudo); browser tests fail, never skip, without a browser.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def run(*cmd, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=kw.pop("env", ENV), **kw)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv(requirements: str, where: Path = VENV) -> Path:
    """The virtual environment ``where`` with the pinned ``requirements`` and the project (editable) installed,
    reinstalled only when a requirements file or pyproject.toml changed; returns its python."""
    py = where / ("Scripts" if os.name == "nt" else "bin") / "python"
    if not py.exists():
        try:
            venv.create(where, with_pip=True)
        except Exception as exc:  # Debian without python3-venv has no ensurepip
            if shutil.which("apt-get") and _can_sudo():
                _apt("python3-venv")
                shutil.rmtree(where, ignore_errors=True)
                run(sys.executable, "-m", "venv", where)
            else:
                sys.exit(f"cannot create .venv ({exc}); install python3-venv and retry")
    files = [ROOT / "requirements.txt"] + ([ROOT / requirements] if requirements != "requirements.txt" else []) + [ROOT / "pyproject.toml"]
    stamp = where / f".installed-{requirements}"
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return py
    # Every pin carries its hashes: pip refuses any file that does not match (and any unpinned dependency).
    run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r", requirements)
    # The project's own package (macros), editable: mkdocs' hook, tests and the benchmark import it from here.
    # Its build backend (flit_core) is one of the hashed pins above, so nothing unpinned is fetched.
    run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-build-isolation",
        "--no-index", "--editable", ROOT)
    stamp.write_text(digest)
    return py


def _can_sudo() -> bool:
    return hasattr(os, "geteuid") and (os.geteuid() == 0 or shutil.which("sudo") is not None)


def _apt(*packages: str) -> None:
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    env = {**ENV, "DEBIAN_FRONTEND": "noninteractive"}
    run(*prefix, "apt-get", "update", "-qq", env=env)
    run(*prefix, "apt-get", "install", "-y", "-qq", *packages, env=env)


def ensure_chromium() -> None:
    if os.environ.get("PLAYWRIGHT_BUNDLED") == "1" or Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get") and _can_sudo():
        _apt("chromium")
    if not Path(CHROMIUM).exists():
        sys.exit(f"no browser at {CHROMIUM}: install Debian's chromium package (browser tests need it)")


def mkdocs(*args: str, env: dict | None = None) -> None:
    run(PY, "-m", "mkdocs", *args, env=env or ENV)


def cmd_serve(args: list[str]) -> None:
    ensure_venv("requirements.txt")
    # --dirty: after an edit only the pages whose Markdown as built changed are rebuilt, a hand-written page's with
    # its macro calls expanded (macros/adapters/hooks.py ServedPage).
    mkdocs("serve", "--strict", "--dirty", "--dev-addr", os.environ.get("DEV_ADDR", "127.0.0.1:8000"), *args)


def cmd_build(args: list[str]) -> None:
    engine = "mkdocs"
    if "--engine" in args:
        at = args.index("--engine")
        engine = args[at + 1] if at + 1 < len(args) else ""
        args = args[:at] + args[at + 2:]
    if engine == "mkdocs":
        ensure_venv("requirements.txt")
        mkdocs("build", "--strict", "--site-dir", "site", *args)
    elif engine == "properdocs":
        # ProperDocs (a fork of MkDocs 1.6) is pinned in requirements-dev.txt; it lives beside mkdocs in .venv.
        ensure_venv("requirements-dev.txt")
        run(PY, "-m", "properdocs", "build", "--strict", "--config-file", "mkdocs.yml", "--site-dir", "site-properdocs",
            *args, env={**ENV, "DISABLE_MKDOCS_2_WARNING": "true"})
    elif engine == "zensical":
        build_zensical(offline=os.environ.get("OFFLINE") == "true")
    else:
        sys.exit(f"unknown engine {engine!r}: use mkdocs (the default), properdocs or zensical")


ZENSICAL_VENV = ROOT / ".venv-zensical"


def build_zensical(offline: bool = False) -> Path:
    """Zensical runs no hooks and no mkdocs-macros: `python -m macros.pages` writes the whole docs tree (pages,
    expanded macros, feed.xml, api/) into build/zensical/docs, inside the project as Zensical requires, and
    Zensical builds it with a copy of mkdocs.yml pointing there. Zensical (requirements-zensical.txt) has a
    venv of its own. Returns the site folder (build/zensical/site, or build/zensical-offline/site with OFFLINE=true)."""
    py = ensure_venv("requirements-zensical.txt", ZENSICAL_VENV)
    work = ROOT / "build" / ("zensical-offline" if offline else "zensical")
    site = work / "site"  # Zensical wants docs_dir and site_dir inside the folder of its config file
    env = {**ENV, "OFFLINE": "true"} if offline else {k: v for k, v in ENV.items() if k != "OFFLINE"}
    run(py, "-m", "macros.pages", work / "docs", "--docs", "docs", "--config", "mkdocs.yml", env=env)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if "\n  custom_dir: overrides\n" not in config:
        sys.exit("mkdocs.yml: theme.custom_dir is no longer `overrides` on a line of its own; update dev.py build_zensical")
    config = config.replace("\n  custom_dir: overrides\n", "\n  custom_dir: ../../overrides\n")
    config += "\nsite_dir: site\n"
    if offline:  # Zensical's offline plugin adds iframe-worker from unpkg.com unless one is listed: list our copy
        config = config.replace("\nextra:\n", "\nextra:\n  polyfills: [assets/vendor/iframe-worker/shim.js]\n")
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    run(py, "-m", "zensical", "build", "--clean", "--config-file", work / "mkdocs.yml", env=env)
    return site


def cmd_offline(args: list[str]) -> None:
    ensure_venv("requirements.txt")
    out = ROOT / "site-offline"
    mkdocs("build", "--strict", "--site-dir", str(out), *args, env={**ENV, "OFFLINE": "true"})
    zip_path = ROOT / "dist" / "back-spasm-guide-offline.zip"
    zip_dir(out, zip_path, "back-spasm-guide")
    print(f"wrote {zip_path.relative_to(ROOT)}")


def zip_dir(folder: Path, zip_path: Path, prefix: str) -> None:
    """A reproducible zip: sorted names, fixed timestamps."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(folder).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def cmd_validate(args: list[str]) -> None:
    ensure_venv("requirements.txt")
    run(PY, "-m", "macros.validate", *args)
    if not (VENV / ".installed-requirements-dev.txt").exists() and sys.stdout.isatty():
        print("(.venv has what validate needs; for the tests run `python3 dev.py setup` once, "
              "or `python3 dev.py test`, which adds pytest, ruff and playwright to the same .venv)")


def cmd_diff(args: list[str]) -> None:
    ensure_venv("requirements.txt")
    run(PY, "-m", "macros.data.diff", *args)


def cmd_setup(args: list[str]) -> None:
    ensure_venv("requirements-dev.txt")
    print(f"{VENV.name} is ready: {PY} -m pytest runs the tests (python3 dev.py test also installs a browser)")


# pytest-xdist on every core; tests that share a module-scoped fixture stay together (tests/conftest.py sets
# their xdist_group) and the order conftest gives (long work first) is kept.
PARALLEL = ["-n", "auto", "--dist", "loadgroup", "--no-loadscope-reorder"]
QUICK = ["-m", "not browser and not build"]  # no browser, no site build: the validator, units, the pages layer


def cmd_test(args: list[str]) -> None:
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    ensure_venv("requirements-dev.txt")
    if not quick:
        ensure_chromium()
    run(PY, "-m", "macros.validate")
    run(PY, "-m", "ruff", "check", "macros", "tests", "dev.py")
    run(PY, "-m", "pytest", *PARALLEL, "--durations=10", *(QUICK if quick else []), *args)


def cmd_bench(args: list[str]) -> None:
    ensure_venv("requirements-dev.txt")
    run(PY, "-m", "tests.benchmarks.bench", *args)


COMMANDS = {"serve": cmd_serve, "build": cmd_build, "offline": cmd_offline, "validate": cmd_validate,
            "diff": cmd_diff, "setup": cmd_setup, "test": cmd_test, "bench": cmd_bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
