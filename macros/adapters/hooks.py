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
from macros.data import limits, validate
from macros.pages import api, handwritten, page_macros, seo

LOCAL_SHIM = "assets/vendor/iframe-worker/shim.js"
GLOSSARY_EXT = "macros.pages.glossary_md"


class ServedPage(File):
    """A page whose rebuild under ``mkdocs serve --dirty`` is decided in ``on_files`` (``modified``), not from file
    dates: MkDocs alone would rebuild every generated page, and no hand-written one whose own file is unchanged
    (a data edit can change what its macros show, a glossary edit its tooltips)."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


def on_startup(command, dirty):
    site.dirty = dirty
    if dirty and not any(isinstance(f, _DirtyNotice) for f in _BUILD_LOG.filters):
        # python3 dev.py serve is --dirty on purpose (ServedPage) and stays --strict for every other warning:
        # MkDocs' notice that a dirty build is a development build is not a problem of the pages.
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
    plugin.register_macros(page_macros.macros(_macro_build(ds, config, lambda: plugin.page.file.src_uri)))
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


def _macro_build(ds, config, page) -> page_macros.Build:
    return page_macros.Build(ds, page, config["use_directory_urls"], config.get("site_url") or "", config.extra.get("repository", ""))


def on_files(files, config):
    ds = site.current()
    # Pages rendered by mkdocs-macros (opt-in: render_macros: true) hold only plain macro calls, and no hand-written
    # page sets front matter only generated pages carry; checked before any runs.
    problems = template_problems(files, config)
    if problems:
        raise PluginError("hand-written pages hold template code other than plain macro calls, or front matter "
                          "only generated pages carry:\n" + "\n".join(problems))
    # The Atom feed of reviewed pages: a generated file, so pages can link to it and MkDocs checks those links.
    feed = seo.feed(ds, _urls(config), config["site_name"], config.get("site_description") or "", config.extra.get("repository", ""))
    files.append(File.generated(config, seo.FEED_PATH, content=feed))
    # Under serve --dirty a page is rebuilt only when its Markdown as built changed since the last build: a generated
    # page's, or a hand-written page's with its macro calls expanded (page_macros.expand, as python -m macros.pages
    # writes it for other engines). A glossary edit changes every page's tooltips: all are rebuilt.
    rebuild_all = not site.dirty or site.previous_glossary != ds.glossary
    built = {path: page.markdown for path, page in pages.generate(ds, _urls(config), config["site_name"]).items()}
    for path, markdown in built.items():
        files.append(ServedPage.generated(config, path, content=markdown))
    if site.dirty:
        for file in [f for f in files.documentation_pages() if not f.generated_by and (rebuild_all or _opted_in(f))]:
            built[file.src_uri] = (page_macros.expand(file.content_string, _macro_build(ds, config, lambda f=file: f.src_uri))
                                   if _opted_in(file) else file.content_string)
            files.remove(file)
            files.append(ServedPage(file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls, inclusion=file.inclusion))
    for file in files:
        if isinstance(file, ServedPage):
            file.modified = rebuild_all or site.previous_pages.get(file.src_uri) != built[file.src_uri]
    site.previous_pages, site.previous_glossary = built, ds.glossary
    return files


def _opted_in(file) -> bool:
    return not file.generated_by and handwritten.opted_in(mkdocs_meta.get_data(file.content_string)[1])


def template_problems(files, config) -> list[str]:
    """``file:line: template code: message`` for every template code on a page that opts in to macros
    (render_macros: true) and is not a plain call of a known macro with literal arguments, and
    ``file:line: front matter: message`` for front matter only generated pages may carry."""
    base = Path(config["config_file_path"]).resolve().parent
    out = []
    for file in files.documentation_pages():
        if file.generated_by:
            continue
        where = Path(os.path.relpath(file.abs_src_path, base) if file.abs_src_path else file.src_uri).as_posix()
        meta = mkdocs_meta.get_data(file.content_string)[1]
        found = [(line, "front matter", message) for line, message in handwritten.reserved_keys(file.content_string, meta)]
        if handwritten.opted_in(meta):
            found += [(line, "template code", message)
                      for line, message in handwritten.parse(file.content_string, page_macros.MACRO_NAMES)[1]]
        out += [limits.printable(f"{where}:{line}: {field}: {message}") for line, field, message in found]
    return out


def on_post_build(config):
    minify_page_assets(Path(config["site_dir"]), [a["href"] for a in config.extra.get("page_assets", [])])
    # Open data: the records as JSON under api/, with their schemas (docs/open-data.md).
    ds = site.current()
    api.write(ds, Path(config["site_dir"]), ds.schema_dir, site_url=config.get("site_url") or "")


def minify_page_assets(site_dir: Path, assets: list[str]) -> None:
    """The assets only some pages use (mkdocs.yml extra.page_assets), minified where they are, under the same names,
    with the minifiers mkdocs-minify-plugin uses for guide.css and guide.js (it would rename them). Idempotent, so a
    serve rebuild that does not copy them again changes nothing."""
    import csscompressor
    import jsmin

    for asset in assets:
        path = site_dir / asset
        if path.is_file():
            source = path.read_text(encoding="utf-8")
            small = csscompressor.compress(source) if asset.endswith(".css") else jsmin.jsmin(source, quote_chars="'\"`")
            path.write_text(small, encoding="utf-8")
