"""The annotated templates in data/_templates/ stay in step with the schemas.

Each template shows every field of its schema (optional ones too), marks each
field ``# required`` or ``# optional`` on its own line, lists the allowed words
(read from the vocabularies with macros.data.vocab) beside or just above the field,
and its example values pass the schema, so a contributor who copies it starts
from something valid. When a schema gains a field or a word, these tests fail
until the template documents it.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from macros.data import model, schemas, vocab, yamlload

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = ROOT / "data" / "_templates"
SCHEMA_DIR = ROOT / "data" / "schemas"

# template file stem -> schema name; the glossary template is one entry of terms:
TEMPLATES = {k.schema: k.schema for k in model.KINDS.values()}
TEMPLATES |= {"glossary-entry": "glossary", "triage": "triage"}

MARK = re.compile(r"\s#\s*(required|optional)\b")


def load_schemas() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMA_DIR.glob("*.schema.json"))}


def _target(all_schemas: dict, ref: str, base: str) -> tuple[dict, str, str]:
    """Follow one $ref: (target node, its file, the name of the definition)."""
    fname, _, pointer = ref.partition("#")
    fname = fname or base
    node = all_schemas[fname]
    parts = [p for p in pointer.split("/") if p]
    for part in parts:
        node = node[part]
    return node, fname, parts[-1] if parts else ""


def deref(all_schemas: dict, node: dict, base: str) -> tuple[dict, str]:
    while isinstance(node, dict) and "$ref" in node:
        node, base, _ = _target(all_schemas, node["$ref"], base)
    return node, base


def allowed_values(all_schemas: dict, node: dict, base: str) -> list[str] | None:
    """The fixed words a field accepts, from the vocabularies (or an enum), or None."""
    excluded: set[str] = set()
    name = ""
    while isinstance(node, dict):
        if isinstance(node.get("not"), dict) and "const" in node["not"]:
            excluded.add(node["not"]["const"])
        if "enum" in node:
            return [v for v in node["enum"] if v not in excluded]
        if "oneOf" in node and base == "vocabularies.schema.json" and name:
            return [v for v in vocab.get(name, SCHEMA_DIR).ids if v not in excluded]
        if "$ref" in node:
            node, base, name = _target(all_schemas, node["$ref"], base)
        elif node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        else:
            return None
    return None


def doc_of(lines: list[str], line_no: int) -> str:
    """A field's documentation: its own line plus the comment lines just above it."""
    doc = [lines[line_no - 1]]
    i = line_no - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        doc.append(lines[i])
        i -= 1
    return "\n".join(doc)


def has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def template_root(stem: str, data, all_schemas: dict) -> tuple[dict, str, object, tuple]:
    """(schema node, its file, the data it describes, the data's path) for a template."""
    name = TEMPLATES[stem]
    base = f"{name}.schema.json"
    if stem == "glossary-entry":
        assert isinstance(data, list) and data, "the glossary template must be a list with one entry"
        return all_schemas[base]["properties"]["terms"]["items"], base, data[0], (0,)
    return all_schemas[base], base, data, ()


def documentation_problems(stem: str, all_schemas: dict | None = None) -> list[str]:
    """Every way template `stem` fails to show and document its schema's fields."""
    all_schemas = all_schemas or load_schemas()
    path = TEMPLATE_DIR / f"{stem}.yaml"
    loaded = yamlload.load_file(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []

    def walk(node: dict, base: str, data, where: tuple) -> None:
        node, base = deref(all_schemas, node, base)
        if not isinstance(data, dict):
            out.append(f"{stem}: {yamlload.dotted(where)} must be a group of fields")
            return
        required = set(node.get("required", []))
        for key, prop in node.get("properties", {}).items():
            here = where + (key,)
            label = f"{stem}.yaml: {yamlload.dotted(here)}"
            if key not in data:
                out.append(f"{label} is missing: show every field of the schema, optional ones too")
                continue
            line_no = loaded.lines[here]
            mark = MARK.search(lines[line_no - 1])
            expected = "required" if key in required else "optional"
            if not mark:
                out.append(f"{label} (line {line_no}) has no '# {expected}' comment on its line")
            elif mark.group(1) != expected:
                out.append(f"{label} (line {line_no}) is marked '{mark.group(1)}' but the schema makes it {expected}")
            doc = doc_of(lines, line_no)
            for word in allowed_values(all_schemas, prop, base) or []:
                if not has_word(doc, word):
                    out.append(f"{label} (line {line_no}) does not list the allowed value '{word}'")
            sub, sub_base = deref(all_schemas, prop, base)
            value = data[key]
            if "properties" in sub:
                walk(sub, sub_base, value, here)
            elif sub.get("type") == "array" and isinstance(sub.get("items"), dict):
                items, items_base = deref(all_schemas, sub["items"], sub_base)
                if "properties" in items:
                    if not isinstance(value, list) or not value:
                        out.append(f"{label} needs an example item")
                    else:
                        walk(items, items_base, value[0], here + (0,))
            elif isinstance(sub.get("additionalProperties"), dict) and isinstance(value, dict):
                extra = sub["additionalProperties"]
                branches = [extra[k] for k in ("then", "else") if k in extra] or [extra]
                seen: set[int] = set()
                for item_key, item in value.items():
                    cond = extra.get("if", {})
                    branch = 0 if len(branches) == 1 or (
                        isinstance(item, dict) and all(k in item for k in cond.get("required", []))) else 1
                    if branch not in seen:
                        seen.add(branch)
                        walk(branches[branch], sub_base, item, here + (item_key,))
                for missing in sorted(set(range(len(branches))) - seen):
                    out.append(f"{label} needs an example of each kind of entry (missing: {['then', 'else'][missing]} branch)")

    node, base, data, where = template_root(stem, loaded.data, all_schemas)
    walk(node, base, data, where)
    return out


@pytest.mark.parametrize("stem", sorted(TEMPLATES))
def test_template_exists_and_reads_cleanly(stem):
    path = TEMPLATE_DIR / f"{stem}.yaml"
    assert path.is_file(), f"add the template {path.relative_to(ROOT)}"
    loaded = yamlload.load_file(path)
    assert not loaded.problems, [f"{p.line}: {p.field}: {p.message}" for p in loaded.problems]
    dates = schemas.date_fields()
    for where, raw in loaded.ambiguous.items():
        key = next((p for p in reversed(where) if isinstance(p, str)), "")
        assert key in dates, f"{stem}.yaml: {yamlload.dotted(where)}: quote {raw!r} (YAML tools read it as yes/no or a date)"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if stem != "glossary-entry":  # a fragment pasted into data/glossary.yaml
        assert first == f"# yaml-language-server: $schema=../schemas/{TEMPLATES[stem]}.schema.json", (
            f"{stem}.yaml must start with the schema line editors use to check it as you type")


@pytest.mark.parametrize("stem", sorted(TEMPLATES))
def test_template_documents_every_field(stem):
    problems = documentation_problems(stem)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("stem", sorted(TEMPLATES))
def test_template_example_is_valid(stem):
    data = yamlload.load_file(TEMPLATE_DIR / f"{stem}.yaml").data
    name = TEMPLATES[stem]
    if stem == "glossary-entry":
        data = {"terms": data}
    problems = [f"{yamlload.dotted(p)}: {m}" for p, m in schemas.check(name, data)]
    assert not problems, f"{stem}.yaml example values break its schema:\n" + "\n".join(problems)


@pytest.mark.parametrize("stem", sorted(TEMPLATES))
def test_template_ids_point_at_real_records(stem, dataset):
    """Example links name real records, so a copied template needs only its own text changed."""
    data = yamlload.load_file(TEMPLATE_DIR / f"{stem}.yaml").data
    name = TEMPLATES[stem]
    if stem == "glossary-entry":
        data = {"terms": data}
    for where, ref, target in schemas.fields(name, data).references:
        if target == "outcomes":  # the flowchart's own outcomes
            ids = set(data.get("outcomes") or {})
        elif target == "findings":
            ids = set(dataset.findings())
        else:
            ids = set(dataset.kind(target))
        assert ref in ids, f"{stem}.yaml: {yamlload.dotted(where)}: '{ref}' is not a {target} id in data/"


def test_every_template_is_known():
    stems = {p.stem for p in TEMPLATE_DIR.glob("*.yaml")}
    assert stems == set(TEMPLATES), f"unexpected or missing templates: {sorted(stems ^ set(TEMPLATES))}"


def test_a_new_schema_field_makes_the_check_fail():
    """The check is real: a field or a word the template lacks is reported."""
    all_schemas = copy.deepcopy(load_schemas())
    all_schemas["symptom.schema.json"]["properties"]["onset_age"] = {"type": "string"}
    problems = documentation_problems("symptom", all_schemas)
    assert any("onset_age is missing" in p for p in problems), problems

    all_schemas = copy.deepcopy(load_schemas())
    all_schemas["cause.schema.json"]["required"].append("outlook")
    problems = documentation_problems("cause", all_schemas)
    assert any("outlook" in p and "makes it required" in p for p in problems), problems


def test_vocabulary_words_are_checked(monkeypatch):
    real_get = vocab.get

    def with_new_group(name, schema_dir=SCHEMA_DIR):
        v = real_get(name, schema_dir)
        if name == "group":
            return vocab.Vocabulary(name, v.terms + (vocab.Term("blood", "Blood", "", {}),))
        return v

    monkeypatch.setattr(vocab, "get", with_new_group)
    problems = documentation_problems("cause")
    assert any("'blood'" in p for p in problems), problems


def test_vscode_maps_each_data_folder_to_its_schema():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    for kind, schema_name in ((k.name, k.schema) for k in model.KINDS.values()):
        globs = mapping.get(f"./data/schemas/{schema_name}.schema.json")
        assert globs and f"data/{kind}/*.yaml" in globs, f".vscode/settings.json: map data/{kind}/*.yaml to its schema"
    for fname, schema_name in model.SINGLE_FILES.items():
        globs = mapping.get(f"./data/schemas/{schema_name}.schema.json")
        assert globs and f"data/{fname}" in globs, f".vscode/settings.json: map data/{fname} to its schema"
