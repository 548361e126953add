"""What machines read: schema.org JSON-LD per record page, and an Atom feed of reviews.

Pure functions from the dataset; ``macros.pages.generate`` puts each record
page's JSON-LD in its front matter (``bsg_jsonld``), which ``overrides/main.html``
prints in ``<head>`` (block ``extrahead``), and the hook and ``python -m
macros.pages`` write ``feed.xml``. Both are built from data structures: JSON with
``json.dumps`` (through ``text.json_island``, safe inside a script element),
XML with ``xml.etree``; never by joining strings.

The schema.org vocabulary is the one the NHS website's content API uses:
``MedicalWebPage`` with ``lastReviewed``, ``about`` a ``MedicalCondition``,
``MedicalSignOrSymptom``, ``MedicalRiskFactor``, ``MedicalTherapy`` or
``Drug``, or an ``AnatomicalStructure``.
"""

from __future__ import annotations

import datetime
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

from ..data import vocab
from ..data.model import KINDS, Dataset, Record
from . import render
from .text import clean, page_url

# schema.org type of what each kind's page is about (the registry, macros/data/kinds.py); sources have none.
ABOUT_TYPES = {name: k.about for name, k in KINDS.items() if k.about}
ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"


class Urls:
    """Absolute page URLs when the site's address is known (SITE_URL), else none."""

    def __init__(self, site_url: str | None, directory_urls: bool = True):
        self.base = (site_url or "").rstrip("/") + "/" if site_url else ""
        self.directory_urls = directory_urls

    def page(self, src: str) -> str | None:
        return self.base + urllib.parse.quote(page_url(src, self.directory_urls), safe="/._~-") if self.base else None

    def relative(self, src: str) -> str:
        return urllib.parse.quote(page_url(src, self.directory_urls), safe="/._~-") or "./"


def _ref(urls: Urls, schema_type: str, rec: Record) -> dict[str, Any]:
    """A short reference to another record: its type, name and (when known) URL."""
    out: dict[str, Any] = {"@type": schema_type, "name": rec.title}
    url = urls.page(render.src(rec.kind, rec.id))
    if url:
        out["url"] = url
    return out


def _treatment_type(rec: Record) -> str:
    return "Drug" if rec.get("category") == "medicine" else "MedicalTherapy"


def about(ds: Dataset, rec: Record, urls: Urls) -> dict[str, Any]:
    """The record as a schema.org medical entity, with its links to other records."""
    kind = rec.kind
    grades = vocab.grades()
    schema_type = _treatment_type(rec) if kind == "treatments" else ABOUT_TYPES[kind]
    out: dict[str, Any] = {"@type": schema_type, "name": rec.title}
    names = [n for n in [rec.get("medical_name"), *(rec.get("also_called") or [])] if n]
    if names:
        out["alternateName"] = names
    if rec.get("summary"):
        out["description"] = rec["summary"]
    if kind == "causes":
        out["code"] = [{"@type": "MedicalCode", "code": code, "codingSystem": "ICD-10"} for code in rec.get("icd10") or []]
        out["signOrSymptom"] = [_ref(urls, "MedicalSignOrSymptom", ds.get("symptoms", e["id"])) for e in rec["symptoms"]]
        # Only what guidelines recommend or say to consider for this cause: a search engine shows possibleTreatment
        # as "treatments", and bed rest or traction (graded against) must not appear there.
        out["possibleTreatment"] = [_ref(urls, _treatment_type(tr), tr) for tr, entry in ds.cause_treatments(rec.id)
                                    if grades.rank(entry["grade"]) <= grades.rank("consider")]
        out["riskFactor"] = [_ref(urls, "MedicalRiskFactor", rf) for rf in ds.cause_risk_factors(rec.id)]
        out["associatedAnatomy"] = [_ref(urls, "AnatomicalStructure", a) for a in ds.cause_anatomy(rec.id)]
    elif kind == "symptoms":
        out["cause"] = [_ref(urls, "MedicalCause", c) for c, _ in ds.symptom_causes(rec.id)]
        out["associatedAnatomy"] = {"@type": "AnatomicalSystem", "name": vocab.get("bodyRegion").title(rec["region"])}
    elif kind == "risk-factors":
        out["increasesRiskOf"] = [_ref(urls, "MedicalCondition", ds.get("causes", c)) for c in rec["raises"]]
    elif kind == "treatments":
        causes = sorted({c for ev in rec["evidence"] for c in ev["causes"]})
        out["indication"] = [{"@type": "MedicalIndication", "name": ds.get("causes", c).title} for c in causes]
    elif kind == "anatomy":
        out["relatedCondition"] = [_ref(urls, "MedicalCondition", ds.get("causes", c)) for c in rec["causes"]]
    return {k: v for k, v in out.items() if v not in ([], None, "")}


def jsonld(ds: Dataset, rec: Record, urls: Urls, site_name: str) -> dict[str, Any]:
    """The JSON-LD document for a record page (sources: a WebPage about the cited work)."""
    page: dict[str, Any] = {"@context": "https://schema.org", "@type": "MedicalWebPage", "name": rec.title,
                            "description": render.description(rec), "inLanguage": "en",
                            "lastReviewed": str(rec["last_reviewed"]),
                            "isPartOf": {"@type": "WebSite", "name": site_name}}
    url = urls.page(render.src(rec.kind, rec.id))
    if url:
        page["url"] = url
        page["isPartOf"]["url"] = urls.base
    if rec.kind == "sources":
        page["@type"] = "WebPage"
        work: dict[str, Any] = {"@type": "CreativeWork", "name": rec.title, "publisher": {"@type": "Organization", "name": rec["publisher"]}}
        if rec.get("url"):
            work["url"] = rec["url"]
        page["about"] = work
    else:
        page["about"] = about(ds, rec, urls)
        page["audience"] = {"@type": "MedicalAudience", "audienceType": "Patient"}
    return page


# ---- Atom feed ------------------------------------------------------------------------

def _timestamp(day: object) -> str:
    """An Atom date (RFC 3339) for a review date: midnight UTC that day."""
    value = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
    return f"{value.isoformat()}T00:00:00Z"


def feed(ds: Dataset, urls: Urls, site_name: str, site_description: str, repository: str, limit: int = 100) -> bytes:
    """An Atom feed of the record pages, most recently reviewed first (at most ``limit`` entries)."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean(v) for k, v in attrs.items()})
        if text is not None:
            el.text = clean(text)
        return el

    records = [r for kind in ABOUT_TYPES for r in ds.kind(kind).values()]
    records.sort(key=lambda r: (str(r["last_reviewed"]), r.kind, r.id), reverse=True)
    records = records[:limit]
    root = ET.Element(f"{{{ATOM}}}feed")
    tag_base = "tag:" + (urllib.parse.urlsplit(repository).hostname or "back-spasm-guide") + ",2026:" + urllib.parse.urlsplit(repository).path.strip("/")
    sub(root, "id", (urls.base + FEED_PATH) if urls.base else tag_base + "/feed")
    sub(root, "title", site_name + ": reviewed pages")
    sub(root, "subtitle", site_description)
    sub(root, "updated", max((_timestamp(r["last_reviewed"]) for r in records), default="1970-01-01T00:00:00Z"))
    sub(sub(root, "author"), "name", site_name)
    sub(root, "link", rel="self", type="application/atom+xml", href=(urls.base + FEED_PATH) if urls.base else FEED_PATH)
    sub(root, "link", rel="alternate", type="text/html", href=urls.base or "./")
    for rec in records:
        src = render.src(rec.kind, rec.id)
        entry = sub(root, "entry")
        sub(entry, "id", urls.page(src) or f"{tag_base}/{rec.kind}/{rec.id}")
        sub(entry, "title", rec.title)
        sub(entry, "link", rel="alternate", type="text/html", href=urls.page(src) or urls.relative(src))
        sub(entry, "updated", _timestamp(rec["last_reviewed"]))
        sub(entry, "category", term=rec.kind)
        sub(entry, "summary", _summary(rec))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _summary(rec: Record) -> str:
    return render.description(rec)
