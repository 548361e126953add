"""Pictures drawn from the data as inline SVG: the body map and the anatomy diagram.

Both are plain SVG (no script, no external files), so they print and work
offline. Each has a <title> and <desc> and is followed on the page by a text
alternative (a table or list carrying the same information). Shapes are
geometry in code; every word shown comes from the data or the vocabularies
and is escaped.
"""

from __future__ import annotations

from ..data import vocab
from ..data.model import Dataset, Record
from .text import NL, Html, link

# Body map regions: painLocation id -> SVG shapes (back view at left, front view at right).
# Geometry is code, not data: these constants are the only markup not built with Html.format.
_REGIONS: dict[str, list[str]] = {
    "neck": ['<rect x="88" y="48" width="24" height="18" rx="4"/>'],
    "upper-back": ['<rect x="64" y="70" width="72" height="46" rx="8"/>'],
    "flank": ['<rect x="56" y="118" width="26" height="50" rx="8"/>', '<rect x="118" y="118" width="26" height="50" rx="8"/>'],
    "lower-back": ['<rect x="84" y="140" width="32" height="72" rx="8"/>'],
    "buttock": ['<ellipse cx="79" cy="236" rx="21" ry="18"/>', '<ellipse cx="121" cy="236" rx="21" ry="18"/>'],
    "leg": ['<rect x="63" y="262" width="30" height="126" rx="10"/>', '<rect x="107" y="262" width="30" height="126" rx="10"/>'],
    "chest": ['<rect x="232" y="72" width="76" height="46" rx="8"/>'],
    "abdomen": ['<rect x="236" y="124" width="68" height="62" rx="10"/>'],
    "groin": ['<path d="M238 192 L266 192 L270 222 Z"/>', '<path d="M302 192 L274 192 L270 222 Z"/>'],
}
_OUTLINE = Html(
    '<g class="bm-body" aria-hidden="true">'
    '<circle cx="100" cy="28" r="20"/><rect x="54" y="64" width="92" height="160" rx="20"/>'
    '<rect x="30" y="70" width="20" height="130" rx="9"/><rect x="150" y="70" width="20" height="130" rx="9"/>'
    '<rect x="60" y="220" width="36" height="172" rx="12"/><rect x="104" y="220" width="36" height="172" rx="12"/>'
    '<circle cx="270" cy="28" r="20"/><rect x="224" y="64" width="92" height="160" rx="20"/>'
    '<rect x="200" y="70" width="20" height="130" rx="9"/><rect x="320" y="70" width="20" height="130" rx="9"/>'
    '<rect x="230" y="220" width="36" height="172" rx="12"/><rect x="274" y="220" width="36" height="172" rx="12"/>'
    '<line x1="100" y1="66" x2="100" y2="214" class="bm-spine"/>'
    '</g>'
    '<text x="100" y="412" text-anchor="middle" class="bm-label">Back</text>'
    '<text x="270" y="412" text-anchor="middle" class="bm-label">Front</text>'
)


def describe_pain(rec: Record) -> str:
    loc = vocab.get("painLocation")
    pain = rec["pain"]
    text = f"{rec.title}: pain mainly in the {', '.join(loc.title(x).lower() for x in pain['where'])}"
    if pain.get("spreads_to"):
        text += f"; it can spread to the {', '.join(loc.title(x).lower() for x in pain['spreads_to'])}"
    return text + "."


def body_map(rec: Record, size: str = "small") -> Html:
    """One cause's body map: main areas solid, spreading areas light with a dashed edge."""
    pain = rec["pain"]
    where, spread = set(pain["where"]), set(pain.get("spreads_to", [])) - set(pain["where"])
    uid = f"bm-{rec.id}"
    shapes = []
    for region, parts in _REGIONS.items():
        state = "main" if region in where else "spread" if region in spread else "none"
        shapes.append(Html('<g class="bm-region bm-{1}" data-region="{0}" data-state="{1}">{2}</g>').format(region, state, Html("".join(parts))))
    return Html(
        '<figure class="body-map body-map--{size}">'
        '<svg viewBox="0 0 340 420" role="img" aria-labelledby="{uid}-t {uid}-d" data-cause="{id}">'
        '<title id="{uid}-t">Body map: {title}</title>'
        '<desc id="{uid}-d">{desc}</desc>'
        "{outline}{shapes}</svg>"
        '<figcaption>{title}</figcaption></figure>'
    ).format(size=size, uid=uid, id=rec.id, title=rec.title, desc=describe_pain(rec), outline=_OUTLINE, shapes=Html("").join(shapes))


def body_map_grid(ds: Dataset, page: str) -> Html:
    """Every cause's body map side by side, then the same as a table (the text alternative)."""
    groups = vocab.get("group")
    loc = vocab.get("painLocation")
    out = [Html('<p class="bm-legend"><span class="bm-key bm-key--main"></span> Mainly felt here '
                '<span class="bm-key bm-key--spread"></span> Can spread here (dashed edge)</p>'), Html("")]
    causes = sorted(ds.kind("causes").values(), key=lambda r: (groups.rank(r["group"]), r.title))
    for group in groups.ids:
        members = [c for c in causes if c["group"] == group]
        if not members:
            continue
        out += [Html("## {}").format(groups.title(group)), Html(""), Html('<div class="body-map-grid">')]
        out += [body_map(c) for c in members]
        out += [Html("</div>"), Html("")]
    out += [Html("## The same in words"), Html(""), Html("| Cause | Mainly felt | Can spread to |"), Html("| --- | --- | --- |")]
    for c in causes:
        pain = c["pain"]
        out.append(Html("| {} | {} | {} |").format(link(page, f"causes/{c.id}.md", c.title), loc.titles(pain["where"]),
                                                   loc.titles(pain.get("spreads_to", [])) or "-"))
    return NL.join(out) + NL


# Anatomy diagram: anatomy id -> (shapes, label anchor x, y, label side)
_ANATOMY: dict[str, tuple[str, int, int, str]] = {
    "paraspinal-muscles": ('<rect x="160" y="50" width="26" height="280" rx="12"/><rect x="214" y="50" width="26" height="280" rx="12"/>', 163, 90, "left"),
    "lumbar-vertebrae": ("".join(f'<rect x="186" y="{y}" width="28" height="{h}" rx="3"/>' for y, h in
                                 [(40, 22), (66, 22), (92, 24), (120, 26), (150, 28), (182, 30), (216, 30), (250, 32), (286, 32)]), 214, 265, "right"),
    "intervertebral-discs": ("".join(f'<rect x="188" y="{y}" width="24" height="3" rx="1"/>' for y in [63, 89, 117, 147, 179, 212, 247, 283]), 212, 212, "right"),
    "spinal-cord-nerve-roots": ('<path d="M200 40 V240"/><path d="M200 240 L192 330 M200 240 L198 330 M200 240 L202 330 M200 240 L208 330"/>', 200, 150, "left"),
    "abdominal-aorta": ('<path d="M204 40 V280 L188 340 M204 280 L222 340"/>', 204, 60, "right"),
    "kidneys": ('<path d="M150 110 C118 110 116 190 150 192 C162 192 158 170 154 152 C158 134 164 110 150 110 Z"/>'
                '<path d="M250 122 C282 122 284 202 250 204 C238 204 242 182 246 164 C242 146 236 122 250 122 Z"/>', 128, 150, "left"),
    "ureters": ('<path d="M156 160 C170 220 176 300 188 372"/><path d="M244 172 C230 232 224 300 212 372"/>', 168, 240, "left"),
    "bladder": ('<ellipse cx="200" cy="386" rx="30" ry="20"/>', 200, 400, "right"),
    "psoas-muscle": ('<path d="M184 190 L172 196 L140 380 L156 384 L186 250 Z"/><path d="M216 190 L228 196 L260 380 L244 384 L214 250 Z"/>', 150, 330, "left"),
    "iliohypogastric-ilioinguinal-nerves": ('<path d="M186 222 C150 240 120 290 110 350"/><path d="M214 222 C250 240 280 290 290 350"/>', 284, 320, "right"),
    "sciatic-nerve": ('<path d="M192 330 C180 360 172 400 168 436"/><path d="M208 330 C220 360 228 400 232 436"/>', 230, 420, "right"),
}


def anatomy_diagram(ds: Dataset, page: str) -> Html:
    """A labelled schematic of the structures in data/anatomy/, with a linked list as its text alternative."""
    parts = [r for r in ds.kind("anatomy").values() if r.id in _ANATOMY]
    shapes, labels = [], []
    left_y, right_y = 30, 30
    for rec in sorted(parts, key=lambda r: _ANATOMY[r.id][2]):
        geometry, ax, ay, side = _ANATOMY[rec.id]
        shapes.append(Html('<g class="an-part an-{0}" data-anatomy="{0}">{1}</g>').format(rec.id, Html(geometry)))
        if side == "left":
            left_y = max(left_y + 30, ay)
            labels.append(Html('<line x1="{}" y1="{}" x2="96" y2="{}" class="an-leader"/>'
                               '<text x="92" y="{}" text-anchor="end" class="an-label">{}</text>').format(ax, ay, left_y - 4, left_y, rec.title))
        else:
            right_y = max(right_y + 30, ay)
            labels.append(Html('<line x1="{}" y1="{}" x2="304" y2="{}" class="an-leader"/>'
                               '<text x="308" y="{}" class="an-label">{}</text>').format(ax, ay, right_y - 4, right_y, rec.title))
    names = ", ".join(r.title for r in sorted(parts, key=lambda r: r.title))
    svg = Html(
        '<figure class="anatomy-diagram">'
        '<svg viewBox="-200 0 800 450" role="img" aria-labelledby="an-t an-d">'
        '<title id="an-t">Diagram of the lower back seen from behind</title>'
        '<desc id="an-d">A simplified drawing, not to scale, labelling: {}.</desc>'
        "{}{}</svg>"
        "<figcaption>The lower back from behind, simplified and not to scale.</figcaption></figure>"
    ).format(names, Html("").join(shapes), Html("").join(labels))
    listing = [Html("- {}: {}").format(link(page, f"anatomy/{r.id}.md", r.title), r["summary"])
               for r in sorted(ds.kind("anatomy").values(), key=lambda r: r.title)]
    return svg + Html("\n\n") + NL.join(listing) + NL
