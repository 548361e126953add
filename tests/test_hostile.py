"""Hostile data: every string an attacker might write, in every text field, is refused or inert.

For each corpus string S, S goes into every text-bearing field of a small
fixture site (two causes and a few records of every other kind, cut from
data/). The validator then either refuses a field, with a message naming its
file, or the site builds with ``mkdocs build --strict`` into pages that are
inert: per page, every (tag, attribute name) pair already occurs on the same
page of the clean build, no ``on*`` handler or ``http-equiv``, no link or
image to a host the clean page does not link, no ``javascript:`` URL; and the
JSON API and search index parse. One build per corpus string (S in all the
fields the validator accepts); each of two processes builds its half of those
sites one after the other (``build_many``: one MkDocs start for many builds,
each still a whole ``mkdocs build --strict`` of its own folder), which keeps
this fast enough for every CI run. Figures are printed at the end
(``pytest -s``) and asserted.

The flowchart is a minimal one in data/triage.yaml's format (two screens,
an outcome per tier used, a combination rule, a note and a scenario); its
text fields (``triage_text_fields``) are attacked like the records'.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from macros.data import model, schemas, validate, vocab, yamlload
from macros.pages import text

from .conftest import ROOT
from .htmldom import parse

CORPUS = [
    # Known attacks from issue 10.
    "0;url=https://evil.example/\" http-equiv=\"refresh",
    "https://www.nice.org.uk/[x](https://evil.example/a)",
    "https://www.nice.org.uk/<em style=\"position:fixed;inset:0\">",
    "Fall [x](https://evil.example){: style=\"position:fixed;inset:0\"}",
    "left | right | split",
    "Name\x85with a C1 next line",
    "NUL\x00byte",
    "lone \ud800 surrogate",
    # Usual XSS.
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)",
    "</script><script>alert(1)</script>",
    "<!-- comment --> after",
    "<![CDATA[ x ]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "<a href=\"https://evil.example/\">x</a>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    # Templates.
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{# comment #}",
    # Markdown.
    "![img](https://evil.example/x.png)",
    "<https://evil.example/>",
    "[ref]: https://evil.example/",
    "[x][ref]\n\n[ref]: https://evil.example/",
    "text {: onclick=\"alert(1)\" }",
    "*[HTML]: Hyper Text",
    "# heading",
    "- item",
    "1. item",
    "!!! warning \"x\"",
    "`code` and ```fence```",
    "**bold** _it_ ~~del~~",
    "line one\n\n<div markdown=\"1\">[x](https://evil.example/)</div>",
    "back\\slash \\[x\\](https://evil.example/)",
    # Unicode variants.
    "＜script＞alert(1)＜/script＞",
    "spoof \u202egnp.exe",
    "zero\u200bwidth\u200d\ufeffjoin",
    "isolate \u2066x\u2069 and \u2028 separator",
    "\ufffe\uffff non-characters",
    # Glossary words (issue 21): Python-Markdown's placeholder words, and a common word marked everywhere.
    "wzxhzdk klzzwxh",
    "call",
]
# Also tried as a glossary term and form on their own (test_glossary_forms_are_refused_or_harmless).
GLOSSARY_CORPUS = ["wzxhzdk", "klzzwxh", "Wzxhzdk", "call", "The", "now", "pain", "go"]
# Strings that reach <head>: a quote, an angle bracket and an ampersand.
HEAD_CORPUS = "Head \" < & > ' test"

KEEP = {
    "causes": ["kidney-stones", "muscle-strain"],
    "symptoms": ["pain-spreading-to-groin", "back-muscle-spasm", "backache", "colicky-pain"],
    "risk-factors": ["heavy-lifting-or-exercise", "known-kidney-stone"],
    "treatments": ["nsaids", "heat"],
    "anatomy": ["kidneys", "paraspinal-muscles"],
}
GLOSSARY_TERMS = 3
WORKERS = max(1, min(2, os.cpu_count() or 1))


# ---- the fixture data -----------------------------------------------------------

def _drop_missing_refs(schema_name: str, data: dict, kept: dict[str, set[str]]) -> None:
    """Remove references (list items, or {id: ...} entries) to records not in the fixture."""
    doomed = []
    for path, ref_id, target in schemas.fields(schema_name, data).references:
        if target in kept and ref_id not in kept[target]:
            if isinstance(path[-1], int):
                doomed.append(path)
            elif path[-1] == "id" and isinstance(path[-2], int):
                doomed.append(path[:-1])
    for path in sorted(set(doomed), reverse=True):
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
    if schema_name == "treatment":
        data["evidence"] = [ev for ev in data["evidence"] if ev["causes"]]


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def mini_records() -> dict[str, dict[str, dict]]:
    """kind -> id -> data, for a small dataset that validates: KEEP plus the sources they cite."""
    kept = {kind: set(ids) for kind, ids in KEEP.items()}
    kept["findings"] = kept["symptoms"] | kept["risk-factors"]
    out: dict[str, dict[str, dict]] = {kind: {} for kind in model.KINDS}
    for kind, ids in KEEP.items():
        for rid in ids:
            out[kind][rid] = _read(ROOT / "data" / kind / f"{rid}.yaml")
    glossary = _read(ROOT / "data" / "glossary.yaml")
    glossary["terms"] = glossary["terms"][:GLOSSARY_TERMS]
    triage = minimal_triage(out)
    cited: set[str] = set()
    all_docs = [(model.KINDS[k].schema, d) for k in out for d in out[k].values()] + [("glossary", glossary), ("triage", triage)]
    # Few sources: the first of every source list (so none becomes empty).
    firsts: set[str] = set()
    for schema_name, data in all_docs:
        _drop_missing_refs(schema_name, data, kept)  # references to other kinds
        firsts |= {i for path, i, target in schemas.fields(schema_name, data).references if target == "sources" and path[-1] == 0}
    kept["sources"] = firsts
    for schema_name, data in all_docs:
        _drop_missing_refs(schema_name, data, kept)
        cited |= {i for _, i, target in schemas.fields(schema_name, data).references if target == "sources"}
    for sid in sorted(cited):
        out["sources"][sid] = _read(ROOT / "data" / "sources" / f"{sid}.yaml")
    out["_single"] = {"glossary": glossary, "triage": triage}
    return out


def minimal_triage(records: dict) -> dict:
    """A small flowchart in data/triage.yaml's format that the validator accepts for the mini dataset.

    The first screen asks about every finding with an urgency, each listed by
    an outcome of its tier; the second about a finding without one. A
    combination rule (an urgent finding with the calm one) has an emergency
    outcome; a note, a scenario and the safety net carry text too.
    """
    real = _read(ROOT / "data" / "triage.yaml")
    source = real["sources"][0]
    causes = sorted(records["causes"])[:1]
    findings = {**records["symptoms"], **records["risk-factors"]}
    urgent = sorted(f for f, d in findings.items() if d.get("urgency"))
    calm = sorted(f for f, d in findings.items() if not d.get("urgency"))
    assert urgent and calm, "the mini dataset needs findings with and without an urgency"
    outcomes = {"out-emergency": {"tier": "emergency", "title": "Get emergency help now", "advice": "Call for help.",
                                  "watch_for": "Anything worse.", "causes": list(causes)}}
    for fid in urgent:  # one outcome per tier of the findings' urgencies, listing them
        tier = findings[fid]["urgency"]
        outcomes.setdefault(f"out-{tier}", {"tier": tier, "title": "Get help", "advice": "Ask for help.", "causes": list(causes)})
        outcomes[f"out-{tier}"].setdefault("for_findings", []).append(fid)
    outcomes["out-self-care"] = {"tier": "self-care", "title": "Look after it at home", "advice": "Keep moving.",
                                 "watch_for": "Pain that gets worse.", "causes": list(causes)}
    return {
        "screens": [
            {"id": "signs", "label": "Signs", "question": "Do you have any of these signs?", "help": "Tick through the list.",
             "findings": urgent},
            {"id": "other", "label": "Other", "question": "Do you have this?", "help": "Tick it if it applies.", "findings": calm[:1]},
        ],
        "default_outcome": "out-self-care",
        "safety_net": "Call for help if you cannot feel your legs.",
        "notes": [{"when": calm[0], "text": "Say so when you get help."}],
        "outcomes": outcomes,
        "combinations": [{"id": "both", "together": [urgent[:1], calm[:1]], "at_least": "emergency", "outcome": "out-emergency",
                          "why": "Both together.", "sources": [source]}],
        "scenarios": [{"findings": calm[:1], "expect": "self-care", "why": "Nothing worrying.", "sources": [source]}],
        "sources": [source],
        "last_reviewed": real["last_reviewed"],
    }


def write_data(records: dict, data_dir: Path) -> None:
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "schemas", data_dir / "schemas")
    for kind in model.KINDS:
        (data_dir / kind).mkdir()
        for rid, data in records[kind].items():
            (data_dir / kind / f"{rid}.yaml").write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False), encoding="utf-8")
    for name, data in records["_single"].items():
        (data_dir / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False), encoding="utf-8")


# ---- which fields carry text ---------------------------------------------------------

def _resolve(node: dict, base: str) -> tuple[dict, str]:
    while isinstance(node, dict) and "$ref" in node:
        fname, _, pointer = node["$ref"].partition("#")
        base = fname or base
        node = schemas._resolve(node["$ref"], base)
    return node, base


def _text_paths(node: dict, base: str, data, path: tuple):
    """Paths of string values whose schema is free text (no enum, const, pattern or x-ref), plus url fields."""
    node, base = _resolve(node, base)
    if not isinstance(node, dict):
        return
    if isinstance(data, str):
        # A url is attacked too: its pattern refuses most of the corpus, the rest must come out inert.
        free = path[-1] == "url" or (not any(k in node for k in ("enum", "const", "oneOf", "x-ref", "format"))
                                     and "pattern" not in node)
        if free:
            yield path
        return
    if isinstance(data, dict):
        props = node.get("properties", {})
        for key, value in data.items():
            if key in props:
                yield from _text_paths(props[key], base, value, path + (key,))
    elif isinstance(data, list) and isinstance(node.get("items"), dict) and data:
        # Only the first item of a list: equal items would be refused as repeats, not for their text.
        yield from _text_paths(node["items"], base, data[0], path + (0,))


def text_fields(records: dict) -> list[tuple[str, str, tuple]]:
    """(kind, id, path) for every text-bearing field of every record, the glossary's first entry (and a term and a
    form), and the triage tree."""
    fields = []
    for kind in model.KINDS:
        for rid, data in records[kind].items():
            schema_name = model.KINDS[kind].schema
            fields += [(kind, rid, p) for p in _text_paths(schemas.schema(schema_name), f"{schema_name}.schema.json", data, ())]
    glossary = records["_single"]["glossary"]
    fields += [("glossary", "glossary", p) for p in _text_paths(schemas.schema("glossary"), "glossary.schema.json", glossary, ())
               if p[:2] == ("terms", 0)]
    # The glossary's words too (patterned, so _text_paths leaves them out): a term and, in another entry, a form.
    fields += [("glossary", "glossary", ("terms", 0, "term")), ("glossary", "glossary", ("terms", 1, "forms", 0))]
    fields += triage_text_fields(records["_single"]["triage"])
    return fields


def triage_text_fields(tree: dict) -> list[tuple[str, str, tuple]]:
    """("triage", "triage", path) for every text field of the minimal flowchart."""
    fields = [("triage", "triage", ("screens", i, key)) for i, screen in enumerate(tree["screens"])
              for key in ("question", "help", "label") if key in screen]
    fields += [("triage", "triage", ("outcomes", oid, key)) for oid, outcome in tree["outcomes"].items()
               for key in ("title", "advice", "watch_for") if key in outcome]
    fields += [("triage", "triage", ("safety_net",)), ("triage", "triage", ("notes", 0, "text")),
               ("triage", "triage", ("combinations", 0, "why")), ("triage", "triage", ("scenarios", 0, "why"))]
    return fields


def _set(records: dict, field: tuple[str, str, tuple], value: str) -> None:
    kind, rid, path = field
    node = records["_single"][rid] if kind in ("glossary", "triage") else records[kind][rid]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _file_of(field) -> str:
    kind, rid, _ = field
    return f"data/{rid}.yaml" if kind in ("glossary", "triage") else f"data/{kind}/{rid}.yaml"


# ---- refusal -------------------------------------------------------------------------

def refused_fields(data_dir: Path, fields: list) -> tuple[set, list[str]]:
    """Fields the validator refuses (named by file and field), and its report lines."""
    problems = validate.check(model.load(data_dir))
    refused = set()
    for p in problems:
        hits = [f for f in fields if _file_of(f) == p.file and (yamlload.dotted(f[2]) + ".").startswith(p.field + ".")]
        if not hits:  # a problem about the whole file: every hostile field in it
            hits = [f for f in fields if _file_of(f) == p.file]
        assert hits, f"the validator refused something that is not a hostile field: {p}"
        refused |= set(hits)
    return refused, [str(p) for p in problems]


def cli_refuses(data_dir: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = validate.main([str(data_dir)])
    assert code == 1, out.getvalue()
    return out.getvalue()


# ---- the built pages ---------------------------------------------------------------------

def make_site(root: Path) -> None:
    """A project folder around root/data: the real config, docs, overrides and code (linked)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("docs", "overrides", "macros"):
        if not (root / name).exists():
            (root / name).symlink_to(ROOT / name, target_is_directory=True)


# Builds many fixture sites in one process: `mkdocs build --strict --config-file ROOT/mkdocs.yml --site-dir ROOT/site`
# through MkDocs' own command line, once per ROOT, each in its folder with its own output; what a separate process
# would start afresh is reset between builds (the duplicate-message filter, whose memory would hide a repeated
# warning from --strict). Saves starting Python and importing MkDocs, Material and Markdown for every build.
BATCH = r"""
import contextlib, io, json, logging, os, sys, traceback
import click
from mkdocs import __main__ as cli, utils
from mkdocs.commands import build

results = []
for root in sys.argv[1:]:
    os.chdir(root)
    build.log.filters = [f for f in build.log.filters if not isinstance(f, utils.DuplicateFilter)]
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.cli.main(["build", "--strict", "--config-file", os.path.join(root, "mkdocs.yml"),
                          "--site-dir", os.path.join(root, "site")], prog_name="mkdocs", standalone_mode=False)
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:
            traceback.print_exc()
            code = 1
    logger = logging.getLogger("mkdocs")
    for handler in [h for h in logger.handlers if h.name == "MkDocsStreamHandler"]:
        logger.removeHandler(handler)
    results.append({"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
"""


def build_many(roots: list[Path]) -> list[subprocess.CompletedProcess]:
    """Each root's fixture site built with --strict, one MkDocs process for all: a finished process per root."""
    if not roots:
        return []
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("OFFLINE", None)
    env.pop("SITE_URL", None)
    done = subprocess.run([sys.executable, "-c", BATCH, *map(str, roots)], cwd=roots[0], env=env, capture_output=True, text=True)
    if done.returncode:
        pytest.fail(f"the build process failed:\n{done.stderr[-3000:]}")
    return [subprocess.CompletedProcess(["mkdocs", "build", "--strict", "--config-file", str(root / "mkdocs.yml")],
                                        r["returncode"], r["stdout"], r["stderr"])
            for root, r in zip(roots, json.loads(done.stdout.splitlines()[-1]), strict=True)]


def build(root: Path) -> subprocess.CompletedProcess:
    return build_many([root])[0]


URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset", "background"}
EMERGENCY_TELS = {"tel:" + term.id for term in vocab.get("emergencyNumber").terms}


def page_facts(html: str) -> tuple[set, set, list[str]]:
    """(tag, attribute) pairs, external hosts linked or loaded, and outright problems on one page."""
    pairs, hosts, problems = set(), set(), []
    for node in parse(html).iter():
        pairs.add((node.tag, None))
        for name, value in node.attrs.items():
            pairs.add((node.tag, name))
            if name.startswith("on") or name == "http-equiv" and node.tag == "meta" and "refresh" in value.lower():
                problems.append(f"<{node.tag} {name}={value!r}>")
            if name in URL_ATTRS:
                for url in (value.split(",") if name == "srcset" else [value]):
                    url = url.strip().split(" ")[0]
                    scheme = urllib.parse.urlsplit(url).scheme.lower() if url else ""
                    if scheme not in ("", "https", "http", "mailto", "tel"):
                        problems.append(f"<{node.tag} {name}={value!r}>: {scheme}: URL")
                    if scheme == "tel" and url not in EMERGENCY_TELS:  # tel: only for the vocabulary's emergency numbers
                        problems.append(f"<{node.tag} {name}={value!r}>: a tel: link to a number the guide does not list")
                    if url.startswith("//") or scheme in ("http", "https"):
                        hosts.add((node.tag, name, urllib.parse.urlsplit(url).hostname))
    return pairs, hosts, problems


def site_facts(site: Path) -> dict[str, tuple[set, set, list[str]]]:
    return {p.relative_to(site).as_posix(): page_facts(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}


def differences(clean: dict, hostile: dict) -> list[str]:
    """What the hostile build has that the clean one does not, page by page."""
    out = []
    if set(clean) != set(hostile):
        out.append(f"pages differ: {sorted(set(clean) ^ set(hostile))[:10]}")
    for page, (pairs, hosts, problems) in hostile.items():
        if page not in clean:
            continue
        clean_pairs, clean_hosts, _ = clean[page]
        out += [f"{page}: new <{t} {a or ''}>" for t, a in sorted(pairs - clean_pairs, key=str)]
        out += [f"{page}: new external {h}" for h in sorted(hosts - clean_hosts, key=str)]
        out += [f"{page}: {p}" for p in problems]
    return out


def json_problems(site: Path) -> list[str]:
    out = []
    for path in [*sorted((site / "api").glob("*.json")), site / "search" / "search_index.json"]:
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            out.append(f"{path.name}: {exc}")
    return out


# ---- the tests ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The clean fixture site: records, text fields, and the facts of its pages."""
    root = tmp_path_factory.mktemp("hostile") / "clean"
    records = mini_records()
    make_site(root)
    write_data(records, root / "data")
    assert validate.main([str(root / "data")]) == 0, "the fixture data must validate"
    result = build(root)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr
    return {"root": root, "records": records, "fields": text_fields(records), "facts": site_facts(root / "site")}


@pytest.mark.build
def test_fixture_covers_every_kind(mini):
    kinds = {f[0] for f in mini["fields"]}
    assert kinds >= set(model.KINDS) | {"glossary"}, kinds
    assert any(f[2] == ("url",) for f in mini["fields"]), "a source url is attacked"
    assert len(mini["fields"]) > 60


@pytest.mark.build
def test_comparison_catches_an_injected_tag_and_attribute(mini):
    """Negative control: the checks flag markup added to a clean page."""
    page = mini["root"] / "site" / "compare" / "kidney-or-back" / "index.html"
    html = page.read_text(encoding="utf-8")
    clean = {"p": page_facts(html)}
    cell = html.index(">", html.index("<td")) + 1  # cells carry data-label (macros/pages/cell_labels.py)
    for injected, expected in [
        ('<img src="https://evil.example/x.png">', "new external"),
        ('<marquee>x</marquee>', "new <marquee"),
        ('<a href="javascript:alert(1)">x</a>', "javascript: URL"),
        ('<span onmouseover="alert(1)">x</span>', "onmouseover"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "http-equiv"),
    ]:
        found = differences(clean, {"p": page_facts(html[:cell] + injected + html[cell:])})
        assert any(expected in d for d in found), (injected, found)
    assert differences(clean, {"p": page_facts(html)}) == []


@pytest.mark.build
def test_head_escapes_quote_angle_and_ampersand(mini, tmp_path):
    """Every field that reaches <head> (name -> title, summary/description/used_for -> description) keeps " < & as text."""
    records = copy.deepcopy(mini["records"])
    for field in mini["fields"]:
        if field[2] in (("name",), ("title",), ("summary",), ("description",), ("used_for",)):
            _set(records, field, HEAD_CORPUS)
    root = tmp_path / "head"
    make_site(root)
    write_data(records, root / "data")
    refused, report = refused_fields(root / "data", mini["fields"])
    assert not refused, report
    result = build(root)
    assert result.returncode == 0, result.stderr[-3000:]
    checked = 0
    for kind in model.KINDS:
        for rid in records[kind]:
            head = parse((root / "site" / kind / rid / "index.html").read_text(encoding="utf-8")).find("head")
            title = head.find("title").text()
            description = head.find("meta", name="description").attrs["content"]
            assert title.startswith(HEAD_CORPUS), title
            assert description.startswith(HEAD_CORPUS.rstrip()), description
            assert {n.tag for n in head.iter()} <= {t for t, _ in mini["facts"][f"{kind}/{rid}/index.html"][0]}
            checked += 1
    assert differences(mini["facts"], site_facts(root / "site")) == []
    assert checked == sum(len(records[k]) for k in model.KINDS)


@pytest.mark.build
@pytest.mark.long
def test_hostile_strings_are_refused_or_inert(mini, tmp_path):
    fields = mini["fields"]
    started = time.monotonic()
    jobs = []
    tally = {"tried": 0, "refused": 0, "inert": 0}
    for n, value in enumerate(CORPUS):
        records = copy.deepcopy(mini["records"])
        for field in fields:
            _set(records, field, value)
        root = tmp_path / f"case-{n}"
        make_site(root)
        write_data(records, root / "data")
        refused, report = refused_fields(root / "data", fields)
        if refused:
            text = cli_refuses(root / "data")
            for f in refused:
                assert _file_of(f) in text, f"{value!r}: refusal does not name {_file_of(f)}"
            for f in fields:  # build with the string in every field the validator accepts
                if f in refused:
                    _set(records, f, _get(mini["records"], f))
            write_data(records, root / "data")
            again, report = refused_fields(root / "data", fields)
            assert not again, f"{value!r}: still refused after taking out the refused fields:\n" + "\n".join(report)
        tally["tried"] += len(fields)
        tally["refused"] += len(refused)
        jobs.append((value, root, len(fields) - len(refused)))

    # Every site with an accepted field is built: WORKERS processes, each building its share of the sites in turn.
    roots = [root for _, root, accepted in jobs if accepted]
    with ThreadPoolExecutor(WORKERS) as pool:
        shares = list(pool.map(build_many, [roots[i::WORKERS] for i in range(WORKERS)]))
    results = {root: result for i in range(WORKERS) for root, result in zip(roots[i::WORKERS], shares[i], strict=True)}

    def check(job):
        value, root, accepted = job
        if not accepted:
            return value, 0, []
        result = results[root]
        if result.returncode:
            return value, accepted, [f"build failed:\n{result.stderr[-2000:]}"]
        site = root / "site"
        found = differences(mini["facts"], site_facts(site)) + json_problems(site)
        shutil.rmtree(site)
        return value, accepted, found

    failures = []
    for value, accepted, found in map(check, jobs):
        if found:
            failures.append(f"{value!r}:\n  " + "\n  ".join(found[:15]))
        else:
            tally["inert"] += accepted
    elapsed = time.monotonic() - started
    print(f"\nhostile corpus: {len(CORPUS)} strings x {len(fields)} fields = {tally['tried']} cases; "
          f"{tally['refused']} refused, {tally['inert']} built inert; {elapsed:.0f} s")
    assert not failures, "\n".join(failures)
    assert tally["refused"] + tally["inert"] == tally["tried"]


def _get(records: dict, field) -> object:
    kind, rid, path = field
    node = records["_single"][rid] if kind in ("glossary", "triage") else records[kind][rid]
    for key in path:
        node = node[key]
    return node


def test_output_escaping_alone_makes_known_attacks_inert():
    """Defence in depth without the validator: the page builders on a dataset holding the issue's attacks."""
    from macros.pages import compare, render, text

    ds = validate.load_valid(ROOT / "data")
    ds = copy.deepcopy(ds)
    rf = ds.get("risk-factors", "heavy-lifting-or-exercise")
    rf.data["name"] = 'Fall [x](https://evil.example){: style="position:fixed;inset:0"} | split \x85 \x00 \ud800'
    source = next(s for s in ds.kind("sources").values() if s.get("url"))
    source.data["url"] = "https://www.nice.org.uk/[x](https://evil.example/a)<em style=\"position:fixed\">"
    import markdown

    exts = ["tables", "md_in_html", "attr_list", "admonition", "abbr", "def_list"]
    for page in (compare.kidney_or_back(ds, "compare/kidney-or-back.md"), render.risk_factor_page(ds, rf), render.source_page(ds, source)):
        html = markdown.markdown(str(page), extensions=exts)
        tags = re.sub(r">[^<]*<", "><", html)  # the markup without its text
        assert "evil.example" not in tags and "style=" not in tags and "<em" not in tags, "an evil link or element was made"
        assert "\x85" not in html and "\x00" not in html and "\ud800" not in html
    assert text.read_front_matter(text.front_matter(render.record_meta(rf))) == text.cleaned_meta(render.record_meta(rf))
    assert text.cleaned_meta(render.record_meta(rf))["render_macros"] is False


def _every_text(meta: object, value: str) -> object:
    """The front matter with every text in it (list items, nested values) replaced by value."""
    if isinstance(meta, dict):
        return {k: _every_text(v, value) for k, v in meta.items()}
    if isinstance(meta, list):
        return [_every_text(v, value) for v in meta]
    return value if isinstance(meta, str) else meta


def test_mkdocs_reads_every_generated_front_matter_back_as_written():
    """Front matter is built as data and written once (text.front_matter), never parsed back during a build; this
    proves MkDocs' own reader gives back exactly that data (as cleaned): for every generated page, and for front
    matter holding every key a generated page has, with every text in it a hostile string (the JSON-LD too).
    So no text can add, drop or change a key (render_macros: false stays false)."""
    from mkdocs.utils import meta as mkdocs_meta

    from macros import pages
    from macros.pages import seo, text

    generated = pages.generate(validate.load_valid(ROOT / "data"), seo.Urls("https://example.org/guide/"), "Guide")
    assert len(generated) > 200
    for path, page in generated.items():
        assert mkdocs_meta.get_data(page.markdown)[1] == text.cleaned_meta(page.meta), path
        assert page.meta["render_macros"] is False and page.markdown.startswith("---\nrender_macros: false\n"), path
    every_key: dict = {}  # the front matter of every generated page at once: each key any page has
    for page in generated.values():
        every_key.update(page.meta)
    assert {"render_macros", "title", "description", "data_path", "tags", "search", "bsg_jsonld"} <= set(every_key)
    for value in [*CORPUS, *GLOSSARY_CORPUS]:
        for hostile in (_every_text(every_key, value), _every_text(every_key, f"x: {value} #")):
            read = mkdocs_meta.get_data(text.front_matter(hostile) + "# Title\n")
            assert read == ("# Title\n", text.cleaned_meta(hostile)), value
            assert read[1]["render_macros"] is False
    # Negative control: the same check catches front matter written as text (a line break in a title adds a key).
    meta = {"render_macros": False, "title": "Back\nrender_macros: true"}
    assert mkdocs_meta.get_data("---\n" + "".join(f"{k}: {v}\n" for k, v in meta.items()) + "---\n")[1] != meta


# ---- glossary tooltips (issue 21) ------------------------------------------------------------

def _tooltip_html(tmp_path, terms: list[dict], source: str) -> str:
    import markdown

    from macros.pages import glossary_md

    path = tmp_path / "glossary.yaml"
    path.write_text(yaml.safe_dump({"terms": terms}), encoding="utf-8")
    ext = glossary_md.makeExtension(glossary_file=str(path))
    return markdown.markdown(source, extensions=["tables", "md_in_html", "attr_list", "admonition", ext])


PLACEHOLDER_PAGE = (
    "It's a test &amp; more: colic.\n\n"
    '<div class="bsg-tree" data-rules="{&quot;a&quot;: 1}" markdown="0">wzxhzdk klzzwxh colic</div>\n\n'
    "| Head | It's |\n| --- | --- |\n| wzxhzdk:0 | klzzwxh &lt; colic |\n"
)


@pytest.mark.parametrize("word", ["wzxhzdk", "klzzwxh", "zhzdk", "x"])
def test_a_placeholder_term_cannot_split_the_stash_even_unchecked(tmp_path, monkeypatch, word):
    """The validator refuses placeholder words; the extension alone must still never split a stash placeholder
    (raw HTML, character references): the form check is switched off here to prove it."""
    from macros.data import glossary

    monkeypatch.setattr(glossary, "form_problem", lambda form, chars=True: None)
    html = _tooltip_html(tmp_path, [{"term": word, "meaning": "Broken on purpose."}, {"term": "colic", "meaning": "Pain."}],
                         PLACEHOLDER_PAGE)
    assert "\x02" not in html and "\x03" not in html
    assert 'data-rules="{&quot;a&quot;: 1}"' in html, html
    assert "It&#39;s" in html or "It's" in html
    assert "&amp; more" in html and "&lt; colic" in html
    assert html.count('<abbr title="Pain.">colic</abbr>') == 1, html


def test_the_extension_skips_terms_the_validator_refuses(tmp_path):
    """Run without the validator (another engine, no hook), common words and placeholder words never become tooltips."""
    terms = [{"term": "wzxhzdk", "meaning": "Placeholder."}, {"term": "sciatica", "meaning": "Leg pain.", "forms": ["call", "the"]}]
    html = _tooltip_html(tmp_path, terms, "Call now: the sciatica is the call.\n\n<div>wzxhzdk</div>")
    assert html.count("<abbr") == 1 and '<abbr title="Leg pain.">sciatica</abbr>' in html, html


def test_tooltips_mark_the_first_mention_in_text_only(tmp_path):
    terms = [{"term": "NSAID", "meaning": "Anti-inflammatory \"medicine\" <b>.", "forms": ["NSAIDs"]},
             {"term": "sciatica", "meaning": "Leg pain."}]
    source = ("# NSAIDs and sciatica\n\n"
              "`NSAIDs` in code, [NSAIDs](x.md) in a link, <abbr title=\"own\">NSAID</abbr> already marked.\n\n"
              "Take NSAIDs with food; an NSAID again. Sciatica here, sciatica there.\n\n"
              "!!! note \"sciatica\"\n    More sciatica.\n")
    html = _tooltip_html(tmp_path, terms, source)
    assert html.count("<abbr") == 3, html  # the page's own, then one per entry
    assert '<abbr title="Anti-inflammatory &quot;medicine&quot; &lt;b&gt;.">NSAIDs</abbr> with food; an NSAID again' in html
    assert '<abbr title="Leg pain.">Sciatica</abbr> here, sciatica there' in html
    assert "<h1" in html and "<abbr" not in html.split("</h1>")[0]
    assert "<code>NSAIDs</code>" in html and ">NSAIDs</a>" in html


def test_glossary_forms_are_refused_or_harmless(tmp_path, capsys):
    """Every hostile string, and the placeholder and common words, as a glossary term and as a form: refused by name."""
    from tests.test_validator import copy_dataset

    data = copy_dataset(tmp_path / "data")
    glossary_file = data / "glossary.yaml"
    original = glossary_file.read_text(encoding="utf-8")
    for value in [*CORPUS, *GLOSSARY_CORPUS]:
        for field in ("term", "forms"):
            entry = {"term": "test word", "meaning": "Hostile.", field: value if field == "term" else [value]}
            dumped = yaml.safe_dump([entry], allow_unicode=False, width=1000)
            glossary_file.write_text(original + "".join("  " + line for line in dumped.splitlines(keepends=True)), encoding="utf-8")
            problems = [str(p) for p in validate.check(model.load(data))]
            assert problems, f"{value!r} accepted as a glossary {field}"
            assert all(p.startswith("data/glossary.yaml:") and "terms[1]" in p for p in problems), problems


# ---- template code in hand-written pages (issue 21) -------------------------------------------

def test_only_plain_macro_calls_are_allowed():
    from macros.pages import handwritten
    from macros.pages.page_macros import MACRO_NAMES

    page = ('---\ntitle: "{{ 7*7 }}"\n---\n'
            '{{ tier_legend() }} and {{ care_card_top("emergency") }} and {{ emergency_signs(brief=True) }}\n'
            "{{ 7*7 }}\n{% for x in range(3) %}x{% endfor %}\n{# note #}\n"
            "{{ tier_legend().__class__ }}\n{{ tier_legend()|safe }}\n{{ care_card_top(config.site_name) }}\n"
            "{{ lipsum() }}\n{{ tier_legnd() }}\n{{ care_card_top(*x) }}\n{{tier_legend()}}\n")
    calls, problems = handwritten.parse(page, MACRO_NAMES)
    assert [(c.line, c.name, c.args, c.kwargs) for c in calls] == [
        (4, "tier_legend", (), ()), (4, "care_card_top", ("emergency",), ()), (4, "emergency_signs", (), (("brief", True),)),
        (14, "tier_legend", (), ())]
    lines = {line: message for line, message in problems}
    assert [line for line, _ in problems] == [2, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13]  # the title is rendered too
    assert lines[5] == ("'{{ 7*7 }}' is not a plain macro call; only a call of a known macro with literal arguments, "
                        "such as {{ tier_legend() }}, is allowed (no expressions, attributes or filters)")
    assert lines[7] == ("'{#': template statements and comments are not allowed in a page; only a plain macro call such as "
                        "{{ tier_legend() }} (write the braces another way, or remove them)")
    assert lines[10] == ("the arguments of care_card_top() must be literal values (text in quotes, numbers, True or False), "
                         "such as {{ care_card_top(\"emergency\") }}")
    assert lines[11] == "'lipsum' is not a macro; see macros/pages/page_macros.py for the macros"
    assert lines[12] == "'tier_legnd' is not a macro; did you mean 'tier_legend'?"
    assert handwritten.opted_in({"render_macros": True}) and not handwritten.opted_in({"render_macros": False})
    assert not handwritten.opted_in({}) and not handwritten.opted_in(None)


def test_a_hand_written_page_cannot_set_the_generated_json_ld(tmp_path):
    """overrides/main.html prints bsg_jsonld as it is in a <script> in <head>: only the page generator may write it.
    The hook (template_problems) and `python -m macros.pages OUT --docs` refuse it in hand-written front matter."""
    from macros.pages import handwritten

    page = '---\ntitle: Offline\nbsg_jsonld: "</script><script>alert(1)</script>"\n---\n\nText\n'
    message = ("'bsg_jsonld' is written by the page generator (the page's schema.org data); a hand-written page "
               "cannot set it: remove the line")
    assert handwritten.reserved_keys(page, text.read_front_matter(page)) == [(3, message)]
    assert handwritten.reserved_keys("---\ntitle: Offline\n---\n", {"title": "Offline"}) == []
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "offline.md").write_text(page, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "macros.pages", str(tmp_path / "out"), "--docs", str(docs),
                             "--config", str(ROOT / "mkdocs.yml")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and f"offline.md:3: front matter: {message}" in result.stdout, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def _project_with_pages(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("docs", "data"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("overrides", "macros"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    for path, content in pages.items():
        (root / "docs" / path).write_text(content, encoding="utf-8")
    return root


def test_template_code_in_a_page_runs_only_where_opted_in_and_then_only_as_plain_calls(tmp_path):
    """docs/offline.md once ran a shell command from a {{ ... }} in a prose edit. A page that does not opt in (here
    docs/open-data.md) keeps its braces as text; a page that opts in (render_macros: true) with anything but plain
    calls fails the build."""
    attack = "{{ self.__init__.__globals__ }} {{ 7*7 }} {% if true %}shown{% endif %}"
    plain = (ROOT / "docs" / "open-data.md").read_text(encoding="utf-8")
    assert "render_macros" not in plain
    inert = build(_project_with_pages(tmp_path / "inert", {"open-data.md": plain + "\n\nBraces: " + attack + "\n"}))
    assert inert.returncode == 0, inert.stderr[-3000:]
    html = (tmp_path / "inert" / "site" / "open-data" / "index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in html and "{% if true %}shown{% endif %}" in html and "49" not in html.split("Braces:")[1][:200]

    opted = "---\nrender_macros: true\n---\n" + plain
    failed = build(_project_with_pages(tmp_path / "opted", {"open-data.md": opted + "\n\nBraces: " + attack + "\n"}))
    assert failed.returncode != 0
    line = opted.count("\n") + 3
    assert f"docs/open-data.md:{line}: template code: '{{{{ self.__init__.__globals__ }}}}' is not a plain macro call" in failed.stderr
    assert f"docs/open-data.md:{line}: template code: '{{%': template statements and comments are not allowed" in failed.stderr
    assert "Traceback" not in failed.stderr
