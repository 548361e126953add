"""A Python-Markdown extension: the first mention of each glossary term on a page becomes a tooltip.

Listed in mkdocs.yml under ``markdown_extensions:`` as ``macros.pages.glossary_md``,
so any engine that runs Python-Markdown extensions (MkDocs, ProperDocs,
Zensical) gets the tooltips; it needs no MkDocs hook. It reads the glossary
itself, with the data layer's loader (``macros.data.glossary.tooltips``,
kept until the file changes). Option ``glossary_file``: the glossary's path,
``data/glossary.yaml`` under the folder the build runs in unless given (the
MkDocs hook gives the one beside mkdocs.yml).

What it writes is what Python-Markdown's ``abbr`` extension wrote,
``<abbr title="meaning">term</abbr>``: the browser shows the title on hover and
``guide.js`` shows it on a tap or keyboard focus. Unlike ``abbr`` it:

* runs on the finished element tree (after the inline patterns, priority 20,
  have put inline markup back) and looks only at text outside the stash
  placeholders (``\\x02...\\x03``) that still hold raw HTML and character
  references, so no term can split one and lose the markup it holds;
* skips text inside links, code, headings, existing ``abbr`` and similar;
* marks only the first mention of each glossary entry (a term or any of its
  forms) on a page, as a dictionary does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..data import glossary

# Elements whose text is never marked: links, code, headings and defined terms, existing tooltips, scripts, form controls.
SKIP = frozenset({"a", "abbr", "code", "pre", "kbd", "samp", "var", "script", "style", "textarea", "button", "select",
                  "option", "svg", "math", "title", "dfn", "dt", "h1", "h2", "h3", "h4", "h5", "h6"})
# A stash placeholder (raw HTML, a character reference, an escaped character), or a stray marker of one.
_PLACEHOLDER = re.compile("\x02[^\x02\x03]*\x03|[\x02\x03]")
_STASHED = re.compile("\x02wzxhzdk:([0-9]+)\x03")  # Python-Markdown's htmlStash placeholder (util.HTML_PLACEHOLDER)
_RAW_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>\Z")
DEFAULT_FILE = "data/glossary.yaml"


class GlossaryTooltips(Treeprocessor):
    def __init__(self, md, path: Path):
        super().__init__(md)
        self.path = path

    def run(self, root: etree.Element) -> None:
        tips = glossary.tooltips(self.path)
        if tips.pattern is None:
            return
        self.tips = tips
        self.entries = len({number for number, _ in tips.meanings.values()})
        self.seen: set[int] = set()
        self.raw_depth = 0
        self._walk(root)

    def _skipped(self, el: etree.Element) -> bool:
        return not isinstance(el.tag, str) or el.tag in SKIP or "admonition-title" in (el.get("class") or "").split()

    def _walk(self, el: etree.Element) -> None:
        children = list(el)
        head, marked = self._mark(el.text)
        if marked:
            el.text = head
            for i, abbr in enumerate(marked):
                el.insert(i, abbr)
        for child in children:
            if not self._skipped(child):
                self._walk(child)
            head, marked = self._mark(child.tail)
            if marked:
                child.tail = head
                at = list(el).index(child) + 1
                for i, abbr in enumerate(marked):
                    el.insert(at + i, abbr)

    def _mark(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        """(text before the first new tooltip, the new <abbr> elements each with the text after it as its tail)."""
        if not text or isinstance(text, AtomicString):
            return text, []
        found: list[tuple[int, int, str]] = []
        start = 0
        for stop, resume, placeholder in [(m.start(), m.end(), m.group()) for m in _PLACEHOLDER.finditer(text)] + [(len(text), len(text), "")]:
            if not self.raw_depth and len(self.seen) < self.entries:
                for m in self.tips.pattern.finditer(text, start, stop):
                    number, meaning = self.tips.meanings[m.group()]
                    if number not in self.seen:
                        self.seen.add(number)
                        found.append((m.start(), m.end(), meaning))
            self._follow_raw_tag(placeholder)
            start = resume
        if not found:
            return text, []
        marked = []
        for i, (begin, end, meaning) in enumerate(found):
            abbr = etree.Element("abbr", {"title": meaning})
            abbr.text = AtomicString(text[begin:end])
            abbr.tail = text[end:found[i + 1][0] if i + 1 < len(found) else len(text)]
            marked.append(abbr)
        return text[:found[0][0]], marked

    def _follow_raw_tag(self, placeholder: str) -> None:
        """Inline raw HTML is stashed tag by tag, its text left in the tree: inside a raw <a>, <code>, <abbr>...
        (opened and closed by placeholders, in document order) nothing is marked either."""
        number = _STASHED.fullmatch(placeholder)
        blocks = self.md.htmlStash.rawHtmlBlocks
        raw = blocks[int(number.group(1))] if number and int(number.group(1)) < len(blocks) else None
        tag = _RAW_TAG.match(raw) if isinstance(raw, str) else None
        if tag and tag.group(2).lower() in SKIP and not tag.group(3):
            self.raw_depth = max(0, self.raw_depth + (-1 if tag.group(1) else 1))


class GlossaryExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"glossary_file": [DEFAULT_FILE, "the glossary YAML file (relative paths: from the working folder)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        # After the inline patterns (20), so inline placeholders are restored; before cell labels (5) and toc (5).
        md.treeprocessors.register(GlossaryTooltips(md, Path(self.getConfig("glossary_file"))), "bsg_glossary", 7)


def makeExtension(**kwargs) -> GlossaryExtension:  # noqa: N802
    return GlossaryExtension(**kwargs)
