"""MkDocs hooks: load the data once per build and generate a page per record.

Listed under ``hooks:`` in mkdocs.yml. mkdocs-macros cannot create pages, so
page generation lives here (MkDocs 1.6 ``File.generated``); rendering is in
macros/render.py. A data problem stops the build with the validator's report.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by file path, not as a package
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from macros import api, compare, render, site, validate  # noqa: E402

_abbreviations = ""
LOCAL_SHIM = "assets/vendor/iframe-worker/shim.js"


def on_config(config):
    global _abbreviations
    data_dir = Path(config["config_file_path"]).resolve().parent / "data"
    try:
        ds = site.load(data_dir)
    except validate.DataError as exc:
        raise PluginError(f"the data in {data_dir} has problems:\n{exc}") from None
    _abbreviations = compare.abbreviations(ds)
    # Material's offline plugin adds its iframe-worker shim from a CDN (so search
    # on file:// would need the network). Serve the vendored copy instead.
    polyfills = config.extra.get("polyfills") or []
    if any("iframe-worker" in url for url in polyfills):
        config.extra["polyfills"] = [url for url in polyfills if "iframe-worker" not in url] + [LOCAL_SHIM]
    return config


def on_files(files, config):
    ds = site.current()
    for kind, page_for in render.RECORD_PAGES.items():
        files.append(File.generated(config, render.index_src(kind), content=render.index_page(ds, kind)))
        for rec in ds.kind(kind).values():
            files.append(File.generated(config, render.src(kind, rec.id), content=page_for(ds, rec)))
    return files


def on_page_markdown(markdown, page, config, files):
    # Glossary terms become <abbr> with their meaning (Material shows it as a tooltip).
    return f"{markdown}\n\n{_abbreviations}\n" if _abbreviations else markdown


def on_post_build(config):
    # Open data: the records as JSON under api/, with their schemas (docs/open-data.md).
    ds = site.current()
    api.write(ds, Path(config["site_dir"]), ds.root / "data" / "schemas")

