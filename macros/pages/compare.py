"""Comparison tables and shared lists, generated from the same data as the record pages.

Every cell comes from a record field or a derived link, so the comparison
pages cannot disagree with the record pages. Cells carry ``data-value`` so
tests can check them against the data.
"""

from __future__ import annotations

from ..data import vocab
from ..data.model import Dataset, Record
from .render import SIDE_LABELS, div, grade_badge, src, table, tier_badge
from .text import NL, Html, clean, escape, href, link

# The "Kidney or back?" page puts these groups side by side.
KIDNEY, BACK = "kidney", "back"
# A full matrix grows with rows x columns. Past this many causes the matrix
# pages list only the filled cells, so the site stays linear in the records
# (tests/benchmarks/README.md measured 7 MB pages at ten times today's data).
MATRIX_MAX_COLUMNS = 40


def _cell(value: str, label: str) -> Html:
    return Html('<span class="cell" data-value="{}">{}</span>').format(value, label)


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


def kidney_or_back_row(ds: Dataset, cause: Record, page: str) -> list[Html]:
    loc, pat, ons, typ = (vocab.get(n) for n in ("painLocation", "painPattern", "onset", "typicality"))
    pain = cause["pain"]
    urine = symptom_presence(ds, cause, "urinary")
    fever = has_symptom(cause, "fever")
    injuries = injury_link(ds, cause)
    return [
        link(page, src("causes", cause.id), cause.title),
        _cell(",".join(pain["where"]), loc.titles(pain["where"])),
        _cell(",".join(pain.get("spreads_to", [])), loc.titles(pain.get("spreads_to", [])) or "-"),
        _cell(pain.get("side", ""), SIDE_LABELS.get(pain.get("side", ""), "-")),
        _cell(",".join(pain["pattern"]), pat.titles(pain["pattern"])),
        _cell(pain["onset"], ons.title(pain["onset"])),
        escape(pain["eased_by"]),
        escape(pain["worse_with"]),
        _cell(urine, typ.title(urine) if urine else "Not usual"),
        _cell(fever, typ.title(fever) if fever else "Not usual"),
        _cell(",".join(r.id for r in injuries), ", ".join(r.title for r in injuries) or "Not usually"),
        tier_badge(cause["urgency"]),
    ]


def kidney_or_back(ds: Dataset, page: str) -> Html:
    groups = vocab.get("group")
    out = []
    for group in (KIDNEY, BACK, "other"):
        causes = sorted((c for c in ds.kind("causes").values() if c["group"] == group), key=lambda c: c.title)
        if not causes:
            continue
        out += [Html("### {}").format(groups.title(group)), Html("")]
        # Stacked cards on a phone, a compact table that fits a desktop (guide.css).
        out.append(div("stack-table compact-table", table(["Cause"] + FEATURES, [kidney_or_back_row(ds, c, page) for c in causes])))
    return NL.join(out)


def causes_by_symptoms(ds: Dataset, page: str) -> Html:
    """Rows: symptoms grouped by body region; columns: causes. Cells: typical / possible / blank."""
    typ = vocab.get("typicality")
    regions = vocab.get("bodyRegion")
    causes = sorted(ds.kind("causes").values(), key=lambda c: (vocab.get("group").rank(c["group"]), c.title))
    header: list[object] = ["Symptom"] + [link(page, src("causes", c.id), c.title) for c in causes]
    marks = {"typical": "●", "possible": "○"}
    out = [Html('<p class="matrix-legend">● {}: {} ○ {}: {}</p>').format(typ.title("typical"), typ["typical"].description,
                                                                          typ.title("possible"), typ["possible"].description), Html("")]
    sparse = len(causes) > MATRIX_MAX_COLUMNS
    if sparse:
        header = ["Symptom", typ.title("typical"), typ.title("possible")]
    rows = []
    for region in regions.ids:
        syms = sorted((s for s in ds.kind("symptoms").values() if s["region"] == region), key=lambda s: s.title)
        for s in syms:
            row = [Html("{} <small>({})</small>").format(link(page, src("symptoms", s.id), s.title), regions.title(region))]
            if sparse:
                for level in ("typical", "possible"):
                    row.append(Html(", ").join(link(page, src("causes", c.id), c.title) for c, e in ds.symptom_causes(s.id) if e["typical"] == level))
                rows.append(row)
                continue
            for c in causes:
                value = has_symptom(c, s.id)
                row.append(Html('<span class="cell" data-value="{}" title="{}">{}<span class="visually-hidden">{}</span></span>').format(
                    value, typ.title(value) if value else "Not listed", marks.get(value, ""), typ.title(value) if value else "-"))
            rows.append(row)
    out.append(div("matrix", table(header, rows)))
    return NL.join(out)


def symptom_chooser(ds: Dataset, page: str, dirs: bool) -> Html:
    """Causes x symptoms on a phone (issue 20): every symptom, by body region, one line each, opening to the causes
    that list it, typical first. Raw HTML (links by ``href``); guide.css shows it instead of the matrix on a
    small screen, and the matrix everywhere else and on paper. Kept out of the search index (the matrix is in it).
    Test contract: ``.symptom-chooser``, one ``li[data-symptom]`` each, cause links ``a[data-typical]``."""
    typ, regions = vocab.get("typicality"), vocab.get("bodyRegion")
    out = [Html('<div class="symptom-chooser" data-search-exclude>'),
           Html("<p>Tap a symptom to see the causes that can give it, the most typical first.</p>")]
    for region in regions.ids:
        syms = sorted((s for s in ds.kind("symptoms").values() if s["region"] == region), key=lambda s: s.title)
        if not syms:
            continue
        items = []
        for s in syms:
            found = sorted(ds.symptom_causes(s.id), key=lambda ce: (typ.rank(ce[1]["typical"]), ce[0].title))
            groups = []
            for level in typ.ids:
                causes = [c for c, e in found if e["typical"] == level]
                if causes:
                    links = Html("").join(Html('<li><a href="{}" data-typical="{}">{}</a></li>').format(
                        href(page, src("causes", c.id), dirs), level, c.title) for c in causes)
                    groups.append(Html("<p>{}:</p><ul>{}</ul>").format(_level_words(typ, level), links))
            body = Html("").join(groups) if groups else Html("<p>The guide lists no cause for it.</p>")
            items.append(Html('<li data-symptom="{0}"><details class="sign"><summary>{1} <span class="symptom-chooser__count">({2})</span></summary>'
                              '{3}<p><a href="{4}">More about {1}</a></p></details></li>').format(
                s.id, s.title, _count(len(found)), body, href(page, src("symptoms", s.id), dirs)))
        out.append(Html('<p class="symptom-chooser__region"><strong>{}</strong></p><ul class="sign-list">{}</ul>').format(
            regions.title(region), Html("").join(items)))
    out.append(Html("</div>"))
    return Html("").join(out) + NL


def _level_words(typ, level: str) -> str:
    return {"typical": "Typical of", "possible": "Can happen with"}.get(level, typ.title(level))


def _count(n: int) -> str:
    return f"{n} cause" if n == 1 else f"{n} causes"


def treatments_by_causes(ds: Dataset, page: str) -> Html:
    """Rows: treatments; columns: causes. Cells: the evidence grade for that pair."""
    causes = sorted(ds.kind("causes").values(), key=lambda c: (vocab.get("group").rank(c["group"]), c.title))
    treatments = sorted(ds.kind("treatments").values(), key=lambda t: (vocab.grades().rank(t["grade"]), t.title))
    header: list[object] = ["Treatment"] + [link(page, src("causes", c.id), c.title) for c in causes]
    sparse = len(causes) > MATRIX_MAX_COLUMNS
    if sparse:
        header = ["Treatment", "Evidence for each cause"]
    empty = Html('<span class="cell" data-value=""></span>')
    rows = []
    for t in treatments:
        grade_for = {cid: ev["grade"] for ev in t["evidence"] for cid in ev["causes"]}
        row = [link(page, src("treatments", t.id), t.title)]
        if sparse:
            row.append(Html("; ").join(Html("{} {}").format(link(page, src("causes", cid), ds.get("causes", cid).title), grade_badge(g))
                                       for cid, g in grade_for.items()))
        else:
            row += [grade_badge(grade_for[c.id]) if c.id in grade_for else empty for c in causes]
        rows.append(row)
    return grade_legend() + NL + div("matrix", table(header, rows))


def anatomy_table(ds: Dataset, page: str) -> Html:
    parts = sorted(ds.kind("anatomy").values(), key=lambda r: r.title)
    rows = [[link(page, src("anatomy", p.id), p.title), escape(p["what_it_does"]), escape(p["relation_to_back_pain"]),
             Html(", ").join(link(page, src("causes", c), ds.get("causes", c).title) for c in p["causes"])] for p in parts]
    return table(["Part of the body", "What it does", "How it relates to back pain and spasm", "Causes"], rows)


def grade_legend() -> Html:
    return NL.join([Html("| Evidence grade | What it means |"), Html("| --- | --- |")] +
                   [Html("| {} | {} |").format(grade_badge(g.id), g.description) for g in vocab.grades().terms]) + NL


def tier_legend() -> Html:
    return NL.join([Html("| Care level | What to do |"), Html("| --- | --- |")] +
                   [Html("| {} | **{}.** {} |").format(tier_badge(t.id), t.get("action"), t.description) for t in vocab.tiers().terms]) + NL


def source_kind_legend() -> Html:
    kinds = vocab.get("sourceKind")
    return NL.join([Html("| Kind of source | Strength | What it is |"), Html("| --- | --- | --- |")] +
                   [Html("| {} | {} | {} |").format(k.title, k.get("strength"), k.description) for k in kinds.terms]) + NL


def by_rank(findings) -> list[Record]:
    """Findings in the order the data gives (``rank``: how urgent, then how common), unranked ones after, alphabetically."""
    return sorted(findings, key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r.title.lower()))


def _sign(r: Record, page: str) -> Html:
    """A sign's plain name, linked, then its medical name."""
    medical = Html(" ({})").format(r["medical_name"]) if r.get("medical_name") and clean(r["medical_name"]).lower() != clean(r.title).lower() else Html("")
    return link(page, src(r.kind, r.id), r.title) + medical


def emergency_signs(ds: Dataset, page: str, brief: bool = False) -> Html:
    """Every emergency finding, most urgent and most common first: names only (home page) or with why (/emergency/)."""
    findings = by_rank(r for r in ds.findings().values() if r.get("urgency") == "emergency")
    items = [Html("- {}").format(link(page, src(r.kind, r.id), r.title)) if brief else Html("- {}: {}").format(_sign(r, page), r["urgency_note"])
             for r in findings]
    return NL.join(items) + NL


def glossary_list(ds: Dataset) -> Html:
    """The glossary under a heading per first letter, after an A-Z list of jump links (letters with no term are not links)."""
    terms = sorted(ds.glossary, key=lambda t: t["term"].lower())
    groups: dict[str, list[dict]] = {}
    for t in terms:
        first = clean(t["term"])[:1].upper()
        groups.setdefault(first if "A" <= first <= "Z" else "#", []).append(t)
    letters = [Html('<a href="#letter-{0}">{1}</a>').format(c.lower(), c) if c in groups else Html('<span aria-hidden="true">{}</span>').format(c)
               for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    out = [Html('<nav class="az-list" aria-label="Glossary from A to Z"><p>{}</p></nav>').format(Html(" ").join(letters)), Html("")]
    for letter, members in sorted(groups.items(), key=lambda kv: (kv[0] == "#", kv[0])):
        anchor = "letter-" + letter.lower() if letter != "#" else "letter-other"
        out += [Html("## {} {{#{}}}").format(letter if letter != "#" else "Other", anchor), Html("")]
        for t in members:
            forms = Html(" (also: {})").format(", ".join(t["forms"])) if t.get("forms") else Html("")
            out += [Html("{}{}").format(t["term"], forms), Html(":   {}").format(t["meaning"]), Html("")]
    return NL.join(out)
