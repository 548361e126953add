"""MkDocs hooks: load the data once per build, give mkdocs-macros the macros, add the generated pages.

Listed under ``hooks:`` in mkdocs.yml (MkDocs loads it by file path; the
``macros`` package is installed in the venv, editable, from pyproject.toml).
mkdocs-macros cannot create pages, so the generated pages come in here (MkDocs
1.6 ``File.generated``) from ``macros.pages.generate``, the same function
``python -m macros.pages OUT`` writes to disk: their front matter, JSON-LD
included, is already in them. A data problem stops the build with the
validator's report.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import meta as mkdocs_meta

from macros import pages
from macros.adapters import site
from macros.data import limits, validate, yamlload
from macros.pages import api, handwritten, page_macros, seo

LOCAL_SHIM = "assets/vendor/iframe-worker/shim.js"
GLOSSARY_EXT = "macros.pages.glossary_md"


class GeneratedPage(File):
    """A generated page. In a normal build every page is built; under ``mkdocs serve --dirty`` a page whose
    Markdown is the same as in the previous build is not rebuilt (MkDocs would rebuild every generated file)."""

    unchanged = False

    def is_modified(self) -> bool:
        return not self.unchanged and super().is_modified()


class DataPage(File):
    """A hand-written page under ``mkdocs serve --dirty`` whose macros show something else after a data edit:
    rebuild it (MkDocs would only look at the page file's own date)."""

    def is_modified(self) -> bool:
        return True


def on_startup(command, dirty):
    site.dirty = dirty
    yamlload.reuse_parsed(dirty)  # a rebuild re-parses only the YAML files that changed
    if dirty and not any(isinstance(f, _DirtyNotice) for f in _BUILD_LOG.filters):
        # python3 dev.py serve is --dirty on purpose (GeneratedPage, DataPage) and stays --strict for every
        # other warning: MkDocs' notice that a dirty build is a development build is not a problem of the pages.
        _BUILD_LOG.addFilter(_DirtyNotice())


_BUILD_LOG = logging.getLogger("mkdocs.commands.build")


class _DirtyNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build is being performed" not in record.getMessage()


def on_config(config):
    data_dir = Path(config["config_file_path"]).resolve().parent / "data"
    try:
        ds = site.load(data_dir)
    except validate.DataError as exc:
        raise PluginError(f"the data in {data_dir} has problems:\n{exc}") from None
    # The macros hand-written pages call (macros/pages/page_macros.py), each for the page mkdocs-macros renders.
    plugin = config.plugins["macros"]
    plugin.register_macros(page_macros.macros(page_macros.Build(
        ds, lambda: plugin.page.file.src_uri, config["use_directory_urls"], config.get("site_url") or "",
        config.extra.get("repository", ""))))
    # Glossary tooltips (macros/pages/glossary_md.py, listed in mkdocs.yml) read the glossary beside this
    # mkdocs.yml, whichever folder the build runs in.
    if GLOSSARY_EXT in config.markdown_extensions:
        config.mdx_configs[GLOSSARY_EXT] = {**config.mdx_configs.get(GLOSSARY_EXT, {}), "glossary_file": str(data_dir / "glossary.yaml")}
    # Material's offline plugin adds its iframe-worker shim from a CDN (so search
    # on file:// would need the network). Serve the vendored copy instead.
    polyfills = config.extra.get("polyfills") or []
    if any("iframe-worker" in url for url in polyfills):
        config.extra["polyfills"] = [url for url in polyfills if "iframe-worker" not in url] + [LOCAL_SHIM]
    return config


def _urls(config) -> seo.Urls:
    return seo.Urls(config.get("site_url"), config["use_directory_urls"])


def on_files(files, config):
    ds = site.current()
    # Pages rendered by mkdocs-macros (opt-in: render_macros: true) hold only plain macro calls; checked before any runs.
    problems = template_problems(files, config)
    if problems:
        raise PluginError("hand-written pages hold template code other than plain macro calls:\n" + "\n".join(problems))
    # The Atom feed of reviewed pages: a generated file, so pages can link to it and MkDocs checks those links.
    feed = seo.feed(ds, _urls(config), config["site_name"], config.get("site_description") or "", config.extra.get("repository", ""))
    files.append(File.generated(config, seo.FEED_PATH, content=feed))
    # Under serve --dirty, only pages whose Markdown changed are rebuilt; a glossary edit changes every
    # page's tooltips, and a data edit may change what a hand-written page's macros show.
    rebuild_all = not site.dirty or site.previous_glossary != ds.glossary
    generated: dict[str, str] = {}
    for path, page in pages.generate(ds, _urls(config), config["site_name"]).items():
        generated[path] = page.markdown
        file = GeneratedPage.generated(config, path, content=generated[path])
        file.unchanged = not rebuild_all and site.previous_pages.get(path) == generated[path]
        files.append(file)
    if site.dirty:
        # A hand-written page that calls macros is rebuilt when what its macros produce changed
        # (or cannot be told: template code that is not plain calls with literal arguments); after a
        # glossary edit every hand-written page is, since its tooltips may have changed.
        outputs = {f.src_uri: _macro_output(ds, f, config) for f in files.documentation_pages() if _opted_in(f)}
        for file in [f for f in files.documentation_pages() if not f.generated_by and (rebuild_all or f.src_uri in outputs)]:
            if rebuild_all or outputs[file.src_uri] is None or outputs[file.src_uri] != site.previous_macro_outputs.get(file.src_uri):
                files.remove(file)
                files.append(DataPage(file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls, inclusion=file.inclusion))
        site.previous_macro_outputs = outputs
    site.previous_pages, site.previous_glossary = generated, ds.glossary
    return files


def _macro_output(ds, file, config) -> str | None:
    """All that a hand-written page's macro calls produce, in order; None if it cannot be told."""
    calls, problems = handwritten.parse(file.content_string, page_macros.MACRO_NAMES)
    if problems:
        return None
    macros = page_macros.macros(page_macros.Build(ds, lambda: file.src_uri, config["use_directory_urls"],
                                                  config.get("site_url") or "", config.extra.get("repository", "")))
    return "\x00".join(str(macros[c.name](*c.args, **dict(c.kwargs))) for c in calls)


def _opted_in(file) -> bool:
    return not file.generated_by and handwritten.opted_in(mkdocs_meta.get_data(file.content_string)[1])


def template_problems(files, config) -> list[str]:
    """``file:line: template code: message`` for every template code on a page that opts in to macros
    (render_macros: true) and is not a plain call of a known macro with literal arguments."""
    base = Path(config["config_file_path"]).resolve().parent
    out = []
    for file in files.documentation_pages():
        if _opted_in(file):
            where = os.path.relpath(file.abs_src_path, base) if file.abs_src_path else file.src_uri
            for line, message in handwritten.parse(file.content_string, page_macros.MACRO_NAMES)[1]:
                out.append(limits.printable(f"{Path(where).as_posix()}:{line}: template code: {message}"))
    return out


def on_post_build(config):
    # Open data: the records as JSON under api/, with their schemas (docs/open-data.md).
    ds = site.current()
    api.write(ds, Path(config["site_dir"]), ds.schema_dir, site_url=config.get("site_url") or "")
