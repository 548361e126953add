"""Meaning checks: small rules over the whole knowledge base.

Each rule is a function ``rule_*(ds) -> Iterator[Problem]`` with a docstring
saying what it guards. Shape (types, required fields, vocabularies) is the
schemas' job (macros/data/schemas.py); rules check what a schema cannot: ids match
file names, references resolve, sources are used, text is safe to show.
Triage-tree rules live in macros/data/triage.py; macros/data/validate.py runs both lists.

Messages are written for contributors: what is wrong and how to fix it.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

from . import glossary as glossaries
from . import limits, schemas, vocab, yamlload
from . import review as reviews
from .model import FINDING_KINDS, KINDS, Dataset, Record
from .problems import Problem, problem


def _strings(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))


def _fields(ds: Dataset, rec: Record) -> schemas.Fields:
    """The record's references and string fields, from one walk of its schema shared by the rules below."""
    return ds.memo(("schemas.fields", rec.path), lambda: schemas.fields(rec.schema_name, rec.data, ds.schema_dir))


SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def rule_file_names(ds: Dataset) -> Iterator[Problem]:
    """Record files are data/<kind>/<id>.yaml, and id equals the file name. A misnamed file gets one message,
    the name to give it; two files whose names differ only by case, spacing or ending are refused (one would
    be silently ignored)."""
    for path, kept in ds.clashes:
        yield Problem(path.as_posix(), 1, "(file)", f"has the same name as {kept.name} but for upper/lower case, spaces "
                                                    f"or the ending, so only one of them can be read; keep one file (delete or merge {path.name})")
    for kind in KINDS:
        for rec in ds.kind(kind).values():
            if rec.path.suffix != ".yaml" or not SLUG.match(rec.path.stem):
                what = ("record files must end in .yaml" if SLUG.match(rec.path.stem)
                        else "the file name must be lowercase words joined by hyphens")
                yield problem(rec, (), f"{what}; rename it to {rec.id}.yaml")
                continue
            rid = rec.data.get("id")
            if isinstance(rid, str) and rid != rec.path.stem and not template_example(rid):
                yield problem(rec, ("id",), f"'{rid}' must match the file name '{rec.path.stem}'; change the id or rename the file")


def rule_findings_unique(ds: Dataset) -> Iterator[Problem]:
    """Symptom and risk-factor ids share one namespace: the flowchart's findings."""
    first, second = FINDING_KINDS
    for fid in sorted(set(ds.kind(first)) & set(ds.kind(second))):
        rec = ds.kind(second)[fid]
        yield problem(rec, ("id",), f"'{fid}' is already a {KINDS[first].singular} id; finding ids must be unique, so choose another id")


def _target_ids(ds: Dataset, target: str) -> tuple[set[str], str]:
    if target == "findings":
        return set(ds.findings()), "finding (symptom or risk factor)"
    if target == "outcomes":
        outcomes = ds.triage.get("outcomes")
        return set(outcomes) if isinstance(outcomes, dict) else set(), "flowchart outcome"
    return set(ds.kind(target)), KINDS[target].singular


def rule_references(ds: Dataset) -> Iterator[Problem]:
    """Every id that points at another record (schema x-ref) resolves."""
    targets: dict[str, tuple[set[str], str]] = {}
    for rec in ds.all_records():
        for path, ref, target in _fields(ds, rec).references:
            if target not in targets:
                targets[target] = _target_ids(ds, target)
            ids, label = targets[target]
            if ref not in ids:
                where = f"data/{target}/" if target in KINDS else ("data/symptoms/ or data/risk-factors/" if target == "findings" else "outcomes: in data/triage.yaml")
                hint = schemas.did_you_mean(ref, ids) or f"add it to {where} or fix the id"
                yield problem(rec, path, f"unknown {label} '{ref}'; {hint}".rstrip())


def rule_sources_cited(ds: Dataset) -> Iterator[Problem]:
    """Every source is cited by at least one record."""
    for rec in ds.kind("sources").values():
        if not ds.cited_by(rec.id):
            yield problem(rec, ("id",), "no record cites this source; cite it under sources: somewhere, or delete the file")


_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_SCHEME = re.compile(r"\b(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{|\{%|\{#|%\}|\}\}")
# Markdown that would turn free text into a link, an image or attributes. Ordinary prose with
# brackets, "(see below)" or "[sic]", matches none of these.
_AUTOLINK = re.compile(r"<\s*(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:|[^\s<>@]+@)[^<>]*>")
_MD_LINK = re.compile(r"!\[|\]\(|\]\s?\[")
_MD_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:", re.MULTILINE)
_MD_ATTRS = re.compile(r"\{[ ]*[:#.]|\{[^{}\n]*=[^{}\n]*\}")
_WEB_ADDRESS = re.compile(r"\b(?:https?|ftp)://", re.IGNORECASE)
_CITE = "the guide does not link from text: cite the source under sources: instead"


def markup_problem(text: str, free_text: bool = True) -> str | None:
    """What markup text holds (HTML, script links, and in free text Markdown links and attributes), or None."""
    if free_text and _AUTOLINK.search(text):
        return f"contains a link written in < > (a Markdown autolink); {_CITE}"
    if _TAG.search(text):
        return "contains an HTML tag; write plain text (it is shown as written, never as HTML)"
    if _HANDLER.search(text):
        return "contains an HTML event handler (on...=); write plain text"
    if _SCHEME.search(text):
        return "contains a javascript:, vbscript: or data: link; write plain text"
    if not free_text:
        return None
    if _MD_REF_DEF.search(text):
        return f"contains a Markdown link definition ([name]: at the start of a line); {_CITE}"
    if _MD_LINK.search(text):
        return f"contains Markdown link or image syntax ([text](address), [text][name] or ![...]); {_CITE}"
    if _MD_ATTRS.search(text):
        return "contains Markdown attribute syntax ({: ...}, {#id} or {.class}); write plain text without { } around it"
    if _WEB_ADDRESS.search(text):
        return f"contains a web address; {_CITE}"
    return None


def rule_plain_text(ds: Dataset) -> Iterator[Problem]:
    """Text is shown as plain text: no HTML, script links or template syntax; and in free text (every
    string field the schemas leave unpatterned) no Markdown links, images, autolinks, link definitions,
    attribute lists or web addresses. A contributor who wants a link cites a source."""
    for rec in ds.all_records():
        free = {path for path, _value, kind in _fields(ds, rec).strings if kind in ("text", "line")}
        for path, text in _strings(rec.data):
            found = markup_problem(text, free_text=path in free)
            if found:
                yield problem(rec, path, found)
            if _TEMPLATE.search(text):
                yield problem(rec, path, "contains template syntax ({{, {% or {#); write plain text without curly-brace pairs")


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


def url_problem(url: object) -> str | None:
    """None if url is a plain, well-formed https:// address; else what is wrong, in plain words.

    The allowed characters are the url pattern in vocabularies.schema.json (defined once there,
    checked as you type in an editor); this adds what a pattern cannot say."""
    if not isinstance(url, str) or not url:
        return "is not a web address; write it as https://..."
    if not re.match(schemas.schema("vocabularies")["$defs"]["url"]["pattern"], url):
        return _url_chars_problem(url)
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return "has a % that is not followed by two hex digits; write a % sign as %25"
    if _unbalanced(url):
        return "has unbalanced ( ); write them as %28 and %29"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return "is not a well-formed web address; copy it again from the browser's address bar"
    host = parts.hostname or ""
    if not parts.netloc or "." not in host:
        return "needs a host name with a dot after https:// (e.g. https://www.nhs.uk/)"
    if parts.username or parts.password or port is not None or "@" in parts.netloc:
        return "must not carry a user name, password or port; use the plain address"
    if not all(_HOST_LABEL.match(label) for label in host.split(".")) or host.split(".")[-1].isdigit():
        return f"{limits.shown(host)} is not a valid host name"
    return None


def _unbalanced(url: str) -> bool:
    depth = 0
    for char in url:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return True
    return depth != 0


def _url_chars_problem(url: str) -> str:
    if not url.startswith("https://"):
        return "must start with https:// (a secure web address)"
    bad = sorted({c for c in url[8:] if not re.match(r"[A-Za-z0-9._~:/?#@!$&()*+,;=%-]", c)})
    shown = " ".join("a space" if c == " " else limits.printable(c) for c in bad[:5])
    return (f"contains {shown}: not allowed in a plain web address (no spaces, quotes, brackets, pipes, "
            "backticks or < >); %-encode it or copy the address again")


def rule_urls(ds: Dataset) -> Iterator[Problem]:
    """Web addresses (fields the schemas mark format: uri) are plain https:// addresses. The schema's pattern
    already refused other characters (and said so); this checks the host, port, % escapes and brackets."""
    pattern = re.compile(schemas.schema("vocabularies", ds.schema_dir)["$defs"]["url"]["pattern"])
    for rec in ds.all_records():
        for path, value, kind in _fields(ds, rec).strings:
            if kind == "url" and pattern.match(value):
                found = url_problem(value)
                if found:
                    yield problem(rec, path, found)


def rule_ambiguous_values(ds: Dataset) -> Iterator[Problem]:
    """Unquoted yes/no/on/off or dates where text is expected."""
    dates = schemas.date_fields(ds.schema_dir)
    for rec in ds.all_records():
        for path, raw in rec.loaded.ambiguous.items():
            key = next((p for p in reversed(path) if isinstance(p, str)), "")
            if re.match(r"^[0-9]{4}-", raw):
                if key not in dates:
                    yield problem(rec, path, f"'{raw}' is read as a date by many YAML tools; put it in quotes if you mean text")
            else:
                yield problem(rec, path, f"'{raw}' is read as true/false by many YAML tools; put it in quotes (\"{raw}\") or write it out")


def _is_date_text(value: object) -> bool:
    """True for a string written YYYY-MM-DD (the date pattern in vocabularies.schema.json, defined once there)."""
    return isinstance(value, str) and re.match(schemas.schema("vocabularies")["$defs"]["date"]["pattern"], value) is not None


def rule_real_dates(ds: Dataset) -> Iterator[Problem]:
    """last_reviewed is a real calendar date, not in the future."""
    today = datetime.date.today()
    for rec in ds.all_records():
        value = rec.data.get("last_reviewed")
        if not _is_date_text(value):
            continue
        day = reviews.parse_date(value)
        if day is None:
            yield problem(rec, ("last_reviewed",), f"'{value}' is not a real date; check the month and day")
            continue
        if day > today:
            yield problem(rec, ("last_reviewed",), f"'{value}' is in the future; use the date you checked the record")


def rule_no_repeats(ds: Dataset) -> Iterator[Problem]:
    """A cause lists each symptom once; a treatment gives one verdict per cause; glossary terms are unique."""
    for rec in ds.kind("causes").values():
        seen: dict[str, int] = {}
        for i, entry in enumerate(rec.get("symptoms") or []):
            sid = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(sid, str):
                if sid in seen:
                    yield problem(rec, ("symptoms", i, "id"), f"'{sid}' is already listed at symptoms[{seen[sid]}]; keep one")
                seen.setdefault(sid, i)
    for rec in ds.kind("treatments").values():
        seen = {}
        for i, entry in enumerate(rec.get("evidence") or []):
            for j, cid in enumerate(entry.get("causes") or [] if isinstance(entry, dict) else []):
                if isinstance(cid, str) and cid in seen and seen[cid] != i:
                    yield problem(rec, ("evidence", i, "causes", j),
                                  f"'{cid}' already has a verdict at evidence[{seen[cid]}]; give each cause one verdict")
                if isinstance(cid, str):
                    seen.setdefault(cid, i)
    glossary = ds.singles.get("glossary")
    if glossary:
        seen = {}
        for i, entry in enumerate(glossary.get("terms") or []):
            if not isinstance(entry, dict):
                continue
            for form in [entry.get("term")] + list(entry.get("forms") or []):
                if isinstance(form, str):
                    low = form.lower()
                    if low in seen and seen[low] != i:
                        yield problem(glossary, ("terms", i), f"'{form}' is already defined at terms[{seen[low]}]; keep one")
                    seen.setdefault(low, i)


def rule_glossary_terms(ds: Dataset) -> Iterator[Problem]:
    """A glossary term or form becomes a tooltip on its first mention on every page: never a common English
    word (limits.COMMON_WORDS) nor a word Python-Markdown uses inside pages while it builds them."""
    rec = ds.singles.get("glossary")
    if rec is None:
        return
    for i, entry in enumerate(rec.get("terms") or []):
        if not isinstance(entry, dict):
            continue
        forms = [(("terms", i, "term"), entry.get("term"))]
        if isinstance(entry.get("forms"), list):
            forms += [(("terms", i, "forms", j), form) for j, form in enumerate(entry["forms"])]
        for path, form in forms:
            found = glossaries.form_problem(form, chars=False) if isinstance(form, str) else None
            if found:
                yield problem(rec, path, found)


def rule_invisible_characters(ds: Dataset) -> Iterator[Problem]:
    """No invisible character (soft hyphen, zero-width space or joiner, word joiner, byte order mark, Hangul
    filler: limits.INVISIBLE_IN_LINE) in any text value: names that look the same must be the same."""
    for rec in ds.all_records():
        for path, text in _strings(rec.data):
            found = limits.invisible_problem(text)
            if found:
                yield problem(rec, path, found)


def rule_single_line(ds: Dataset) -> Iterator[Problem]:
    """Names, titles, reviewers (schema x-single-line: true), ids, dates, vocabulary words and web addresses are one
    line: a line break in a name could print a heading or a fake note wherever the name is shown."""
    for rec in ds.all_records():
        for path, value, kind in _fields(ds, rec).strings:
            if kind != "text" and ("\n" in value or "\r" in value):
                yield problem(rec, path, "must be on one line, but it has a line break; write it on the same line as "
                                         "its field name, without | or > and without \\n")


# The example values of data/_templates/ (ids, dates, the reviewer), obviously fake so that a record which keeps
# one is refused: value -> what it stands for. Any text saying "change me" is refused with them.
TEMPLATE_EXAMPLES = {
    "example-id-change-me": "id", "2000-01-01": "date", "2000-07-01": "date", "2000-01": "date",
    "Dr Example Name (change me)": "reviewer",
}
_TEMPLATE_FIX = {
    "id": "write this record's own id, the same as its file name (lowercase words joined by hyphens)",
    "date": "write the real date (YYYY-MM-DD), or delete the field if it is optional",
    "reviewer": "name the clinician who reviewed it, as they want it shown, or set kind: checked-against-sources "
                "and delete reviewer:",
    "text": "write your own words",
}
_CHANGE_ME = re.compile(r"\bchange[ -]me\b", re.IGNORECASE)


def template_example(value: object) -> str | None:
    """What kind of template example value this is (id, date, reviewer, text), or None."""
    if not isinstance(value, str):
        return None
    return TEMPLATE_EXAMPLES.get(value) or ("text" if _CHANGE_ME.search(value) else None)


def rule_template_examples(ds: Dataset) -> Iterator[Problem]:
    """No record keeps an example value of data/_templates/ (its id, its dates, its reviewer): a copied template
    must not publish "Dr Example Name" or a review date that was never a review."""
    for rec in ds.all_records():
        for path, text in _strings(rec.data):
            found = template_example(text)
            if found:
                yield problem(rec, path, f"'{text}' is the template's example {found}; "
                                         f"{_TEMPLATE_FIX[found]}")


# Words in an urgency_note that say the opposite of its tier: a call for an ambulance on a finding below
# emergency, or reassurance on an emergency one (an edit that changed the tier and left the note behind).
_CALLS_999 = re.compile(r"\b(?:call|phone|ring|dial)\s+(?:999|911|112|000|an ambulance|for an ambulance)\b", re.IGNORECASE)
_REASSURES = re.compile(r"\b(?:no need|rarely serious|not serious|not urgent|not an emergency|can wait|harmless|"
                        r"nothing to worry|no cause for concern)\b", re.IGNORECASE)


def rule_urgency_note_agrees(ds: Dataset) -> Iterator[Problem]:
    """A finding's urgency_note does not contradict its urgency (checked by words, so keep to the plain phrases)."""
    for kind in ("symptoms", "risk-factors"):
        for rec in ds.kind(kind).values():
            tier, note = rec.get("urgency"), rec.get("urgency_note")
            if not isinstance(tier, str) or not isinstance(note, str):
                continue
            if tier != "emergency" and (found := _CALLS_999.search(note)):
                yield problem(rec, ("urgency_note",), f"says '{found.group()}' but urgency is '{tier}'; make the note say "
                                                      f"how fast to get help for '{tier}', or raise the urgency to emergency")
            elif tier == "emergency" and (found := _REASSURES.search(note)):
                yield problem(rec, ("urgency_note",), f"says '{found.group()}' but urgency is 'emergency'; rewrite the note "
                                                      "to say why this needs emergency help now, or change the urgency")


# An age as the guide writes it: "over 60", "under 20", "aged 65", "the age of 45", "before 20", "after 50",
# "older than 60", "the year they turn 65", "65 or over", "65 and older". A number followed by a unit (5 mm, 50 kg,
# 3 months, 20 weeks, 10 days...) is a size or a time, not an age, and "1 in 10" is not an age either.
_UNIT = r"(?!\s*(?:%|per\s*cent|mm|cm|m|kg|g|mg|ml|l|litres?|liters?|days?|weeks?|months?|hours?|minutes?|times|years?(?!\s+old)))\b"
_AGE = re.compile(r"\b(?:(?:over|under|after|before|aged|age(?:\s+of)?|older\s+than|younger\s+than|turns?)\s+(\d{1,3})" + _UNIT
                  + r"|(\d{1,3})" + _UNIT + r"\s+(?:or|and)\s+(?:over|older|above|under|younger))", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n\s*\n")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _threshold_line(rec: Record, path: tuple, value: str, phrase: str, number: str) -> int:
    """The line of the phrase inside the value at path (a block of text spans lines), else the value's line."""
    start, text = rec.loaded.line_of(path), rec.loaded.source_lines
    span = range(start - 1, min(len(text), start + 1 + value.count("\n")))
    for pattern in (re.escape(phrase), rf"\b{number}\b"):
        for i in span:
            if re.search(pattern, text[i], re.IGNORECASE):
                return i + 1
    return start


def _says(term) -> str:
    title = term.title[:1].lower() + term.title[1:]
    return f"the {title} is {term.get('value')} (thresholds vocabulary: {term.id})"


def _threshold_terms(ds: Dataset) -> list[tuple[Any, str, list[set[str]], set[str]]]:
    """(term, its value as written, its x-words as sets, its x-unless words) for each threshold of the data folder's
    vocabulary; none when that vocabulary cannot be read (the schema checks say why)."""
    try:
        terms = vocab.thresholds(ds.schema_dir).terms
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return []

    def words(value: Any) -> list[str]:
        return [w for w in value if isinstance(w, str)] if isinstance(value, list) else []

    return [(t, str(t.get("value")), [set(words(g)) for g in t.get("words") or [] if isinstance(g, list)],
             set(words(t.get("unless"))))
            for t in terms if isinstance(t.get("value"), int)]


def rule_thresholds(ds: Dataset) -> Iterator[Problem]:
    """One age per purpose, held by the thresholds vocabulary (vocabularies.schema.json, $defs/threshold): the
    aneurysm screening age, the age to think of an aneurysm with a first stone-like pain, and the other ages the
    guide decides by. Two checks, on every free-text value, sentence by sentence:

    * in a record that names a threshold (a risk factor's threshold:), every stated age is that threshold's value;
    * a sentence about a threshold's purpose (it, or its record's id, has one word of each of the threshold's
      x-words lists and none of its x-unless words) states only the ages of the thresholds it is about, the
      most specific first in the message.

    An age is a number after over, under, before, after, aged, the age of, older or younger than, turn, or before
    "or over" / "and older"; a number followed by a unit (mm, kg, days, weeks, months...) is not an age."""
    terms = _threshold_terms(ds)
    by_id = {entry[0].id: entry for entry in terms}
    worded = sorted((e for e in terms if e[2]), key=lambda e: -len(e[2]))
    for rec in ds.all_records():
        named = rec.data.get("threshold")
        own = by_id.get(named) if isinstance(named, str) else None
        id_words = _words(rec.id)
        for path, text, kind in _fields(ds, rec).strings:
            if kind not in ("text", "line"):
                continue
            for sentence in _SENTENCE_END.split(text):
                ages = [(m.group(0), m.group(1) or m.group(2)) for m in _AGE.finditer(sentence)]
                if not ages:
                    continue
                words = _words(sentence) | id_words
                about = [own] if own else [e for e in worded if all(words & g for g in e[2]) and not words & e[3]]
                allowed = list(dict.fromkeys(value for _t, value, _w, _u in about))
                for phrase, number in ages:
                    if about and str(int(number)) not in allowed:
                        said = " ".join(phrase.split())
                        yield Problem(rec.path.as_posix(), _threshold_line(rec, path, text, phrase, number), yamlload.dotted(path),
                                      f"says '{said}', but " + " and ".join(_says(e[0]) for e in about)
                                      + f"; write {' or '.join(allowed)} or change the vocabulary")


def rule_icd10_checked(ds: Dataset) -> Iterator[Problem]:
    """No ICD-10 code is left unmarked: each code under a cause's icd10 is in exactly one of icd10_checked's
    confirmed and unconfirmed lists, those lists name only the cause's own codes, and confirmed codes name the
    WHO ICD-10 browser pages they were found in (against)."""
    for rec in ds.kind("causes").values():
        codes, checked = rec.get("icd10"), rec.get("icd10_checked")
        if not isinstance(codes, list) or not isinstance(checked, dict):
            continue  # the schema says what is missing
        lists = {side: [c for c in checked.get(side) or [] if isinstance(c, str)] if isinstance(checked.get(side), list) else []
                 for side in ("confirmed", "unconfirmed")}
        for i, code in enumerate(codes):
            if not isinstance(code, str):
                continue
            sides = [side for side in lists if code in lists[side]]
            if not sides:
                yield problem(rec, ("icd10", i), f"'{code}' is in neither icd10_checked.confirmed nor icd10_checked.unconfirmed; "
                                                 "list it under confirmed if a WHO ICD-10 browser page (named under against) "
                                                 "shows it, else under unconfirmed")
            elif len(sides) == 2:
                yield problem(rec, ("icd10_checked", "unconfirmed", lists["unconfirmed"].index(code)),
                              f"'{code}' is under confirmed too; keep it in one list")
        for side, listed in lists.items():
            for j, code in enumerate(listed):
                if code not in codes:
                    shown = ", ".join(str(c) for c in codes)
                    yield problem(rec, ("icd10_checked", side, j), f"'{code}' is not one of this cause's icd10 codes ({shown}); "
                                                                  "list only those, or add it to icd10")
        if lists["confirmed"] and not checked.get("against"):
            yield problem(rec, ("icd10_checked", "confirmed"), "confirmed codes need the WHO ICD-10 browser pages they were "
                                                              "found in; add their web addresses under against:")


_POSITION = re.compile(r"\b(?:above|below)\b", re.IGNORECASE)


def rule_care_cards_point_nowhere(ds: Dataset) -> Iterator[Problem]:
    """A cause's "when to get help" situation does not point 'above' or 'below' at another card: the cards are shown
    least urgent first on a self-care or soon cause's page and most urgent first otherwise (macros/pages/render.py
    cause_page), so such a word points at the wrong card when the order or the cause's urgency changes (the
    self-care card of four causes said "none of the warning signs above" with every warning sign below it).
    A cause whose situations are all one tier (one card) may: its lines keep their order."""
    for rec in ds.kind("causes").values():
        situations = rec.get("when_to_get_help")
        if not isinstance(situations, list):
            continue
        if len({s.get("tier") for s in situations if isinstance(s, dict)}) < 2:
            continue
        for i, entry in enumerate(situations):
            text = entry.get("situation") if isinstance(entry, dict) else None
            if isinstance(text, str) and (found := _POSITION.search(text)):
                yield problem(rec, ("when_to_get_help", i, "situation"),
                              f"says '{found.group()}', but the care cards are shown least urgent first on a self-care or "
                              f"soon cause's page and most urgent first on the others, so it can point at the wrong card; "
                              f"write 'on this page' or name the signs")


def rule_causes_treated(ds: Dataset) -> Iterator[Problem]:
    """Every cause has at least one treatment verdict, so its page can say what helps."""
    for rec in ds.kind("causes").values():
        if not ds.cause_treatments(rec.id):
            yield problem(rec, ("id",), "no treatment lists this cause; add it under evidence: causes: in a data/treatments/ record")


def rule_headline_grade(ds: Dataset) -> Iterator[Problem]:
    """A treatment's headline grade is one of its per-cause evidence grades, so the page cannot say
    "not recommended" at the top and "consider" in the table below (or the reverse)."""
    for rec in ds.kind("treatments").values():
        grade = rec.get("grade")
        found = [e.get("grade") for e in rec.get("evidence") or [] if isinstance(e, dict)]
        if isinstance(grade, str) and found and grade not in found:
            shown = ", ".join(dict.fromkeys(str(g) for g in found))
            yield problem(rec, ("grade",), f"'{grade}' is not the grade of any entry under evidence: ({shown}); "
                                           "make the headline agree with the evidence it summarises")


def rule_review(ds: Dataset) -> Iterator[Problem]:
    """A clinician review names the reviewer; next_due is a real date after last_reviewed; and no record
    stays more than the grace period (vocabularies.schema.json, $defs/review) past its review due date.
    Records past due but within the grace period are only warned about (python -m macros.data.review)."""
    today = datetime.date.today()
    grace = reviews.grace_days()
    for rec in ds.all_records():
        block = rec.get("review")
        if isinstance(block, dict):
            if block.get("kind") == "clinician-reviewed" and not block.get("reviewer"):
                yield problem(rec, ("review", "kind"), "a clinician review needs the clinician's name and role; "
                                                       "add 'reviewer:' under review: with their name and role as they "
                                                       "want it shown")
            nxt = block.get("next_due")
            if _is_date_text(nxt):
                due = reviews.parse_date(nxt)
                last = reviews.parse_date(rec.get("last_reviewed"))
                if due is None:
                    yield problem(rec, ("review", "next_due"), f"'{nxt}' is not a real date; check the month and day")
                elif last and due <= last:
                    yield problem(rec, ("review", "next_due"), f"'{nxt}' must be after last_reviewed ({last.isoformat()})")
        kept = template_example(rec.get("last_reviewed"))  # said once, by rule_template_examples
        due = reviews.due_date(rec) if isinstance(rec.get("last_reviewed"), str) and not kept else None
        if due and (today - due).days > grace:
            yield problem(rec, ("last_reviewed",),
                          f"the review was due {due.isoformat()}, more than {grace} days ago; check the record against "
                          "its sources and set last_reviewed to that day (see CONTRIBUTING: Reviews)")


def all_rules():
    """Every meaning rule over records (the triage rules are in macros/data/triage.py)."""
    return [
        rule_file_names,
        rule_findings_unique,
        rule_references,
        rule_sources_cited,
        rule_plain_text,
        rule_urls,
        rule_ambiguous_values,
        rule_real_dates,
        rule_no_repeats,
        rule_glossary_terms,
        rule_invisible_characters,
        rule_single_line,
        rule_template_examples,
        rule_urgency_note_agrees,
        rule_thresholds,
        rule_icd10_checked,
        rule_care_cards_point_nowhere,
        rule_causes_treated,
        rule_headline_grade,
        rule_review,
        rule_changelog,
    ]


def rule_changelog(ds: Dataset) -> Iterator[Problem]:
    """data/changelog.yaml: releases newest first, each version once and on its date; each change names a real
    record (unless removed) and, for a tier or grade, words of that vocabulary."""
    rec = ds.singles.get("changelog")
    if rec is None or rec.loaded.problems or not isinstance(rec.data, dict):
        return
    releases = rec.data.get("releases")
    if not isinstance(releases, list):
        return
    words = {"tier": vocab.tiers(), "grade": vocab.grades(), "outcome": vocab.tiers()}
    outcomes = ds.triage.get("outcomes") if isinstance(ds.triage.get("outcomes"), dict) else {}
    seen: set[str] = set()
    previous = None
    for i, release in enumerate(releases):
        if not isinstance(release, dict):
            continue
        version, date = str(release.get("version", "")), str(release.get("date", ""))
        if version in seen:
            yield problem(rec, ("releases", i, "version"), f"'{version}' is the version of another release too; give each its own")
        seen.add(version)
        if version[:10] != date.replace("-", "."):
            yield problem(rec, ("releases", i, "version"), f"'{version}' does not match the release date {date}; "
                                                          f"write it as {date.replace('-', '.')}")
        if previous is not None and date > previous:
            yield problem(rec, ("releases", i, "date"), f"{date} is later than the release above it ({previous}); list releases newest first")
        previous = date
        for j, change in enumerate(release.get("changes") or []):
            if not isinstance(change, dict) or not isinstance(change.get("record"), str):
                continue
            folder, _, rid = change["record"].partition("/")
            kind = change.get("kind")
            if kind != "removed":
                if folder == "triage":
                    known = rid == "screens" or rid in outcomes
                    hint = "an outcome id of data/triage.yaml, or screens"
                else:
                    known = rid in ds.kind(folder) if folder in KINDS else False
                    hint = f"a record in data/{folder}/"
                if not known:
                    yield problem(rec, ("releases", i, "changes", j, "record"), f"'{change['record']}' is not {hint}; "
                                                                              "fix the id (or use kind: removed)")
            if kind in words:
                for side in ("before", "after"):
                    value = change.get(side)
                    if value is not None and value not in words[kind]:
                        yield problem(rec, ("releases", i, "changes", j, side),
                                      f"'{value}' is not a {words[kind].name}; use one of {', '.join(words[kind].ids)} or null")
