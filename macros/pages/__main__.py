"""``python -m macros.pages OUT_DIR [--data DATA_DIR] [--docs DOCS_DIR --config mkdocs.yml]``: write the pages.

Without ``--docs``: every generated page as Markdown, its JSON-LD in its front matter (``bsg_jsonld``,
printed in <head> by overrides/main.html): the same function the MkDocs hook calls, macros.pages.generate.
With ``--docs``: the whole docs tree any engine can build from mkdocs.yml alone (Zensical runs no hooks
and no mkdocs-macros): a copy of the hand-written docs with each macro call replaced by what it returns
(and render_macros dropped), the generated pages, ``feed.xml`` and the open data under ``api/``. Site
name, address and URL style come from ``--config``. Data problems print the validator's report and exit 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import yaml

from ..data import model, validate
from . import api, generate, handwritten, page_macros, seo, text


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as plain YAML: ``!ENV [NAME, default]`` reads the environment, other tags read as None."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: next(
    (os.environ[n] for n in loader.construct_sequence(node)[:-1] if n in os.environ),
    loader.construct_sequence(node)[-1]) if isinstance(node, yaml.SequenceNode) else os.environ.get(node.value))
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.pages", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="folder to write the pages into (created; existing files of the same name are replaced)")
    parser.add_argument("--data", default=str(model.DATA_DIR), help="the data folder (default: ./data)")
    parser.add_argument("--docs", help="the hand-written docs folder: write the whole tree (see above)")
    parser.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml: name, address, URL style (default: ./mkdocs.yml)")
    args = parser.parse_args(argv)
    try:
        ds = validate.load_valid(Path(args.data))
    except validate.DataError as exc:
        print(exc)
        return 1
    config = yaml.load(Path(args.config).read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    urls = seo.Urls(config.get("site_url") or "", bool(config.get("use_directory_urls", True)))
    out = Path(args.out_dir)
    pages = generate(ds, urls, config.get("site_name", ""))
    if args.docs:
        return write_tree(ds, pages, Path(args.docs), config, urls, out)
    for path, page in pages.items():
        _write(out / path, page.markdown)
    print(f"{len(pages)} pages written to {out}")
    return 0


def _write(target: Path, content: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8", newline="\n")


def write_tree(ds, pages, docs: Path, config: dict, urls: seo.Urls, out: Path) -> int:
    repository = (config.get("extra") or {}).get("repository", "")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(docs, out)
    expanded = 0
    for path in sorted(out.rglob("*.md")):
        src = path.relative_to(out).as_posix()
        content = path.read_text(encoding="utf-8")
        meta = text.read_front_matter(content)
        reserved = handwritten.reserved_keys(content, meta)
        if reserved:
            print("\n".join(f"{src}:{line}: front matter: {message}" for line, message in reserved))
            return 1
        if not handwritten.opted_in(meta):
            continue
        build = page_macros.Build(ds, lambda src=src: src, urls.directory_urls, config.get("site_url") or "", repository)
        try:
            body = page_macros.expand(text.without_front_matter(content), build)
        except ValueError as exc:
            print(exc)
            return 1
        _write(path, text.front_matter({k: v for k, v in meta.items() if k != "render_macros"}) + body.lstrip("\n"))
        expanded += 1
    for src, page in pages.items():
        _write(out / src, page.markdown)
    feed = seo.feed(ds, urls, config.get("site_name", ""), config.get("site_description") or "", repository)
    (out / seo.FEED_PATH).write_bytes(feed)
    api.write(ds, out, ds.schema_dir, site_url=config.get("site_url") or "")
    print(f"{out}: hand-written docs ({expanded} with macros expanded), {len(pages)} generated pages, "
          f"{seo.FEED_PATH}, api/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
