"""The one registry of record kinds: what each kind of record is, read by everything else.

A kind is a folder of one-record-per-file YAML under ``data/`` (``data/<kind>/<id>.yaml``),
a JSON Schema (``data/schemas/<schema>.schema.json``), a section of the site
(``/<kind>/<id>/`` and an index page ``/<kind>/``) and a file of the open-data
API (``api/<kind>.json``). The loader, the validator, the page generator, the
JSON-LD, the API, the tests and the benchmark all read this table, so adding a
kind means one entry here, its schema, its template in ``data/_templates/`` and
the page function named in ``page`` (in ``macros/pages/render.py``).

Nothing here knows MkDocs or HTML: the page function is named, not imported,
and index columns are declared as (header, field, how to show it); the pages
layer turns those names into Markdown.

    python -m macros.data.kinds     # print the registry as a table
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a kind's index table: a header, the record field it shows, and how.

    ``show`` is one of: ``link`` (the record's title, linked to its page),
    ``text`` (the field as plain text), ``first-sentence`` (its first sentence),
    ``vocab:<name>`` (the vocabulary word's title), ``tier`` (a care-tier
    badge), ``tier-or-none`` (a badge, or "no warning sign alone"),
    ``grade`` (an evidence-grade badge), ``names:<kind>`` (linked titles of
    the ids it lists), ``date`` (the field, or "n.d." when there is none).
    """

    header: str
    field: str
    show: str


@dataclass(frozen=True)
class Kind:
    name: str  # folder under data/, URL section of the site and API file name
    schema: str  # data/schemas/<schema>.schema.json and data/_templates/<schema>.yaml
    singular: str  # in validator messages: "'x' is already a risk factor id"
    label: str  # on pages, the record's kind: "Risk factor"
    title: str  # the index page's title: "Risk factors"
    intro: str  # the index page's first paragraph (and its meta description)
    page: str  # the function in macros/pages/render.py that writes a record's page
    description: tuple[str, str]  # (field, "text" or "first-sentence"): the page's meta description
    columns: tuple[Column, ...]  # the index table
    about: str | None = None  # schema.org type of what a page is about (JSON-LD); None: no JSON-LD
    finding: bool = False  # the flowchart asks about these (symptoms and risk factors)
    citation: bool = False  # reference metadata (sources): found by name in search, never cloned by the benchmark


def _link(header: str) -> Column:
    return Column(header, "name", "link")


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("causes", "cause", "cause", "Cause", "Causes",
         "Conditions that can cause back pain or back spasm, from a strained muscle to a kidney stone. The most urgent come "
         "first: each says how fast to get help if you think you might have it. You can filter or sort the list.",
         page="cause_page", description=("summary", "text"), about="MedicalCondition",
         columns=(_link("Cause"), Column("In short", "summary", "text"), Column("Group", "group", "vocab:group"),
                  Column("How fast to get help", "urgency", "tier"))),
    Kind("symptoms", "symptom", "symptom", "Symptom", "Symptoms",
         "Things you may notice. Warning signs are marked with how fast to get help. Each symptom page lists the causes that can produce it.",
         page="symptom_page", description=("description", "first-sentence"), about="MedicalSignOrSymptom", finding=True,
         columns=(_link("Symptom"), Column("What it is like", "description", "first-sentence"),
                  Column("Part of the body", "region", "vocab:bodyRegion"), Column("On its own", "urgency", "tier-or-none"))),
    Kind("risk-factors", "risk-factor", "risk factor", "Risk factor", "Risk factors",
         "Things about you, or what happened, that make some causes more likely.",
         page="risk_factor_page", description=("description", "first-sentence"), about="MedicalRiskFactor", finding=True,
         columns=(_link("Risk factor"), Column("What it means", "description", "first-sentence"),
                  Column("Kind", "category", "vocab:riskCategory"), Column("On its own", "urgency", "tier-or-none"))),
    Kind("treatments", "treatment", "treatment", "Treatment", "Treatments",
         "Treatments used for back pain and its causes, with what guidelines and reviews say about each.",
         page="treatment_page", description=("summary", "text"), about="MedicalTherapy",
         columns=(_link("Treatment"), Column("In short", "summary", "text"), Column("Kind", "category", "vocab:treatmentCategory"),
                  Column("Evidence", "grade", "grade"))),
    Kind("anatomy", "anatomy", "part of the body", "Part of the body", "Parts of the body",
         "The parts of the body involved in back pain and spasm.",
         page="anatomy_page", description=("summary", "text"), about="AnatomicalStructure",
         columns=(_link("Part of the body"), Column("In short", "summary", "text"), Column("Causes", "causes", "names:causes"))),
    Kind("sources", "source", "source", "Source", "Sources",
         "Every source the guide cites, with its kind. Guidelines and systematic reviews are the strongest; blogs and commercial pages the weakest.",
         page="source_page", description=("used_for", "text"), citation=True,
         columns=(Column("Source", "title", "link"), Column("Publisher", "publisher", "text"), Column("Kind", "kind", "vocab:sourceKind"),
                  Column("Date", "date", "date"))),
)}

# Single-file data: file name -> schema name
SINGLE_FILES: dict[str, str] = {"glossary.yaml": "glossary", "triage.yaml": "triage", "changelog.yaml": "changelog"}
# Symptoms and risk factors together are the findings the flowchart asks about.
FINDING_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS.values() if k.finding)


def main() -> int:
    print("| kind | schema | page | JSON-LD type | index columns |")
    print("| --- | --- | --- | --- | --- |")
    for k in KINDS.values():
        print(f"| {k.name} | {k.schema} | {k.page} | {k.about or '-'} | {', '.join(c.header for c in k.columns)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
