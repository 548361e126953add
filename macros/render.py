"""Pages from records: pure functions from the dataset to Markdown.

Nothing here reads files or knows about MkDocs; ``macros/hooks.py`` and
``macros/main.py`` call these. Every piece of data text goes through
``macros.text`` escaping. Links are relative ``.md`` links so MkDocs checks
them in ``--strict`` mode and rewrites them for both the normal and the
offline (``.html``) build.

Generated record pages carry ``render_macros: false`` so that no data text
is ever evaluated as a template.
"""

from __future__ import annotations

from . import vocab
from .model import KINDS, Dataset, Record
from .text import attr, html_text, link, md, paragraphs

EMERGENCY_PAGE = "emergency.md"
FLOWCHART_PAGE = "flowchart.md"
EMERGENCY_NUMBERS = "999 in the UK, 911 in the US and Canada, 112 in the EU, 000 in Australia"


def src(kind: str, record_id: str) -> str:
    """The docs path of a record's page."""
    return f"{kind}/{record_id}.md"


def index_src(kind: str) -> str:
    return f"{kind}/index.md"


def kind_title(kind: str) -> str:
    return {"causes": "Causes", "symptoms": "Symptoms", "risk-factors": "Risk factors",
            "treatments": "Treatments", "anatomy": "Parts of the body", "sources": "Sources"}[kind]


def front_matter(title: str, description: str = "", **extra) -> str:
    lines = ["---", "render_macros: false", f"title: {_yaml_str(title)}"]
    if description:
        lines.append(f"description: {_yaml_str(description)}")
    for key, value in extra.items():
        lines.append(f"{key}: {_yaml_str(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _yaml_str(value: object) -> str:
    import json

    return json.dumps(" ".join(str(value).split()), ensure_ascii=False)


# ---- small pieces ------------------------------------------------------

def tier_badge(tier: str) -> str:
    term = vocab.tiers()[tier]
    return f'<span class="tier tier--{tier}" data-tier="{tier}">{html_text(term.title)}</span>'


def grade_badge(grade: str) -> str:
    term = vocab.grades()[grade]
    return (f'<span class="grade grade--{grade}" data-value="{grade}" title="{attr(term.description)}">'
            f'{html_text(term.title)}</span>')


def care_card(tier: str, heading: str, items: list[str], page: str, note: str = "") -> str:
    """An NHS-style care card. The tier is spelled out in text, never colour alone."""
    term = vocab.tiers()[tier]
    action = term.get("action")
    body = [f'<div class="care-card care-card--{tier}" data-tier="{tier}" markdown>',
            f'<p class="care-card__tier"><strong>{html_text(term.title)}: {html_text(action)}</strong></p>',
            "",
            f"**{md(heading)}**",
            ""]
    body += [f"- {item}" for item in items]
    if items:
        body.append("")
    if note:
        body += [note, ""]
    if tier == "emergency":
        body += [f"Call your local emergency number ({md(EMERGENCY_NUMBERS)}) or go to the nearest emergency department.", ""]
    body += [f"{link(page, EMERGENCY_PAGE, 'All emergency signs')} · {link(page, FLOWCHART_PAGE, 'Check your symptoms step by step')}", "", "</div>", ""]
    return "\n".join(body)


def sources_section(ds: Dataset, rec: Record, page: str) -> str:
    ids = rec.get("sources") or []
    out = ["## Sources", ""]
    if is_weak(ds, ids):
        out += ['!!! warning "Weak sources only"', "",
                "    This page rests only on blog or commercial sources. Treat it with caution until better sources are added.", ""]
    kinds = vocab.get("sourceKind")
    for sid in ids:
        source = ds.get("sources", sid)
        kind = kinds[source["kind"]]
        out.append(f"- {link(page, src('sources', sid), source['title'])}: {md(source['publisher'])} "
                   f"({md(kind.title)}, {md(kind.get('strength', '').lower())} evidence)")
    out.append("")
    return "\n".join(out)


def is_weak(ds: Dataset, source_ids: list[str]) -> bool:
    weak = vocab.weak_source_kinds()
    kinds = [ds.get("sources", s)["kind"] for s in source_ids if ds.get("sources", s)]
    return bool(kinds) and all(k in weak for k in kinds)


def footer(rec: Record) -> str:
    return f'<p class="last-reviewed">Last reviewed: <time datetime="{attr(rec["last_reviewed"])}">{html_text(rec["last_reviewed"])}</time></p>\n'


def claims_section(ds: Dataset, rec: Record, page: str) -> str:
    claims = rec.get("checked_claims") or []
    if not claims:
        return ""
    statuses = vocab.get("claimStatus")
    out = ["## Claims checked", "",
           "Some sources say more than the evidence shows. Here is what the evidence says instead.", ""]
    for claim in claims:
        status = statuses[claim["status"]]
        cited = ", ".join(link(page, src("sources", s), ds.get("sources", s)["title"]) for s in claim["sources"])
        out += [f'!!! note "{attr(status.title)}"', "",
                f"    **Claim:** {md(claim['claim'])}", "",
                f"    **What the evidence shows:** {md(claim['evidence'])}", "",
                f"    Sources: {cited}", ""]
    return "\n".join(out)


def section(title: str, text: object) -> str:
    return f"## {md(title)}\n\n{paragraphs(text)}\n\n" if text else ""


def cause_items(ds: Dataset, ids: list[str], page: str, summaries: bool = True) -> list[str]:
    """A Markdown list of linked causes, each with its one-line summary."""
    causes = [ds.get("causes", c) for c in ids]
    return [f"- {link(page, src('causes', c.id), c.title)}" + (f": {md(c['summary'])}" if summaries else "") for c in causes] + [""]


def names(ds: Dataset, kind: str, ids: list[str], page: str) -> str:
    return ", ".join(link(page, src(kind, i), ds.get(kind, i).title) for i in ids)


# ---- record pages ------------------------------------------------------

def cause_page(ds: Dataset, rec: Record) -> str:
    page = src("causes", rec.id)
    tiers = vocab.tiers()
    out = [*_head(rec, rec["summary"])]
    out.append(_also(rec))
    out.append(f"{md(rec['summary'])}\n")
    situations = sorted(rec["when_to_get_help"], key=lambda s: tiers.rank(s["tier"]))
    # Warning signs first: the emergency situations, then the care this cause itself calls for.
    for tier in [t for t in tiers.ids if t in ("emergency", rec["urgency"])]:
        items = [md(s["situation"]) for s in situations if s["tier"] == tier]
        heading = {"emergency": "Get emergency help if:", "urgent": "Get seen today if:",
                   "soon": "Book an appointment if:", "self-care": "You can usually look after it at home if:"}[tier]
        if items:
            out.append(care_card(tier, heading, items, page))
    out.append(section("What it is", rec["overview"]))
    out.append("## How it causes back pain or spasm\n")
    mechs = vocab.get("mechanism")
    for m in rec["mechanisms"]:
        out.append(f"- **{md(mechs.title(m['mechanism']))}:** {md(m['text'])}")
    out.append("")
    out.append(symptom_table(ds, rec, page))
    out.append(pain_section(rec, page))
    out.append(section("Who gets it", rec["who_gets_it"]))
    rfs = ds.cause_risk_factors(rec.id)
    if rfs:
        out.append("Things that make it more likely: " + names(ds, "risk-factors", [r.id for r in rfs], page) + "\n")
    out.append(section("How it is diagnosed", rec["diagnosis"]))
    out.append(treatment_table(ds, rec, page))
    out.append(section("What to expect", rec.get("outlook")))
    out.append(section("What you can do", rec.get("self_care")))
    out.append(section("Prevention", rec["prevention"]))
    out.append(when_to_get_help_list(situations))
    parts = ds.cause_anatomy(rec.id)
    if parts:
        out.append("## Parts of the body involved\n")
        out += [f"- {link(page, src('anatomy', p.id), p.title)}: {md(p['summary'])}" for p in parts]
        out.append("")
    out.append(claims_section(ds, rec, page))
    out += _tail(ds, rec, page)
    return "\n".join(out)


def _head(rec: Record, description: str) -> list[str]:
    """Front matter (no macros, edit link to the YAML) and the page title."""
    return [front_matter(rec.title, description, data_path=rec.path.as_posix()), f"# {md(rec.title)}", ""]


def _tail(ds: Dataset, rec: Record, page: str) -> list[str]:
    return [sources_section(ds, rec, page), footer(rec)]


def _also(rec: Record) -> str:
    bits = []
    if rec.get("medical_name"):
        bits.append(f"**Medical name:** {md(rec['medical_name'])}")
    if rec.get("also_called"):
        bits.append(f"**Also called:** {md(', '.join(rec['also_called']))}")
    return ("  \n".join(bits) + "\n") if bits else ""


def when_to_get_help_list(situations: list[dict]) -> str:
    out = ["## When to get help", "", "| How fast | When |", "| --- | --- |"]
    for s in situations:
        out.append(f"| {tier_badge(s['tier'])} {md(vocab.tiers()[s['tier']].get('action'))} | {md(s['situation'])} |")
    return "\n".join(out) + "\n"


def symptom_table(ds: Dataset, rec: Record, page: str) -> str:
    typ = vocab.get("typicality")
    out = ["## Symptoms", "", "| Symptom | How typical | Notes |", "| --- | --- | --- |"]
    for entry in sorted(rec["symptoms"], key=lambda e: typ.rank(e["typical"])):
        sym = ds.get("symptoms", entry["id"])
        warn = f" {tier_badge(sym['urgency'])}" if sym.get("urgency") in ("emergency", "urgent") else ""
        out.append(f"| {link(page, src('symptoms', sym.id), sym.title)}{warn} | {md(typ.title(entry['typical']))} | {md(entry.get('note', ''))} |")
    return "\n".join(out) + "\n"


def pain_section(rec: Record, page: str) -> str:
    from .pictures import body_map

    pain = rec["pain"]
    loc, pat, ons = vocab.get("painLocation"), vocab.get("painPattern"), vocab.get("onset")
    rows = [("Mainly felt", ", ".join(loc.title(x) for x in pain["where"])),
            ("Can spread to", ", ".join(loc.title(x) for x in pain.get("spreads_to", [])) or "Usually stays put"),
            ("How it feels", ", ".join(pat.title(x) for x in pain["pattern"])),
            ("How it starts", ons.title(pain["onset"])),
            ("Eased by", pain["eased_by"]),
            ("Worse with", pain["worse_with"])]
    if pain.get("side"):
        rows.insert(2, ("Side", SIDE_LABELS[pain["side"]]))
    out = ["## Where it hurts", "", body_map(rec, size="small"), "", "| | |", "| --- | --- |"]
    out += [f"| {md(k)} | {md(v)} |" for k, v in rows]
    return "\n".join(out) + "\n"


SIDE_LABELS = {"one-side": "One side", "both-sides": "Both sides", "middle": "The middle", "varies": "Varies"}


def treatment_table(ds: Dataset, rec: Record, page: str) -> str:
    entries = ds.cause_treatments(rec.id)
    roles, grades = vocab.get("role"), vocab.grades()
    entries = sorted(entries, key=lambda te: (roles.rank(te[1]["role"]), grades.rank(te[1]["grade"]), te[0].title))
    out = ["## Treatments", "", "What guidelines say about each treatment for this cause.", "",
           "| Treatment | Role | Evidence | What the guidance says |", "| --- | --- | --- | --- |"]
    for tr, ev in entries:
        out.append(f"| {link(page, src('treatments', tr.id), tr.title)} | {md(roles.title(ev['role']))} | "
                   f"{grade_badge(ev['grade'])} | {md(ev['verdict'])} |")
    return "\n".join(out) + "\n"


def symptom_page(ds: Dataset, rec: Record) -> str:
    page = src("symptoms", rec.id)
    out = [*_head(rec, _first_sentence(rec["description"])), _also(rec)]
    if rec.get("urgency"):
        out.append(care_card(rec["urgency"], "On its own, this sign calls for this level of care:", [md(rec["urgency_note"])], page))
    out.append(section("What it is like", rec["description"]))
    out.append(f"**Part of the body:** {md(vocab.get('bodyRegion').title(rec['region']))}\n")
    causes = ds.symptom_causes(rec.id)
    typ = vocab.get("typicality")
    out += ["## Possible causes", "",
            "These causes can produce this symptom. This is not a diagnosis: only a health professional can tell what is causing yours.", "",
            "| Cause | How typical | How fast to get help if suspected |", "| --- | --- | --- |"]
    for cause, entry in sorted(causes, key=lambda ce: (typ.rank(ce[1]["typical"]), ce[0].title)):
        out.append(f"| {link(page, src('causes', cause.id), cause.title)} | {md(typ.title(entry['typical']))} | {tier_badge(cause['urgency'])} |")
    if not causes:
        out.append("| No cause in the guide lists this symptom yet. | | |")
    out.append("")
    out += _tail(ds, rec, page)
    return "\n".join(out)


def risk_factor_page(ds: Dataset, rec: Record) -> str:
    page = src("risk-factors", rec.id)
    out = [*_head(rec, _first_sentence(rec["description"]))]
    if rec.get("urgency"):
        out.append(care_card(rec["urgency"], "With back pain, this on its own calls for this level of care:", [md(rec["urgency_note"])], page))
    out.append(f"**Kind of risk factor:** {md(vocab.get('riskCategory').title(rec['category']))}\n")
    out.append(section("What it means", rec["description"]))
    out += ["## Makes these causes more likely", ""]
    out += cause_items(ds, rec["raises"], page)
    out += _tail(ds, rec, page)
    return "\n".join(out)


def treatment_page(ds: Dataset, rec: Record) -> str:
    page = src("treatments", rec.id)
    roles = vocab.get("role")
    out = [*_head(rec, rec["summary"]), _also(rec),
           f'<p class="headline-grade">Evidence: {grade_badge(rec["grade"])} {html_text(rec["verdict"])}</p>', ""]
    out.append(f"{md(rec['summary'])}\n")
    out.append(section("What it is", rec["what_it_is"]))
    out += ["## What the evidence says", "", "| For | Role | Evidence | Verdict | Sources |", "| --- | --- | --- | --- | --- |"]
    for ev in rec["evidence"]:
        weak = " (weak sources only)" if is_weak(ds, ev["sources"]) else ""
        out.append(f"| {names(ds, 'causes', ev['causes'], page)} | {md(roles.title(ev['role']))} | {grade_badge(ev['grade'])} | "
                   f"{md(ev['verdict'])}{md(weak)} | {names(ds, 'sources', ev['sources'], page)} |")
    out.append("")
    out.append(section("Benefits", rec["benefits"]))
    out.append(section("Risks and side effects", rec["risks"]))
    out.append(section("Who should avoid it or ask first", rec.get("avoid_if")))
    out.append(claims_section(ds, rec, page))
    out += _tail(ds, rec, page)
    return "\n".join(out)


def anatomy_page(ds: Dataset, rec: Record) -> str:
    page = src("anatomy", rec.id)
    out = [*_head(rec, rec["summary"]), _also(rec), f"{md(rec['summary'])}\n"]
    out.append(section("Where it is", rec["where"]))
    out.append(section("What it does", rec["what_it_does"]))
    out.append(section("How it relates to back pain and spasm", rec["relation_to_back_pain"]))
    out += ["## Causes that involve it", ""]
    out += cause_items(ds, rec["causes"], page, summaries=False)
    out += _tail(ds, rec, page)
    return "\n".join(out)


def source_page(ds: Dataset, rec: Record) -> str:
    page = src("sources", rec.id)
    kind = vocab.get("sourceKind")[rec["kind"]]
    out = [*_head(rec, rec["used_for"])]
    rows = [("Publisher", md(rec["publisher"]))]
    if rec.get("author"):
        rows.append(("Author", md(rec["author"])))
    rows.append(("Kind", f"{md(kind.title)}: {md(kind.description)}"))
    rows.append(("Strength", md(kind.get("strength", ""))))
    if rec.get("date"):
        rows.append(("Date", md(rec["date"])))
    if rec.get("identifier"):
        rows.append(("Identifier", md(rec["identifier"])))
    if rec.get("url"):
        rows.append(("Address", f'<a href="{attr(rec["url"])}" rel="noopener">{html_text(rec["url"])}</a>'))
    rows.append(("What the guide uses it for", md(rec["used_for"])))
    out += ["| | |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in rows] + [""]
    if kind.get("weak"):
        out += ['!!! warning "Weak source"', "", "    Blogs and commercial pages can be wrong or selling something. The guide checks their claims against guidelines and reviews.", ""]
    out += ["## Cited by", ""]
    out += [f"- {link(page, src(r.kind, r.id) if r.kind in KINDS else ('flowchart.md' if r.kind == 'triage' else 'glossary.md'), r.title if r.kind in KINDS else r.kind.capitalize())}"
            for r in ds.cited_by(rec.id)]
    out.append("")
    out.append(footer(rec))
    return "\n".join(out)


RECORD_PAGES = {
    "causes": cause_page,
    "symptoms": symptom_page,
    "risk-factors": risk_factor_page,
    "treatments": treatment_page,
    "anatomy": anatomy_page,
    "sources": source_page,
}

INTROS = {
    "causes": "Conditions that can cause back pain or back spasm, from a strained muscle to a kidney stone. Sort or filter the table; the last column says how fast to get help if you think you might have it.",
    "symptoms": "Things you may notice. Warning signs are marked with how fast to get help. Each symptom page lists the causes that can produce it.",
    "risk-factors": "Things about you, or what happened, that make some causes more likely.",
    "treatments": "Treatments used for back pain and its causes, with what guidelines and reviews say about each.",
    "anatomy": "The parts of the body involved in back pain and spasm.",
    "sources": "Every source the guide cites, with its kind. Guidelines and systematic reviews are the strongest; blogs and commercial pages the weakest.",
}


def index_page(ds: Dataset, kind: str) -> str:
    page = index_src(kind)
    records = sorted(ds.kind(kind).values(), key=lambda r: r.title.lower())
    out = [front_matter(kind_title(kind), INTROS[kind]), f"# {kind_title(kind)}", "", md(INTROS[kind]), ""]
    if kind == "anatomy":
        from .pictures import anatomy_diagram

        out += [anatomy_diagram(ds, page), ""]
    headers, rows = _index_rows(ds, kind, records, page)
    out.append(table(headers, rows, sortable=True))
    return "\n".join(out)


def _index_rows(ds: Dataset, kind: str, records: list[Record], page: str):
    none = '<span class="tier tier--none">No warning sign alone</span>'
    if kind == "causes":
        groups = vocab.get("group")
        return (["Cause", "In short", "Group", "How fast to get help"],
                [[link(page, src(kind, r.id), r.title), md(r["summary"]), md(groups.title(r["group"])), tier_badge(r["urgency"])] for r in records])
    if kind == "symptoms":
        regions = vocab.get("bodyRegion")
        return (["Symptom", "What it is like", "Part of the body", "On its own"],
                [[link(page, src(kind, r.id), r.title), md(_first_sentence(r["description"])), md(regions.title(r["region"])),
                  tier_badge(r["urgency"]) if r.get("urgency") else none] for r in records])
    if kind == "risk-factors":
        cats = vocab.get("riskCategory")
        return (["Risk factor", "What it means", "Kind", "On its own"],
                [[link(page, src(kind, r.id), r.title), md(_first_sentence(r["description"])), md(cats.title(r["category"])),
                  tier_badge(r["urgency"]) if r.get("urgency") else none] for r in records])
    if kind == "treatments":
        cats = vocab.get("treatmentCategory")
        return (["Treatment", "In short", "Kind", "Evidence"],
                [[link(page, src(kind, r.id), r.title), md(r["summary"]), md(cats.title(r["category"])), grade_badge(r["grade"])] for r in records])
    if kind == "anatomy":
        return (["Part of the body", "In short", "Causes"],
                [[link(page, src(kind, r.id), r.title), md(r["summary"]), names(ds, "causes", r["causes"], page)] for r in records])
    kinds = vocab.get("sourceKind")
    return (["Source", "Publisher", "Kind", "Date"],
            [[link(page, src(kind, r.id), r.title), md(r["publisher"]), md(kinds.title(r["kind"])), md(r.get("date", "n.d."))] for r in records])


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    cut = flat.find(". ")
    return flat if cut < 0 else flat[: cut + 1]


def table(headers: list[str], rows: list[list[str]], sortable: bool = False) -> str:
    """A Markdown table; sortable ones get a filter box and sort buttons from sortable.js."""
    out = []
    if sortable:
        out.append('<div class="sortable-table" markdown>')
        out.append("")
    out.append("| " + " | ".join(headers) + " |")
    out.append("| " + " | ".join("---" for _ in headers) + " |")
    out += ["| " + " | ".join(row) + " |" for row in rows]
    out.append("")
    if sortable:
        out += ["</div>", ""]
    return "\n".join(out)
