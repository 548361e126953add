"""The one way data text reaches a page: escaping by context, with safe markup as a type.

Data text is written by contributors we do not know. It must come out exactly
as written: never as HTML, a Markdown link or emphasis, a template, a broken
front matter or a crashed build. Pick the function for the context:

=======================  ==========================================================
Context                  Use
=======================  ==========================================================
HTML text, HTML          ``escape(value)`` (also spelled ``attr``):
attribute (in double     one escaper that is safe in all three, because it turns
quotes), Markdown        HTML *and* Markdown characters into character references,
inline text (paragraph,  which Markdown leaves alone and browsers show as the
table cell, list item,   character. Returns ``Html``.
heading, link label)
Markdown paragraphs      ``paragraphs(value)``: blank lines separate paragraphs.
Markup built from parts  ``Html("<b>{}</b>").format(data)``, ``Html(", ").join(items)``,
                         ``Html(...) + data``: every argument that is not ``Html``
                         is escaped with ``escape``. Build markup only this way;
                         an f-string with data in it is a bug in review.
External URL             ``external_url(value)``: an ``https://`` address of RFC 3986
                         characters with a real host name, escaped for an
                         attribute; ``None`` otherwise (show it as text instead).
Site-relative URL        ``rel``/``href``/``link``: built from our own docs paths,
                         percent-encoded (ids go through it too).
JSON in a page           ``json_island(value)`` for ``<script type="application/json">``;
                         for a JSON attribute use ``attr(json.dumps(...))``.
JSON files (open data)   ``json_text(value)``: strings cleaned, UTF-8 safe.
Front matter             ``front_matter(meta)``: a YAML-safe dump of the cleaned values,
                         which MkDocs reads back as written (tests/test_hostile.py).
Plain text for YAML,     ``clean(value)`` (one line) / ``clean_lines(value)``: no
JSON, tooltips           escaping, but no control characters either.
=======================  ==========================================================

Every function first removes what no page should carry: the characters the
validator refuses (``macros.data.limits.FORBIDDEN_CHARS``: C0 and C1 controls
but tab and newline, lone surrogates, non-characters such as U+FFFE,
bidirectional overrides and isolates, line and paragraph separators). Each
becomes U+FFFD, so the problem is visible rather than silently obeyed; this is
the second line of defence.
"""

from __future__ import annotations

import json
import posixpath
import re
import urllib.parse
from typing import Any

import yaml
from markupsafe import Markup

from ..data import limits
from ..data.rules import url_problem

# ---- cleaning -------------------------------------------------------------------

REPLACEMENT = "\ufffd"


def clean_lines(value: object) -> str:
    """Text with unsafe characters replaced by U+FFFD; newlines kept (CRLF becomes LF)."""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    # The validator's list (macros/data/limits.py). Non-BMP non-characters (U+1FFFE, ...) and astral private
    # planes are harmless; only the listed ranges go.
    return limits.FORBIDDEN_CHARS.sub(REPLACEMENT, value)


def clean(value: object) -> str:
    """One line of plain text: ``clean_lines`` with every run of whitespace made one space."""
    return " ".join(clean_lines(value).split())


# ---- the safe-markup type ---------------------------------------------------------

class Html(Markup):
    """Markup that is safe in HTML and in Markdown source.

    A ``markupsafe.Markup`` whose escaping is ``escape`` below: formatting,
    joining, ``+`` and ``%`` escape every argument that is not already
    ``Html``. Write constant markup as ``Html("...")``; never pass data to
    ``Html(...)`` directly.
    """

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any) -> Html:  # noqa: D102 (markupsafe's hook, used by format/join/+)
        if isinstance(s, Html):
            return s
        if hasattr(s, "__html__"):
            raise TypeError(f"{type(s).__name__} is not macros.pages.text.Html: escape it with macros.pages.text, not markupsafe")
        return _escape(s)


NL = Html("\n")  # joins the lines of a page: Html, so joining never escapes what is already safe


# HTML's five, plus every character Markdown (and its extensions here: tables,
# attr_list, abbr, md_in_html) gives a meaning anywhere in a line.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_ENTITIES |= {c: f"&#{ord(c)};" for c in "\\`*_{}[]|"}
_TABLE = str.maketrans(_ENTITIES)
# Characters that are markup only at the start of a line: headings, lists,
# quotes, setext rules, definition lists, admonitions, details, tabs, fences.
_LINE_START = set("#-+=:~?!>")
_NUMBERED = re.compile(r"^(\d+)([.)])")


def _escape(value: object) -> Html:
    text = clean(value).translate(_TABLE)
    if text[:1] in _LINE_START:
        text = f"&#{ord(text[0])};{text[1:]}"
    else:
        text = _NUMBERED.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", text, count=1)
    return Html(text)


def escape(value: object) -> Html:
    """Data text for HTML text, a double-quoted HTML attribute, or inline Markdown.

    One line (whitespace collapsed), unsafe characters replaced, and
    ``& < > " '`` plus Markdown's ``\\ ` * _ { } [ ] |`` (and a leading
    ``# - + = : ~ ? ! >`` or ``1.``) written as character references: Markdown
    passes them through untouched and the browser shows the character. So the
    same value is safe inside raw HTML that Markdown re-parses (table cells,
    inline tags) and as a Markdown link label. ``Html`` values pass unchanged.
    """
    return Html.escape(value)


attr = escape  # an attribute value in double quotes


def paragraphs(value: object) -> Html:
    """Multi-paragraph data text for Markdown: blank lines separate paragraphs."""
    parts = re.split(r"\n[^\S\n]*\n", clean_lines(value).strip())
    return Html("\n\n").join(escape(p) for p in parts if p.strip())


# ---- URLs ----------------------------------------------------------------------------

def external_url(value: object) -> Html | None:
    """An external link target escaped for an ``href``, or None when it is not a plain https address
    (the validator's check, ``macros.data.rules.url_problem``)."""
    return None if url_problem(value) else escape(value)


def _path(path: str) -> Html:
    """A site-relative path with anything but [A-Za-z0-9._~/-] percent-encoded."""
    return Html(urllib.parse.quote(clean(path).encode("utf-8", "replace"), safe="/._~-"))


def rel(from_src: str, to_src: str) -> Html:
    """Relative Markdown link target from one docs file to another (both src paths)."""
    base = posixpath.dirname(from_src)
    return _path(posixpath.relpath(to_src, base or "."))


def link(from_src: str, to_src: str, label: object) -> Html:
    """A Markdown link with escaped label to another docs file (MkDocs checks and rewrites it)."""
    return Html("[{}]({})").format(label, rel(from_src, to_src))


def page_url(src_path: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a docs file (same rules as mkdocs.structure.files)."""
    stem = src_path[:-3] if src_path.endswith(".md") else src_path
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _folder(src_path: str, directory_urls: bool) -> str:
    """The folder a docs file's page is served from, which its relative URLs start in ("." for the site root)."""
    here = page_url(src_path, directory_urls)
    return (here if here.endswith("/") else posixpath.dirname(here)) or "."


def href(from_src: str, to_src: str, directory_urls: bool) -> Html:
    """A relative URL for raw HTML (which MkDocs does not rewrite) between two docs files."""
    target = page_url(to_src, directory_urls)
    result = posixpath.relpath(target or ".", _folder(from_src, directory_urls))
    if (target == "" or target.endswith("/")) and not result.endswith("/"):
        result += "/"
    return Html("./") if result in (".", "./", "./.") else _path(result)


# ---- JSON ------------------------------------------------------------------------------

def clean_data(value: Any) -> Any:
    """A JSON-like value with every string (keys too) passed through ``clean_lines``."""
    if isinstance(value, str):
        return clean_lines(value)
    if isinstance(value, dict):
        return {clean_lines(k) if isinstance(k, str) else k: clean_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_data(v) for v in value]
    return value


def json_text(value: Any, **dumps_args: Any) -> str:
    """JSON text for a file: strings cleaned (so it always encodes as UTF-8), non-ASCII kept."""
    return json.dumps(clean_data(value), ensure_ascii=False, **dumps_args)


def json_island(value: Any) -> Html:
    """JSON for the body of ``<script type="application/json">``: no ``</script>``, ``<!--`` or ``]]>`` can form."""
    text = json_text(value, sort_keys=True, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return Html(text)


# ---- front matter ----------------------------------------------------------------------

# The same pattern and loader MkDocs uses (mkdocs.utils.meta: YAML_RE, libyaml's safe loader when present).
_MKDOCS_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, when present: a fifth of the time
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)


def front_matter(meta: dict[str, object]) -> str:
    """YAML front matter for a generated page: ``cleaned_meta(meta)`` dumped once with a safe dumper.

    MkDocs reads it back as exactly that data, whatever the text (tests/test_hostile.py proves it for every
    generated page and the hostile corpus); ``read_front_matter`` gives what a page's says.
    """
    dumped = yaml.dump(cleaned_meta(meta), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False,
                       width=2**31 - 1)
    return f"---\n{dumped}---\n\n"


def cleaned_meta(meta: dict[str, object]) -> dict[str, object]:
    """Front matter values as ``front_matter`` writes them.

    Booleans and numbers are kept, lists and mappings (``tags: [...]``,
    ``search: {boost: 0.1}``) are cleaned item by item, anything else becomes
    ``clean`` text: one line, no control characters.
    """
    return {clean(k): _clean_value(v) for k, v in meta.items()}


def _clean_value(value: object) -> object:
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_clean_value(v) for v in value]
    if isinstance(value, dict):
        return cleaned_meta(value)
    return clean(value)


def without_front_matter(page: str) -> str:
    """A Markdown page's text after its front matter (the whole text if it has none)."""
    found = _FRONT_MATTER.match(page)
    return page[found.end():] if found else page


def read_front_matter(page: str) -> dict | None:
    """The front matter of a Markdown page as MkDocs reads it, or None if it has none."""
    found = _FRONT_MATTER.match(page)
    if not found:
        return None
    try:
        meta = yaml.load(found.group(1), Loader=_MKDOCS_LOADER)
    except yaml.YAMLError:
        return None
    return meta if isinstance(meta, dict) else None
