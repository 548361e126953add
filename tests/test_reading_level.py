"""Plain words, measured: Flesch-Kincaid grade (textstat) of the text readers meet first.

One-line summaries (causes, treatments, parts of the body) and each
treatment's risks and "avoid if" text. NHS pages sit around grade 6-8.

When the test was written (issue 12) summaries had median 9.1, worst 13.8, and
risks and avoid-if median 8.3, worst 16.5. After the plain-words rewrite of the
hardest texts the data meets the issue's target (median 8 or below, no single
text above 11): summaries median 6.35, worst 9.6; risks and avoid-if median 6.4,
worst 9.5. The limits are those figures, so they cannot get worse.
"""

from __future__ import annotations

import statistics
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # textstat 0.7.4 imports pkg_resources, which warns that it is deprecated
    import textstat

# (median, worst) allowed, per group of texts.
LIMITS = {"summaries": (6.4, 9.6), "risks and avoid-if": (6.4, 9.5)}


def grades(dataset) -> dict[str, dict[str, float]]:
    summaries = {f"{kind}/{r.id}": textstat.flesch_kincaid_grade(r["summary"])
                 for kind in ("causes", "treatments", "anatomy") for r in dataset.kind(kind).values() if r.get("summary")}
    risks = {f"treatments/{r.id} {field}": textstat.flesch_kincaid_grade(r[field])
             for r in dataset.kind("treatments").values() for field in ("risks", "avoid_if") if r.get(field)}
    return {"summaries": summaries, "risks and avoid-if": risks}


@pytest.mark.parametrize("group", sorted(LIMITS))
def test_reading_level_does_not_get_worse(dataset, group):
    found = grades(dataset)[group]
    assert len(found) > 20
    median_limit, worst_limit = LIMITS[group]
    median = statistics.median(found.values())
    hardest = sorted(found.items(), key=lambda kv: -kv[1])[:5]
    print(f"{group}: {len(found)} texts, median grade {median:.1f}, hardest {hardest}")
    assert median <= median_limit, f"{group}: median Flesch-Kincaid grade {median:.1f} is above {median_limit}; hardest: {hardest}"
    over = {k: v for k, v in found.items() if v > worst_limit}
    assert not over, f"{group}: above grade {worst_limit}: {over}"


def test_textstat_is_the_pinned_version():
    """Later textstat versions fetch data at run time and fail offline; grades also differ between versions."""
    from importlib.metadata import version

    assert version("textstat") == "0.7.4"


# ---- whole pages (issue 20) ----------------------------------------------------------------------

# Elements read as one unit each: a list item, a summary line or a table cell with no full stop is still a
# sentence to the reader, so it is counted as one (textstat would otherwise join a whole list into one sentence).
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "td", "th", "dt", "dd", "figcaption", "caption"}


def page_text(path) -> str:
    """The words of a built page's article, every block (open or collapsed) a sentence; no permalinks, scripts or styles."""
    from .htmldom import parse

    out: list[str] = []

    def own_text(node) -> str:
        parts = []
        for child in node.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in BLOCKS and child.tag not in ("script", "style", "svg") and "headerlink" not in child.classes \
                    and not any(d.tag in BLOCKS for d in child.iter()):
                parts.append(child.text())
        return " ".join("".join(parts).split())

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, str) or child.tag in ("script", "style", "svg") or "headerlink" in child.classes:
                continue
            if child.tag in BLOCKS:
                words = own_text(child)
                if words:
                    out.append(words if words[-1] in ".!?:;" else words + ".")
            walk(child)

    walk(parse(path.read_text(encoding="utf-8")).find("article"))
    return "\n".join(out)


def test_emergency_page_reads_at_grade_8_or_below(built_site):
    """Issue 20: the page a frightened reader needs most was grade 10.0 (this measure; 10.3 in the issue) with
    24 words a sentence. Rewritten as signs in the reader's words, it reads at 4.3, every collapsed line included."""
    text = page_text(built_site / "emergency" / "index.html")
    assert len(text.split()) > 500, "the page's text was not found"
    grade = textstat.flesch_kincaid_grade(text)
    print(f"emergency page: Flesch-Kincaid grade {grade:.1f}, {len(text.split())} words")
    assert grade <= 8, f"the emergency page reads at grade {grade:.1f}"
