"""A Python-Markdown extension: table cells labelled with their column header.

Every ``<td>`` of a table with a header row gets ``data-label`` set to its
column's header text, so that CSS can show a table row as a stacked card on a
phone (guide.css ``.stack-table``) without JavaScript and without repeating
the labels in the page source. The header text is the rendered text of our
own header cells; ElementTree escapes it as an attribute value. Listed in
mkdocs.yml's markdown_extensions by import path, so every engine that reads
mkdocs.yml (MkDocs, ProperDocs, Zensical) runs it.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

from .text import clean


class CellLabels(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            head = table.find("thead")
            body = table.find("tbody")
            if head is None or body is None or head.find("tr") is None:
                continue
            labels = [clean("".join(th.itertext())) for th in head.find("tr")]
            # Inline HTML is still a placeholder at this stage: never copy one into an attribute.
            labels = ["" if "\x02" in label or "\x03" in label else label for label in labels]
            for row in body.iter("tr"):
                for label, cell in zip(labels, row, strict=False):
                    if label and cell.tag == "td":
                        cell.set("data-label", label)


class CellLabelsExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        # After the inline patterns (20), so header text is final.
        md.treeprocessors.register(CellLabels(md), "bsg_cell_labels", 5)


def makeExtension(**kwargs) -> CellLabelsExtension:  # noqa: N802
    return CellLabelsExtension(**kwargs)
