"""Comparison tables and shared lists, generated from the same data as the record pages.

Every cell comes from a record field or a derived link, so the comparison
pages cannot disagree with the record pages. Cells carry ``data-value`` so
tests can check them against the data.
"""

from __future__ import annotations

from . import vocab
from .model import Dataset, Record
from .render import SIDE_LABELS, grade_badge, src, table, tier_badge
from .text import attr, html_text, link, md

# The "Kidney or back?" page puts these groups side by side.
KIDNEY, BACK = "kidney", "back"
# A full matrix grows with rows x columns. Past this many causes the matrix
# pages list only the filled cells, so the site stays linear in the records
# (tests/benchmarks/README.md measured 7 MB pages at ten times today's data).
MATRIX_MAX_COLUMNS = 40


def _cell(value: str, label: str) -> str:
    return f'<span class="cell" data-value="{attr(value)}">{html_text(label)}</span>'


def symptom_presence(ds: Dataset, cause: Record, region: str) -> str:
    """The strongest typicality of any of the cause's symptoms in a body region, or ''."""
    typ = vocab.get("typicality")
    found = [e["typical"] for e in cause["symptoms"] if (s := ds.get("symptoms", e["id"])) and s["region"] == region]
    return min(found, key=typ.rank) if found else ""


def has_symptom(cause: Record, symptom_id: str) -> str:
    return next((e["typical"] for e in cause["symptoms"] if e["id"] == symptom_id), "")


def injury_link(ds: Dataset, cause: Record) -> list[Record]:
    return [r for r in ds.cause_risk_factors(cause.id) if r["category"] == "injury"]


FEATURES = ["Where it hurts", "Spreads to", "Side", "Pain pattern", "How it starts", "Eased by", "Worse with",
            "Urine symptoms", "Fever", "Injury or strain", "How fast to get help"]


def kidney_or_back_row(ds: Dataset, cause: Record, page: str) -> list[str]:
    loc, pat, ons, typ = (vocab.get(n) for n in ("painLocation", "painPattern", "onset", "typicality"))
    pain = cause["pain"]
    urine = symptom_presence(ds, cause, "urinary")
    fever = has_symptom(cause, "fever")
    injuries = injury_link(ds, cause)
    return [
        link(page, src("causes", cause.id), cause.title),
        _cell(",".join(pain["where"]), ", ".join(loc.title(x) for x in pain["where"])),
        _cell(",".join(pain.get("spreads_to", [])), ", ".join(loc.title(x) for x in pain.get("spreads_to", [])) or "-"),
        _cell(pain.get("side", ""), SIDE_LABELS.get(pain.get("side", ""), "-")),
        _cell(",".join(pain["pattern"]), ", ".join(pat.title(x) for x in pain["pattern"])),
        _cell(pain["onset"], ons.title(pain["onset"])),
        md(pain["eased_by"]),
        md(pain["worse_with"]),
        _cell(urine, typ.title(urine) if urine else "Not usual"),
        _cell(fever, typ.title(fever) if fever else "Not usual"),
        _cell(",".join(r.id for r in injuries), ", ".join(r.title for r in injuries) or "Not usually"),
        tier_badge(cause["urgency"]),
    ]


def kidney_or_back(ds: Dataset, page: str) -> str:
    groups = vocab.get("group")
    out = []
    for group in (KIDNEY, BACK, "other"):
        causes = sorted((c for c in ds.kind("causes").values() if c["group"] == group), key=lambda c: c.title)
        if not causes:
            continue
        out += [f"### {md(groups.title(group))}", ""]
        out.append(table(["Cause"] + FEATURES, [kidney_or_back_row(ds, c, page) for c in causes]))
    return "\n".join(out)


def causes_by_symptoms(ds: Dataset, page: str) -> str:
    """Rows: symptoms grouped by body region; columns: causes. Cells: typical / possible / blank."""
    typ = vocab.get("typicality")
    regions = vocab.get("bodyRegion")
    causes = sorted(ds.kind("causes").values(), key=lambda c: (vocab.get("group").rank(c["group"]), c.title))
    header = ["Symptom"] + [link(page, src("causes", c.id), c.title) for c in causes]
    marks = {"typical": "●", "possible": "○"}
    out = [f'<p class="matrix-legend">● {html_text(typ.title("typical"))}: {html_text(typ["typical"].description)} '
           f'○ {html_text(typ.title("possible"))}: {html_text(typ["possible"].description)}</p>', ""]
    sparse = len(causes) > MATRIX_MAX_COLUMNS
    if sparse:
        header = ["Symptom", typ.title("typical"), typ.title("possible")]
    rows = []
    for region in regions.ids:
        syms = sorted((s for s in ds.kind("symptoms").values() if s["region"] == region), key=lambda s: s.title)
        for s in syms:
            row = [f"{link(page, src('symptoms', s.id), s.title)} <small>({html_text(regions.title(region))})</small>"]
            if sparse:
                for level in ("typical", "possible"):
                    row.append(", ".join(link(page, src("causes", c.id), c.title) for c, e in ds.symptom_causes(s.id) if e["typical"] == level))
                rows.append(row)
                continue
            for c in causes:
                value = has_symptom(c, s.id)
                row.append(f'<span class="cell" data-value="{value}" title="{attr(typ.title(value)) if value else "Not listed"}">'
                           f'{marks.get(value, "")}<span class="visually-hidden">{html_text(typ.title(value)) if value else "-"}</span></span>')
            rows.append(row)
    out.append(table(header, rows))
    return "\n".join(out)


def treatments_by_causes(ds: Dataset, page: str) -> str:
    """Rows: treatments; columns: causes. Cells: the evidence grade for that pair."""
    causes = sorted(ds.kind("causes").values(), key=lambda c: (vocab.get("group").rank(c["group"]), c.title))
    treatments = sorted(ds.kind("treatments").values(), key=lambda t: (vocab.grades().rank(t["grade"]), t.title))
    header = ["Treatment"] + [link(page, src("causes", c.id), c.title) for c in causes]
    sparse = len(causes) > MATRIX_MAX_COLUMNS
    if sparse:
        header = ["Treatment", "Evidence for each cause"]
    rows = []
    for t in treatments:
        grade_for = {cid: ev["grade"] for ev in t["evidence"] for cid in ev["causes"]}
        row = [link(page, src("treatments", t.id), t.title)]
        if sparse:
            row.append("; ".join(f"{link(page, src('causes', cid), ds.get('causes', cid).title)} {grade_badge(g)}" for cid, g in grade_for.items()))
        else:
            row += [grade_badge(grade_for[c.id]) if c.id in grade_for else '<span class="cell" data-value=""></span>' for c in causes]
        rows.append(row)
    return grade_legend() + "\n" + table(header, rows)


def anatomy_table(ds: Dataset, page: str) -> str:
    parts = sorted(ds.kind("anatomy").values(), key=lambda r: r.title)
    rows = [[link(page, src("anatomy", p.id), p.title), md(p["what_it_does"]), md(p["relation_to_back_pain"]),
             ", ".join(link(page, src("causes", c), ds.get("causes", c).title) for c in p["causes"])] for p in parts]
    return table(["Part of the body", "What it does", "How it relates to back pain and spasm", "Causes"], rows)


def grade_legend() -> str:
    return "\n".join(["| Evidence grade | What it means |", "| --- | --- |"] +
                     [f"| {grade_badge(g.id)} | {md(g.description)} |" for g in vocab.grades().terms]) + "\n"


def tier_legend() -> str:
    return "\n".join(["| Care level | What to do |", "| --- | --- |"] +
                     [f"| {tier_badge(t.id)} | **{md(t.get('action'))}.** {md(t.description)} |" for t in vocab.tiers().terms]) + "\n"


def source_kind_legend() -> str:
    kinds = vocab.get("sourceKind")
    return "\n".join(["| Kind of source | Strength | What it is |", "| --- | --- | --- |"] +
                     [f"| {md(k.title)} | {md(k.get('strength'))} | {md(k.description)} |" for k in kinds.terms]) + "\n"


def emergency_signs(ds: Dataset, page: str, brief: bool = False) -> str:
    """Every emergency finding, linked: names only (home page) or with why (/emergency/)."""
    findings = sorted((r for r in ds.findings().values() if r.get("urgency") == "emergency"), key=lambda r: r.title)
    items = [f"- {link(page, src(r.kind, r.id), r.title)}" + ("" if brief else f": {md(r['urgency_note'])}") for r in findings]
    return "\n".join(items) + "\n"


def urgent_signs(ds: Dataset, page: str) -> str:
    findings = sorted((r for r in ds.findings().values() if r.get("urgency") == "urgent"), key=lambda r: r.title)
    return "\n".join(f"- {link(page, src(r.kind, r.id), r.title)}: {md(r['urgency_note'])}" for r in findings) + "\n"


def glossary_list(ds: Dataset) -> str:
    terms = sorted(ds.glossary, key=lambda t: t["term"].lower())
    out = []
    for t in terms:
        forms = f" (also: {md(', '.join(t['forms']))})" if t.get("forms") else ""
        out += [f"{md(t['term'])}{forms}", f":   {md(t['meaning'])}", ""]
    return "\n".join(out)


def abbreviations(ds: Dataset) -> str:
    """Markdown abbreviation definitions for every glossary term and form.

    Appended to every page so the abbr extension marks the terms and Material
    shows their meaning as a tooltip. Lowercase terms also get a capitalised
    form, to match at the start of a sentence.
    """
    lines = []
    for t in ds.glossary:
        meaning = " ".join(t["meaning"].split())
        for form in [t["term"], *t.get("forms", [])]:
            variants = {form, form[:1].upper() + form[1:]}
            lines += [f"*[{v}]: {meaning}" for v in sorted(variants)]
    # One definition per block: the abbr processor takes one line per pass, so a
    # single block of n lines would make every block processor rescan it n times.
    return "\n\n".join(lines)
