"""Safe text for generated Markdown and HTML.

Data text is written by contributors and must come out exactly as written:
never as HTML, never as a Markdown link or emphasis, never as a template.
Every piece of data text that goes into a page passes through ``md`` (for
Markdown) or ``html_text``/``attr`` (for raw HTML such as SVG). These are the
only ways data reaches a page, and tests feed them hostile strings.
"""

from __future__ import annotations

import html
import posixpath
import re

# Characters Python-Markdown treats as markup anywhere in a line (plus '|'
# for tables). Escaping them with a backslash makes them literal.
_INLINE = re.compile(r"([\\`*_{}\[\]()|!])")
# Characters that are markup only at the start of a paragraph.
_LINE_START = re.compile(r"^(\s*)([-+#>=]|\d+[.)])")


def md(text: object) -> str:
    """Escape text for a Markdown paragraph or table cell (one line)."""
    value = " ".join(str(text).split())
    value = html.escape(value, quote=False)  # & < > become entities
    value = _INLINE.sub(r"\\\1", value)
    value = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit()
                            else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], value)
    return value


def paragraphs(text: object) -> str:
    """Escape multi-paragraph text: blank lines separate paragraphs."""
    parts = re.split(r"\n\s*\n", str(text).strip())
    return "\n\n".join(md(p) for p in parts if p.strip())


def html_text(text: object) -> str:
    """Escape text for an HTML (or SVG) element body."""
    return html.escape(" ".join(str(text).split()), quote=False)


def attr(text: object) -> str:
    """Escape text for an HTML attribute value in double quotes."""
    return html.escape(" ".join(str(text).split()), quote=True)


def rel(from_src: str, to_src: str) -> str:
    """Relative Markdown link from one docs file to another (both src paths)."""
    base = posixpath.dirname(from_src)
    return posixpath.relpath(to_src, base or ".")


def link(from_src: str, to_src: str, label: object) -> str:
    """A Markdown link with escaped label to another docs file."""
    return f"[{md(label)}]({rel(from_src, to_src)})"


def page_url(src_path: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a docs file (same rules as mkdocs.structure.files)."""
    stem = src_path[:-3] if src_path.endswith(".md") else src_path
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(from_src: str, to_src: str, directory_urls: bool) -> str:
    """A relative URL for raw HTML (which MkDocs does not rewrite) between two docs files."""
    here = page_url(from_src, directory_urls)
    base = here if here.endswith("/") else posixpath.dirname(here)
    target = page_url(to_src, directory_urls)
    result = posixpath.relpath(target or ".", base or ".")
    if (target == "" or target.endswith("/")) and not result.endswith("/"):
        result += "/"
    return "./" if result in (".", "./", "./.") else result
