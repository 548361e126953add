"""Pages from records: pure functions from the dataset to Markdown.

Nothing here reads files or knows about MkDocs; ``macros.pages.generate`` and the
macros (``macros/pages/page_macros.py``) call these. Every builder returns ``macros.pages.text.Html``
and builds it with ``Html(...).format``/``.join``, so every piece of data
text (and every id and vocabulary word) is escaped on the way in; a bare
f-string holding data would show up in review. Links are relative ``.md``
links so MkDocs checks them in ``--strict`` mode and rewrites them for both
the normal and the offline (``.html``) build.

Generated record pages carry ``render_macros: false`` so that no data text
is ever evaluated as a template; ``record_meta``/``index_meta`` give their
front matter as data, which ``macros.pages.generate`` writes before the page
(the page functions here return the Markdown after it).
"""

from __future__ import annotations

from ..data import vocab
from ..data.model import KINDS, Dataset, Record
from ..data.review import review_status
from .pictures import anatomy_diagram, body_map
from .text import NL, Html, escape, external_url, link, paragraphs

EMERGENCY_PAGE = "emergency.md"
FLOWCHART_PAGE = "flowchart.md"


def emergency_numbers() -> list[dict]:
    """The emergency numbers (vocabulary emergencyNumber), each with its tel: link."""
    return [{"number": t.id, "where": t.title, "tel": "tel:" + t.id} for t in vocab.get("emergencyNumber").terms]


def emergency_numbers_md() -> Html:
    """The emergency numbers as tap-to-call Markdown links: 999 (UK), 911 (US and Canada), ..."""
    return Html(", ").join(Html("[{}]({}) ({})").format(n["number"], n["tel"], n["where"]) for n in emergency_numbers())


def src(kind: str, record_id: str) -> str:
    """The docs path of a record's page."""
    return f"{kind}/{record_id}.md"


def index_src(kind: str) -> str:
    return f"{kind}/index.md"


def kind_title(kind: str) -> str:
    return KINDS[kind].title


def page_meta(title: object, description: object = "", **extra: object) -> dict[str, object]:
    """A generated page's front matter: macros off, title, description, anything else.

    Title and description are HTML text: every theme prints page.title and page.meta as they are (MkDocs and
    Zensical render templates with autoescape off), in <title>, <meta name="description">, the header, the
    navigation and the footer; so they are escaped here, once (overrides/main.html copies no block to do it).
    """
    meta: dict[str, object] = {"render_macros": False, "title": escape(title)}
    if description:
        meta["description"] = escape(description)
    meta.update(extra)
    return meta


def description(rec: Record) -> str:
    """The page's meta description: the field the registry names (macros/data/kinds.py), whole or its first sentence."""
    name, how = KINDS[rec.kind].description
    return _first_sentence(rec[name]) if how == "first-sentence" else rec[name]


# Search ranking (Material's search plugin): front-matter ``tags`` are indexed
# with a boost of 1e6 (titles 1e3, text 1), and ``search: boost`` multiplies a
# page's score. Sources are citation metadata: found by name, never ahead of
# the pages a reader needs.
SOURCE_SEARCH_BOOST = 0.1


def lay_words(rec: Record) -> list[str]:
    """What readers call the record, each once: its name, medical name and ``also_called`` words.

    Given to Material's search as the page's tags (never shown on the page:
    the tags plugin is off, and guide.css hides them in search results).
    """
    words = [rec.title, rec.get("medical_name"), *(rec.get("also_called") or [])]
    seen: dict[str, str] = {}
    for word in words:
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    return list(seen.values())


def record_meta(rec: Record) -> dict[str, object]:
    """Front matter of a record page: no macros, title, description, the YAML file for the edit link, search words."""
    extra: dict[str, object] = {"data_path": rec.path.as_posix()}
    if KINDS[rec.kind].citation:
        extra["search"] = {"boost": SOURCE_SEARCH_BOOST}
    else:
        extra["tags"] = lay_words(rec)
    return page_meta(rec.title, description(rec), **extra)


def kind_label(rec: Record) -> Html:
    """The record's kind and care tier in words: "Symptom · Emergency: call your emergency number now",
    "Cause · Soon: book an appointment", "Treatment · Medicine", "Source · Blog"."""
    bits: list[object] = [KINDS[rec.kind].label]
    tier = rec.get("urgency")
    if tier:
        term = vocab.tiers()[tier]
        bits.append(Html("{}: {}").format(term.title, term.get("action", "").lower()))
    elif rec.kind in ("symptoms", "risk-factors"):
        bits.append("Not a warning sign on its own")
    elif rec.kind == "treatments":
        bits.append(vocab.get("treatmentCategory").title(rec["category"]))
    elif rec.kind == "sources":
        bits.append(vocab.get("sourceKind").title(rec["kind"]))
    return Html(" · ").join(bits)


def title_heading(rec: Record) -> Html:
    """The page's h1: the name, then its kind and care tier on a line of its own.

    The kind is inside the h1 because Material's search shows a page's h1 as
    the title of its result (and of the text only the paragraphs that match):
    so every result says what kind of page it is and, for warning signs, how
    fast to get help. The dash only shows in search results (guide.css hides it
    on the page). The id stays the record id.
    """
    return Html('# {} <span class="page-kind" data-kind="{}"><span class="page-kind__sep">— </span>{}</span> {{: #{} }}').format(
        rec.title, rec.kind, kind_label(rec), rec.id)


def index_meta(kind: str) -> dict[str, object]:
    extra: dict[str, object] = {"search": {"boost": SOURCE_SEARCH_BOOST}} if KINDS[kind].citation else {}
    return page_meta(kind_title(kind), KINDS[kind].intro, **extra)


# ---- small pieces ------------------------------------------------------

# Badges carry their vocabulary word's rank (0 is the most urgent tier, the
# strongest grade) in data-rank: guide.js sorts table columns by it, so the
# order lives only in data/schemas/vocabularies.schema.json.

def tier_badge(tier: str) -> Html:
    tiers = vocab.tiers()
    return Html('<span class="tier tier--{0}" data-tier="{0}" data-rank="{1}">{2}</span>').format(tier, tiers.rank(tier), tiers.title(tier))


def no_tier_badge() -> Html:
    """ "No warning sign alone", ranked after every tier (it sorts below self-care)."""
    return Html('<span class="tier tier--none" data-rank="{}">No warning sign alone</span>').format(len(vocab.tiers().ids))


def grade_badge(grade: str) -> Html:
    grades = vocab.grades()
    term = grades[grade]
    return Html('<span class="grade grade--{0}" data-value="{0}" data-rank="{1}" title="{2}">{3}</span>').format(
        grade, grades.rank(grade), term.description, term.title)


def emergency_numbers_html() -> Html:
    """The emergency numbers as tap-to-call links for raw HTML (``emergency_numbers_md`` for Markdown)."""
    return Html(", ").join(Html('<a href="{}" class="tel-link">{}</a> ({})').format(n["tel"], n["number"], n["where"])
                           for n in emergency_numbers())


def care_box(tier: str, content: list[Html], *, markdown: bool = True, action: bool = True,
             element: str = "div", classes: str = "", attrs: dict[str, str] | None = None) -> Html:
    """The frame every care card is built in (NHS style): the tier as a class, a data-tier and in words, never colour alone.

    ``content``: Markdown lines (``markdown=True``: the frame is an md_in_html
    block, so glossary terms and ``.md`` links work; blank lines allowed) or
    pieces of raw HTML (``markdown=False``: one line, no blank line, for use
    inside a raw HTML block). ``action``: the tier line says what to do
    ("Emergency: Call your emergency number now"), else only the tier's name.
    ``element``, ``classes`` and ``attrs`` (constant names, escaped values)
    add to the frame. ``care_card`` (record pages) and
    ``triage_page.outcome_card`` (the flowchart and its stepper) use it.
    """
    opening, tier_line = _care_top(tier, markdown=markdown, action=action, element=element, classes=classes, attrs=attrs)
    closing = Html("</{}>").format(element)
    if markdown:
        return NL.join([opening, tier_line, Html(""), *content, closing, Html("")])
    return opening + tier_line + Html().join(content) + closing


def _care_top(tier: str, *, markdown: bool = True, action: bool = True, element: str = "div", classes: str = "",
              attrs: dict[str, str] | None = None) -> tuple[Html, Html]:
    term = vocab.tiers()[tier]
    label = Html("{}: {}").format(term.title, term.get("action")) if action else escape(term.title)
    extra = Html().join(Html(' {}="{}"').format(name, value) for name, value in (attrs or {}).items())
    opening = Html('<{0} class="{1}care-card care-card--{2}" data-tier="{2}"{3}{4}>').format(
        element, Html("{} ").format(classes) if classes else Html(), tier, extra, Html(" markdown") if markdown else Html())
    return opening, Html('<p class="care-card__tier"><strong>{}</strong></p>').format(label)


def care_card_top(tier: str) -> Html:
    """The opening of a care card for a hand-written page (the ``care_card_top`` macro): the same frame and tier
    line as ``care_box``; the page writes its own Markdown after it and closes it with ``</div>``."""
    return NL.join([*_care_top(tier), Html("")])


def care_card(tier: str, heading: object, items: list[Html], page: str, note: Html | None = None, links: bool = True) -> Html:
    """A record page's care card: a heading, a list of situations, what to do. See ``care_box``.

    ``links``: end with links to the emergency signs and the step-by-step check
    (a page with several cards gives them once, on its first, most urgent card).
    """
    body = [Html("**{}**").format(heading), Html("")]
    body += [Html("- {}").format(item) for item in items]
    if items:
        body.append(Html(""))
    if note:
        body += [note, Html("")]
    if tier == "emergency":
        body += [Html("Call your local emergency number ({}) or go to the nearest emergency department.").format(emergency_numbers_md()), Html("")]
    if links:
        body += [Html("{} · {}").format(link(page, EMERGENCY_PAGE, "All emergency signs"), link(page, FLOWCHART_PAGE, "Check your symptoms step by step")),
                 Html("")]
    return care_box(tier, body)


def sources_section(ds: Dataset, rec: Record, page: str) -> Html:
    ids = rec.get("sources") or []
    out = [heading("Sources", "sources"), Html("")]
    if is_weak(ds, ids):
        out += [Html('!!! warning "Weak sources only"'), Html(""),
                Html("    This page rests only on blog or commercial sources. Treat it with caution until better sources are added."), Html("")]
    kinds = vocab.get("sourceKind")
    weak = vocab.weak_source_kinds()
    # Guidelines and reviews first (the vocabulary's order); a blog is listed because the guide checks its claims.
    for sid in sorted(ids, key=lambda s: kinds.rank(ds.get("sources", s)["kind"])):
        source = ds.get("sources", sid)
        kind = kinds[source["kind"]]
        why = Html(": listed because the guide checks its claims, not as evidence") if source["kind"] in weak else Html("")
        out.append(Html("- {}: {} ({}, {} evidence){}").format(
            link(page, src("sources", sid), source["title"]), source["publisher"], kind.title, kind.get("strength", "").lower(), why))
    out.append(Html(""))
    return NL.join(out)


def is_weak(ds: Dataset, source_ids: list[str]) -> bool:
    weak = vocab.weak_source_kinds()
    kinds = [ds.get("sources", s)["kind"] for s in source_ids if ds.get("sources", s)]
    return bool(kinds) and all(k in weak for k in kinds)


def footer(rec: Record) -> Html:
    """When the record was last checked, how, and when it is next due (macros/data/review.py), in plain words."""
    status = review_status(rec)
    lines = Html().join(Html("<p>{}</p>").format(line) for line in status["lines"])
    return Html('<div class="last-reviewed" data-last-reviewed="{}" data-next-due="{}">{}</div>\n').format(
        status["last_reviewed"], status["next_due"], lines)


def claims_section(ds: Dataset, rec: Record, page: str) -> Html:
    claims = rec.get("checked_claims") or []
    if not claims:
        return Html("")
    statuses = vocab.get("claimStatus")
    out = [Html("## Claims checked"), Html(""),
           Html("Some sources say more than the evidence shows. Here is what the evidence says instead."), Html("")]
    for claim in claims:
        status = statuses[claim["status"]]
        cited = Html(", ").join(link(page, src("sources", s), ds.get("sources", s)["title"]) for s in claim["sources"])
        out += [Html('!!! note "{}"').format(status.title), Html(""),
                Html("    **Claim:** {}").format(claim["claim"]), Html(""),
                Html("    **What the evidence shows:** {}").format(claim["evidence"]), Html(""),
                Html("    Sources: {}").format(cited), Html("")]
    # In a div of its own so that print (guide.css) can leave it out: a cause page prints in at most 4 pages.
    return div("claims-checked", NL.join(out))


def section(title: object, text: object, anchor: str = "") -> Html:
    """A heading and its paragraphs, or nothing when there is no text. ``anchor``: a fixed id for jump links."""
    if not text:
        return Html("")
    return Html("{}\n\n{}\n\n").format(heading(title, anchor), paragraphs(text))


def heading(title: object, anchor: str = "") -> Html:
    """A level-2 heading, with a fixed id (attr_list) when jump links point at it."""
    return Html("## {} {{#{}}}").format(title, anchor) if anchor else Html("## {}").format(title)


def stack(content: Html) -> Html:
    """Wrap a record table so that on a phone each row becomes a card (guide.css .stack-table).

    The labels come from the table's own header cells: macros/pages/cell_labels.py copies
    each header into its column's cells as ``data-label``.
    """
    return div("stack-table", content)


def div(classes: str, content: Html) -> Html:
    """Markdown content in a ``<div>`` with our own (constant) classes."""
    return NL.join([Html('<div class="{}" markdown>').format(classes), Html(""), content, Html("</div>"), Html("")])


def jump_list(entries: list[tuple[str, str]]) -> Html:
    """ "On this page": links to a page's main sections, shown on small screens, where Material hides the contents."""
    items = [Html("- [{}](#{})").format(label, anchor) for anchor, label in entries]
    # Collapsed: on a phone it would push what to do below the first screen.
    return NL.join([Html('<details class="page-jumps" markdown>'), Html('<summary>On this page</summary>'), Html(""), *items, Html(""),
                    Html("</details>"), Html("")])


def cause_items(ds: Dataset, ids: list[str], page: str, summaries: bool = True) -> list[Html]:
    """A Markdown list of linked causes, each with its one-line summary."""
    causes = [ds.get("causes", c) for c in ids]
    return [Html("- {}").format(link(page, src("causes", c.id), c.title)) + (Html(": {}").format(c["summary"]) if summaries else Html(""))
            for c in causes] + [Html("")]


def names(ds: Dataset, kind: str, ids: list[str], page: str) -> Html:
    return Html(", ").join(link(page, src(kind, i), ds.get(kind, i).title) for i in ids)


# ---- record pages ------------------------------------------------------

def review_line(rec: Record) -> str:
    """The review status in one short line, for the summary card: when, how, and whether a clinician has."""
    status = review_status(rec)
    when = status["last_reviewed_text"]
    if status["clinician_reviewed"]:
        return f"Reviewed by {status['reviewer']} on {when}"
    return f"Checked against its sources on {when}; not yet reviewed by a clinician"  # every schema requires last_reviewed


def summary_card(rec: Record, page: str) -> Html:
    """The first thing under a record page's title: how urgent, what it means, what to do, and the review status.

    Marked ``data-summary-card`` with ``data-tier`` (``none`` for a finding that is
    not a warning sign on its own); the browser tests check it fits wholly in the
    first screen of a 390x844 phone. The words come from the tier vocabulary
    (x-action, x-meaning, x-next), defined once.
    """
    tier = rec.get("urgency")
    tiers = vocab.tiers()
    if tier:
        term = tiers[tier]
        label, meaning, action = Html("{}: {}").format(term.title, term.get("action")), term.get("meaning"), term.get("next")
    else:
        label = Html("Not a warning sign on its own")
        meaning = "On its own this is not a reason to get help fast; it matters together with other signs."
        action = tiers["self-care"].get("next")
    more = Html("[When to get help](#when-to-get-help)") if rec.kind == "causes" else link(page, EMERGENCY_PAGE, "All emergency signs")
    return NL.join([Html('<div class="summary-card summary-card--{0}" data-summary-card data-tier="{0}" markdown>').format(tier or "none"),
                    Html(""), Html('<p class="summary-card__tier"><strong>{}</strong></p>').format(label), Html(""),
                    Html("{} **{}** {}").format(meaning, action, more), Html(""),
                    Html('<p class="summary-card__review"><span class="print-only">Back Spasm Guide. </span>{}</p>').format(review_line(rec)),
                    Html(""), Html("</div>"), Html("")])


def medicine_safety(rec: Record) -> Html:
    """Who should not take (or use) a treatment and who should ask first, straight under the title, before any grade
    (NHS medicine pages start with who can and cannot take it). Marked ``data-medicine-safety``."""
    if not (rec.get("avoid_if") or rec.get("doses")):
        return Html("")
    medicine = rec.get("category") == "medicine"
    title = ("Do not take it if, or ask a pharmacist or doctor first if:" if medicine
             else "Who should not have it, or should ask a doctor first:")
    body = [Html('<div class="medicine-safety" data-medicine-safety markdown>'), Html(""), Html("**{}**").format(title), Html("")]
    if rec.get("avoid_if"):
        body += [paragraphs(rec["avoid_if"]), Html("")]
    if medicine:
        body += [Html("If you are pregnant or breastfeeding, or take other medicines, ask a pharmacist or doctor before taking it."), Html("")]
    body += [Html("</div>"), Html("")]
    return NL.join(body)


def headline_grade(ds: Dataset, rec: Record, page: str) -> Html:
    """The headline grade says what it is for ("Recommended for muscle strain"), never a bare grade."""
    causes = list(dict.fromkeys(c for ev in rec["evidence"] if ev["grade"] == rec["grade"] for c in ev["causes"]))
    shown = causes[:3]
    what = names(ds, "causes", shown, page) + (Html(" and other causes") if len(causes) > 3 else Html(""))
    if not shown:
        return Html('<p class="headline-grade">Evidence: {} {}</p>').format(grade_badge(rec["grade"]), rec["verdict"])
    return Html('<p class="headline-grade">Evidence: {} <strong>for {}</strong>. {}</p>').format(grade_badge(rec["grade"]), what, rec["verdict"])


CARE_HEADINGS = {"emergency": "Get emergency help if:", "urgent": "Get seen today if:",
                 "soon": "Book an appointment if:", "self-care": "You can usually look after it at home if:"}


def cause_page(ds: Dataset, rec: Record) -> Html:
    """A cause, in the order of NHS condition pages: action first, then the detail.

    What it is in a sentence; when to get help (a care card per tier, most
    urgent first); what you can do now; then symptoms, treatments, how it
    causes pain, diagnosis, outlook, the parts of the body, claims and sources.
    On a phone the care cards and "What you can do" stay within the first three
    screens (tests/test_browser.py measures it).
    """
    page = src("causes", rec.id)
    tiers = vocab.tiers()
    situations = sorted(rec["when_to_get_help"], key=lambda s: tiers.rank(s["tier"]))
    jumps = [("when-to-get-help", "When to get help")]
    if rec.get("self_care"):
        jumps.append(("what-you-can-do", "What you can do"))
    jumps += [("symptoms", "Symptoms"), ("treatments", "Treatments"), ("what-to-expect" if rec.get("outlook") else "how-it-is-diagnosed",
              "What to expect" if rec.get("outlook") else "How it is diagnosed"), ("sources", "Sources")]
    out = [*_head(rec), summary_card(rec, page)]
    out.append(Html("{}\n").format(rec["summary"]))
    out.append(jump_list(jumps))
    present = [t for t in tiers.ids if any(s["tier"] == t for s in situations)]
    cards = [Html("")]
    for n, tier in enumerate(present):
        items = [escape(s["situation"]) for s in situations if s["tier"] == tier]
        cards.append(care_card(tier, CARE_HEADINGS[tier], items, page, links=n == 0))
    help_now = [heading("When to get help", "when-to-get-help"), *cards]
    if tiers.rank(rec["urgency"]) >= tiers.rank("soon"):
        # Self-care and soon: reassurance and what you can do first, then "get help if", least urgent first (NHS order).
        out.append(section("What you can do", rec.get("self_care"), "what-you-can-do"))
        out += [help_now[0], *reversed(help_now[1:])]
    else:
        out += help_now
        out.append(section("What you can do", rec.get("self_care"), "what-you-can-do"))
    out.append(section("What it is", rec["overview"], "what-it-is"))
    out.append(_also(rec))
    out.append(symptom_table(ds, rec, page))
    out.append(pain_section(rec, page))
    out.append(treatment_table(ds, rec, page))
    out.append(Html("## How it causes back pain or spasm\n"))
    mechs = vocab.get("mechanism")
    for m in rec["mechanisms"]:
        out.append(Html("- **{}:** {}").format(mechs.title(m["mechanism"]), m["text"]))
    out.append(Html(""))
    out.append(section("Who gets it", rec["who_gets_it"]))
    rfs = ds.cause_risk_factors(rec.id)
    if rfs:
        out.append(Html("Things that make it more likely: {}\n").format(names(ds, "risk-factors", [r.id for r in rfs], page)))
    out.append(section("How it is diagnosed", rec["diagnosis"], "how-it-is-diagnosed"))
    out.append(section("What to expect", rec.get("outlook"), "what-to-expect"))
    out.append(section("Prevention", rec["prevention"]))
    parts = ds.cause_anatomy(rec.id)
    if parts:
        out.append(Html("## Parts of the body involved\n"))
        out += [Html("- {}: {}").format(link(page, src("anatomy", p.id), p.title), p["summary"]) for p in parts]
        out.append(Html(""))
    out.append(claims_section(ds, rec, page))
    out += _tail(ds, rec, page)
    return NL.join(out)


def _head(rec: Record) -> list[Html]:
    """The page title (the front matter is ``record_meta``, written by ``macros.pages.generate``)."""
    return [title_heading(rec), Html("")]


def _tail(ds: Dataset, rec: Record, page: str) -> list[Html]:
    return [sources_section(ds, rec, page), footer(rec)]


def _also(rec: Record) -> Html:
    bits = []
    if rec.get("medical_name"):
        bits.append(Html("**Medical name:** {}").format(rec["medical_name"]))
    if rec.get("also_called"):
        bits.append(Html("**Also called:** {}").format(", ".join(rec["also_called"])))
    # Search words more than reader content: a collapsed line below the first screen (lay words stay search tags).
    if not bits:
        return Html("")
    return NL.join([Html('<details class="also-called" markdown>'), Html("<summary>Other names</summary>"), Html(""),
                    Html("  \n").join(bits), Html(""), Html("</details>"), Html("")])


def symptom_table(ds: Dataset, rec: Record, page: str) -> Html:
    typ = vocab.get("typicality")
    out = [Html("| Symptom | How typical | Notes |"), Html("| --- | --- | --- |")]
    for entry in sorted(rec["symptoms"], key=lambda e: typ.rank(e["typical"])):
        sym = ds.get("symptoms", entry["id"])
        warn = Html(" {}").format(tier_badge(sym["urgency"])) if sym.get("urgency") in ("emergency", "urgent") else Html("")
        out.append(Html("| {}{} | {} | {} |").format(link(page, src("symptoms", sym.id), sym.title), warn,
                                                     typ.title(entry["typical"]), entry.get("note", "")))
    return NL.join([heading("Symptoms", "symptoms"), Html(""), stack(NL.join(out) + NL)])


def pain_section(rec: Record, page: str) -> Html:
    pain = rec["pain"]
    loc, pat, ons = vocab.get("painLocation"), vocab.get("painPattern"), vocab.get("onset")
    rows = [("Mainly felt", loc.titles(pain["where"])),
            ("Can spread to", loc.titles(pain.get("spreads_to", [])) or "Usually stays put"),
            ("How it feels", pat.titles(pain["pattern"])),
            ("How it starts", ons.title(pain["onset"])),
            ("Eased by", pain["eased_by"]),
            ("Worse with", pain["worse_with"])]
    if pain.get("side"):
        rows.insert(2, ("Side", SIDE_LABELS[pain["side"]]))
    out = [Html("## Where it hurts"), Html(""), body_map(rec, size="small"), Html(""), Html("| | |"), Html("| --- | --- |")]
    out += [Html("| {} | {} |").format(k, v) for k, v in rows]
    return NL.join(out) + NL


SIDE_LABELS = {"one-side": "One side", "both-sides": "Both sides", "middle": "The middle", "varies": "Varies"}


def treatment_table(ds: Dataset, rec: Record, page: str) -> Html:
    entries = ds.cause_treatments(rec.id)
    roles, grades = vocab.get("role"), vocab.grades()
    entries = sorted(entries, key=lambda te: (roles.rank(te[1]["role"]), grades.rank(te[1]["grade"]), te[0].title))
    out = [Html("| Treatment | Role | Evidence | What the guidance says |"), Html("| --- | --- | --- | --- |")]
    for tr, ev in entries:
        out.append(Html("| {} | {} | {} | {} |").format(link(page, src("treatments", tr.id), tr.title), roles.title(ev["role"]),
                                                       grade_badge(ev["grade"]), ev["verdict"]))
    return NL.join([heading("Treatments", "treatments"), Html(""), Html("What guidelines say about each treatment for this cause."), Html(""),
                    stack(NL.join(out) + NL)])


def symptom_page(ds: Dataset, rec: Record) -> Html:
    page = src("symptoms", rec.id)
    out = [*_head(rec), summary_card(rec, page)]
    if rec.get("urgency"):
        out.append(care_card(rec["urgency"], "On its own, this sign calls for this level of care:", [escape(rec["urgency_note"])], page))
    out.append(section("What it is like", rec["description"]))
    out.append(_also(rec))
    out.append(Html("**Part of the body:** {}\n").format(vocab.get("bodyRegion").title(rec["region"])))
    causes = ds.symptom_causes(rec.id)
    typ = vocab.get("typicality")
    out += [Html("## Possible causes"), Html(""),
            Html("These causes can produce this symptom. This is not a diagnosis: only a health professional can tell what is causing yours."), Html("")]
    rows = [Html("| Cause | How typical | How fast to get help if suspected |"), Html("| --- | --- | --- |")]
    for cause, entry in sorted(causes, key=lambda ce: (typ.rank(ce[1]["typical"]), ce[0].title)):
        rows.append(Html("| {} | {} | {} |").format(link(page, src("causes", cause.id), cause.title), typ.title(entry["typical"]),
                                                    tier_badge(cause["urgency"])))
    if not causes:
        rows.append(Html("| No cause in the guide lists this symptom yet. | | |"))
    out.append(stack(NL.join(rows) + NL))
    out += _tail(ds, rec, page)
    return NL.join(out)


def risk_factor_page(ds: Dataset, rec: Record) -> Html:
    page = src("risk-factors", rec.id)
    out = [*_head(rec), summary_card(rec, page)]
    if rec.get("urgency"):
        out.append(care_card(rec["urgency"], "With back pain, this on its own calls for this level of care:", [escape(rec["urgency_note"])], page))
    out.append(Html("**Kind of risk factor:** {}\n").format(vocab.get("riskCategory").title(rec["category"])))
    out.append(section("What it means", rec["description"]))
    out.append(_also(rec))
    out += [Html("## Makes these causes more likely"), Html("")]
    out += cause_items(ds, rec["raises"], page)
    out += _tail(ds, rec, page)
    return NL.join(out)


def treatment_page(ds: Dataset, rec: Record) -> Html:
    page = src("treatments", rec.id)
    roles = vocab.get("role")
    out = [*_head(rec), medicine_safety(rec), headline_grade(ds, rec, page), Html("")]
    out.append(Html("{}\n").format(rec["summary"]))
    jumps = [("what-the-evidence-says", "What the evidence says"), ("risks-and-side-effects", "Risks and side effects")]
    out.append(jump_list([*jumps, ("sources", "Sources")]))
    out.append(section("What it is", rec["what_it_is"]))
    out.append(_also(rec))
    out += [heading("What the evidence says", "what-the-evidence-says"), Html("")]
    rows = [Html("| For | Role | Evidence | Verdict | Sources |"), Html("| --- | --- | --- | --- | --- |")]
    for ev in rec["evidence"]:
        weak = " (weak sources only)" if is_weak(ds, ev["sources"]) else ""
        rows.append(Html("| {} | {} | {} | {}{} | {} |").format(names(ds, "causes", ev["causes"], page), roles.title(ev["role"]),
                                                               grade_badge(ev["grade"]), ev["verdict"], weak,
                                                               names(ds, "sources", ev["sources"], page)))
    out.append(stack(NL.join(rows) + NL))
    out.append(section("Benefits", rec["benefits"]))
    out.append(section("Risks and side effects", rec["risks"], "risks-and-side-effects"))
    out.append(doses_section(ds, rec, page))
    out.append(claims_section(ds, rec, page))
    out += _tail(ds, rec, page)
    return NL.join(out)


def doses_section(ds: Dataset, rec: Record, page: str) -> Html:
    """Usual adult doses, under the one caution every dose list carries (vocabulary $defs/doses x-caution)."""
    doses = rec.get("doses") or []
    if not doses:
        return Html("")
    caution = vocab.annotation("doses", "caution")
    supply = vocab.get("supply")
    out = [Html("## Usual adult doses"), Html(""), Html('!!! warning "Follow the packet or your pharmacist"'), Html(""),
           Html("    {}").format(caution), Html("")]
    for dose in doses:
        out.append(Html("**{}** ({})").format(dose["medicine"], supply.title(dose["supply"])))
        out.append(Html(""))
        rows = [("Usual adult dose", dose["adult_dose"]), ("Most in 24 hours", dose["maximum"]),
                ("Take less or ask first if", dose.get("lower_dose_if")), ("Also found in", dose.get("also_in"))]
        out += [Html("- {}: {}").format(label, text) for label, text in rows if text]
        out.append(Html("- Sources: {}").format(names(ds, "sources", dose["sources"], page)))
        out.append(Html(""))
    return NL.join(out)


def anatomy_page(ds: Dataset, rec: Record) -> Html:
    page = src("anatomy", rec.id)
    out = [*_head(rec), _also(rec), Html("{}\n").format(rec["summary"])]
    out.append(section("Where it is", rec["where"]))
    out.append(section("What it does", rec["what_it_does"]))
    out.append(section("How it relates to back pain and spasm", rec["relation_to_back_pain"]))
    out += [Html("## Causes that involve it"), Html("")]
    out += cause_items(ds, rec["causes"], page, summaries=False)
    out += _tail(ds, rec, page)
    return NL.join(out)


def source_page(ds: Dataset, rec: Record) -> Html:
    page = src("sources", rec.id)
    kind = vocab.get("sourceKind")[rec["kind"]]
    out = [*_head(rec)]
    rows: list[tuple[str, object]] = [("Publisher", rec["publisher"])]
    if rec.get("author"):
        rows.append(("Author", rec["author"]))
    rows.append(("Kind", Html("{}: {}").format(kind.title, kind.description)))
    rows.append(("Strength", kind.get("strength", "")))
    if rec.get("date"):
        rows.append(("Date", rec["date"]))
    if rec.get("identifier"):
        rows.append(("Identifier", rec["identifier"]))
    if rec.get("url"):
        target = external_url(rec["url"])
        # Not a plain https address: shown as text, never as a link.
        rows.append(("Address", Html('<a href="{}" rel="noopener">{}</a>').format(target, rec["url"]) if target else escape(rec["url"])))
    rows.append(("What the guide uses it for", rec["used_for"]))
    out += [Html("| | |"), Html("| --- | --- |")] + [Html("| {} | {} |").format(k, v) for k, v in rows] + [Html("")]
    if kind.get("weak"):
        out += [Html('!!! warning "Weak source"'), Html(""),
                Html("    Blogs and commercial pages can be wrong or selling something. The guide checks their claims against guidelines and reviews."),
                Html("")]
    out += [Html("## Cited by"), Html("")]
    for r in ds.cited_by(rec.id):
        target = src(r.kind, r.id) if r.kind in KINDS else ("flowchart.md" if r.kind == "triage" else "glossary.md")
        out.append(Html("- {}").format(link(page, target, r.title if r.kind in KINDS else r.kind.capitalize())))
    out.append(Html(""))
    out.append(footer(rec))
    return NL.join(out)


def record_page(ds: Dataset, rec: Record) -> Html:
    """A record's page after its front matter, by the function its kind names in the registry (macros/data/kinds.py)."""
    return PAGE_FUNCTIONS[rec.kind](ds, rec)


def index_page(ds: Dataset, kind: str) -> Html:
    """A kind's index page after its front matter: a sortable table, A-Z; a kind with a care-tier column (causes) most urgent first, and on a
    phone each row a card: the name and tier badge on one line, the summary under it (guide.css ``.index-cards``)."""
    page = index_src(kind)
    records = sorted(ds.kind(kind).values(), key=lambda r: r.title.lower())
    tier = next((c.field for c in KINDS[kind].columns if c.show == "tier"), None)
    if tier:
        records.sort(key=lambda r: vocab.tiers().rank(r[tier]))  # stable: A-Z within a tier
    out = [Html("# {}").format(kind_title(kind)), Html(""), escape(KINDS[kind].intro), Html("")]
    if kind == "anatomy":
        out += [anatomy_diagram(ds, page), Html("")]
    headers, rows = _index_rows(ds, kind, records, page)
    out.append(table(headers, rows, sortable=True, classes="index-cards" if tier else ""))
    return NL.join(out)


def _index_rows(ds: Dataset, kind: str, records: list[Record], page: str):
    columns = KINDS[kind].columns
    return [c.header for c in columns], [[_cell(ds, rec, c, page) for c in columns] for rec in records]


def _cell(ds: Dataset, rec: Record, column, page: str) -> Html:
    """One index-table cell, shown as the registry's column says (macros/data/kinds.py Column)."""
    show, value = column.show, rec.get(column.field)
    if show == "link":
        return link(page, src(rec.kind, rec.id), rec.title)
    if show == "text":
        return escape(value)
    if show == "date":
        return escape(value or "n.d.")
    if show == "first-sentence":
        return escape(_first_sentence(value))
    if show.startswith("vocab:"):
        return escape(vocab.get(show.removeprefix("vocab:")).title(value))
    if show.startswith("names:"):
        return names(ds, show.removeprefix("names:"), value, page)
    if show == "grade":
        return grade_badge(value)
    if show == "tier" or (show == "tier-or-none" and value):
        return tier_badge(value)
    if show == "tier-or-none":
        return no_tier_badge()
    raise ValueError(f"{rec.kind}: index column {column.header!r} has an unknown show {show!r} (macros/data/kinds.py)")


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    cut = flat.find(". ")
    return flat if cut < 0 else flat[: cut + 1]


def table(headers: list[object], rows: list[list[object]], sortable: bool = False, classes: str = "") -> Html:
    """A Markdown table; a sortable one is wrapped in ``<div class="sortable-table">`` (plus ``classes``), to which
    docs/assets/javascripts/tables.js (mkdocs.yml extra.page_assets) adds a filter box and sort buttons.

    Cells that are not ``Html`` are escaped (so a ``|`` in data cannot split a cell).
    """
    bar = Html(" | ")
    out = []
    if sortable:
        out += [Html('<div class="sortable-table{}" markdown>').format(Html(" ") + escape(classes) if classes else Html("")), Html("")]
    out.append(Html("| {} |").format(bar.join(headers)))
    out.append(Html("| {} |").format(bar.join(Html("---") for _ in headers)))
    out += [Html("| {} |").format(bar.join(row)) for row in rows]
    out.append(Html(""))
    if sortable:
        out += [Html("</div>"), Html("")]
    return NL.join(out)


# The page function of each kind, by the name its registry entry gives (macros/data/kinds.py).
PAGE_FUNCTIONS = {kind: globals()[k.page] for kind, k in KINDS.items()}
