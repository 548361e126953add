"""Shape checks: each record against its JSON Schema in the data folder's schemas/ (data/schemas/).

Every function takes the schema folder (default: this repository's
data/schemas/); the validator passes the checked data folder's own
(``Dataset.schema_dir``), which is also the folder the open-data API publishes.

Turns jsonschema's errors into contributor-friendly ``(path, message)``
pairs ("unknown field 'sumary'; did you mean 'summary'?") and walks the
schemas for the ``x-ref`` annotations that mark fields holding ids of other
records, so the reference rule needs no list of its own.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from . import limits

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "data" / "schemas"


@dataclass
class _Folder:
    """One schema folder as read: its schemas, the files that are not JSON, and what walking them worked out."""

    schemas: dict[str, dict]
    broken: tuple[tuple[str, int, str, str], ...]
    resolved: dict[tuple[str, str | None], dict] = field(default_factory=dict)  # (ref, base) -> schema node
    kinds: dict[int, tuple[dict, str | None]] = field(default_factory=dict)  # id(node) -> (node, its string kind)

    def resolve(self, ref: str, base: str | None) -> dict:
        """The schema node a $ref points at, from the file ``base`` (a ref without a file name stays in it)."""
        key = (ref, base)
        if key not in self.resolved:
            fname, _, pointer = ref.partition("#")
            target = self.schemas[fname or base] if (fname or base) else {}
            for part in [p for p in pointer.split("/") if p]:
                target = target[part]
            self.resolved[key] = target
        return self.resolved[key]

    def string_kind(self, sch: dict, base: str) -> str | None:
        """The kind of string a schema node describes (see Fields.strings), or None; worked out once per node."""
        known = self.kinds.get(id(sch))
        if known is not None and known[0] is sch:  # the node is kept alongside, so its id cannot be reused
            return known[1]
        node, merged = sch, {}
        while isinstance(node, dict):
            for key, value in node.items():
                merged.setdefault(key, value)
            if "$ref" not in node:
                break
            ref = node["$ref"]
            node, base = self.resolve(ref, base), ref.partition("#")[0] or base
        patterned = {"pattern", "enum", "const", "oneOf"} & set(merged)
        if merged.get("format") == "uri":
            kind = "url"
        elif merged.get("type") != "string" and not patterned:
            kind = None
        else:
            kind = "word" if patterned else "line" if merged.get("x-single-line") is True else "text"
        self.kinds[id(sch)] = (sch, kind)
        return kind


@lru_cache(maxsize=4)
def _read(schema_dir: Path) -> _Folder:
    """The schemas (file name -> schema) and (file name, line, field, problem) for each file that cannot be used:
    not JSON, a $ref that leaves the folder, points at nothing or loops, a pattern that is not a regular
    expression or takes too long (see ``_usable``). Read and judged once per folder.

    A link or special file is never read (the validator reports it: model.unsafe_entries)."""
    found: dict[str, dict] = {}
    raw: dict[str, str] = {}
    broken: list[tuple[str, int, str, str]] = []
    for path in sorted(Path(schema_dir).glob("*.schema.json")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            raw[path.name] = path.read_text(encoding="utf-8")
            found[path.name] = json.loads(raw[path.name])
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            broken.append((path.name, 1, "(file)", f"is not valid JSON ({exc}); fix it or copy it again from the guide's data/schemas/"))
    broken += _usable(found, raw)
    usable = {name: sch for name, sch in found.items() if isinstance(sch, dict)}
    return _Folder(usable, tuple(broken))


# ---- schemas that cannot be used: references, loops, patterns ---------------------------

_SCHEME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
# Keywords whose schemas apply to the same value as the schema holding them: a loop through these never ends.
_SAME_VALUE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas")
PATTERN_SECONDS = 3.0  # the most a folder's patterns may take on all the probe strings together


def _line_of(raw: str, key: str, value: object) -> int:
    """The first line of raw JSON holding "key": value (1 if not found). Only asked for a line to report."""
    needle = re.compile(re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(json.dumps(value)))
    found = needle.search(raw)
    return raw.count("\n", 0, found.start()) + 1 if found else 1


def _nodes(node: Any, pointer: str = ""):
    """(JSON pointer, schema object) for every object in a schema file."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from _nodes(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _nodes(value, f"{pointer}/{i}")


def _target(found: dict[str, Any], ref: str, base: str) -> tuple[str, str] | str:
    """(file, pointer) a local $ref points at, or what is wrong with it."""
    if not isinstance(ref, str) or _SCHEME.match(ref):
        return "refers to another site; a schema may refer only to schema files beside it, e.g. vocabularies.schema.json#/$defs/id"
    fname, _, pointer = ref.partition("#")
    fname = fname or base
    if fname not in found:
        return f"refers to {fname}, which is not in this folder; refer to a schema file beside it"
    node: Any = found[fname]
    for part in [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]] if pointer else []:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return f"points at {ref!r}, which is not in {fname}; fix the path after #"
    if pointer and not pointer.startswith("/"):
        return f"points at {ref!r}; write the path after # as /$defs/name"
    return fname, pointer


def _usable(found: dict[str, Any], raw: dict[str, str]) -> list[tuple[str, int, str, str]]:
    """(file, line, field, problem) for every $ref that leaves the folder, points at nothing or starts a loop of
    schemas applied to the same value, every $id (references are by file name only), and every pattern
    that is not a regular expression or backtracks catastrophically."""
    problems: list[tuple[str, int, str, str]] = []
    edges: dict[tuple[str, str], list[tuple[str, str]]] = {}
    where: dict[tuple[str, str], tuple[str, int, str]] = {}
    patterns: dict[str, tuple[str, int]] = {}
    for fname, sch in found.items():
        if not isinstance(sch, dict):
            problems.append((fname, 1, "(file)", "must be a JSON object (a schema); copy it again from the guide's data/schemas/"))
            continue
        for pointer, node in _nodes(sch):
            out = edges.setdefault((fname, pointer), [])
            for key in _SAME_VALUE:
                value = node.get(key)
                subs = value if isinstance(value, list) else list(value.values()) if key == "dependentSchemas" and isinstance(value, dict) else [value]
                keys = range(len(subs)) if isinstance(value, list) else list(value) if key == "dependentSchemas" and isinstance(value, dict) else [None]
                for k, sub in zip(keys, subs, strict=True):
                    if isinstance(sub, dict):
                        out.append((fname, f"{pointer}/{key}" + ("" if k is None else f"/{k}")))
            if "$id" in node:
                problems.append((fname, _line_of(raw[fname], "$id", node["$id"]),
                                 "$id", "schemas here are known by their file name; delete the $id"))
            if "$ref" in node:
                target = _target(found, node["$ref"], fname)
                if isinstance(target, str):
                    problems.append((fname, _line_of(raw[fname], "$ref", node["$ref"]), "$ref", target))
                else:
                    out.append(target)
                    where[(fname, pointer)] = (fname, raw[fname], node["$ref"])
            if isinstance(node.get("pattern"), str) and (pointer.rsplit("/", 1)[-1] != "properties"):
                patterns.setdefault(node["pattern"], fname)
    problems += _loops(edges, where)
    problems += [(fname, _line_of(raw[fname], "pattern", pattern), "pattern", message)
                 for pattern, message in slow_patterns(list(patterns)).items() for fname in [patterns[pattern]]]
    return problems


def _loops(edges: dict, where: dict) -> list[tuple[str, int, str, str]]:
    """One problem per loop of $refs (and allOf, then, ...) that applies schemas to the same value forever."""
    state: dict[tuple[str, str], int] = {}
    problems = []
    for start in sorted(edges):
        if start in state:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                loop = path[path.index(nxt):]
                ref = next((where[n] for n in loop if n in where), None)
                fname, line, text = (ref[0], _line_of(ref[1], "$ref", ref[2]), ref[2]) if ref else (loop[0][0], 1, "")
                shown = " -> ".join(f"{f}#{p or '/'}" for f, p in loop + [nxt])
                problems.append((fname, line, "$ref", f"{text!r} makes a loop ({shown}) that never reaches a type to check; "
                                              "point it at a definition that does not lead back here"))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(edges.get(nxt, ()))))
                path.append(nxt)
    return problems


# Strings that make a backtracking pattern slow: long runs of one or two kinds of character, each ended by a
# character the pattern is unlikely to accept there.
_PROBE = """
import itertools, json, re, sys
patterns = json.loads(sys.stdin.read())
probes = []
for n in (32, 3000):
    for c in "aA0 -._/:'x\\t":
        probes += [c * n + end for end in ("!", "\\n", "\\u2603", "")]
    for a, b in itertools.combinations("aA0 -._/", 2):
        probes += [(a + b) * (n // 2) + end for end in ("!", "\\n")]
for i, pattern in enumerate(patterns):
    compiled = re.compile(pattern)
    for probe in probes:
        compiled.search(probe)
    print(i, flush=True)
"""
_pattern_verdicts: dict[str, str | None] = {}


def slow_patterns(patterns: list[str]) -> dict[str, str]:
    """pattern -> problem, for each pattern that is not a regular expression or takes more than PATTERN_SECONDS
    on the probe strings (run in a child process, so a catastrophic pattern is stopped, never waited on).
    Each pattern is judged once per process."""
    todo = []
    for pattern in dict.fromkeys(patterns):
        if pattern in _pattern_verdicts:
            continue
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError) as exc:
            _pattern_verdicts[pattern] = f"is not a regular expression ({exc}); fix it"
            continue
        todo.append(pattern)
    while todo:
        done = _probe(todo)
        if done < len(todo):
            _pattern_verdicts[todo[done]] = (
                f"{limits.shown(todo[done])} takes more than {PATTERN_SECONDS:g} s on a short test string: a repeated group "
                "that can match the same text in many ways, such as ([a-z]+)+, backtracks without end; rewrite it")
        _pattern_verdicts.update({p: None for p in todo[:done]})
        todo = todo[done + 1:]
    return {p: _pattern_verdicts[p] for p in patterns if _pattern_verdicts.get(p)}


def _probe(patterns: list[str]) -> int:
    """How many of patterns (in order) ran through every probe string within the time allowed."""
    with subprocess.Popen([sys.executable, "-I", "-c", _PROBE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as child:
        try:
            out, _ = child.communicate(json.dumps(patterns), timeout=PATTERN_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            out, _ = child.communicate()
    return len([line for line in out.splitlines() if line.strip().isdigit()])


def _folder(schema_dir: Path) -> _Folder:
    return _read(schema_dir if isinstance(schema_dir, Path) else Path(schema_dir))


def _schemas(schema_dir: Path = SCHEMA_DIR) -> dict[str, dict]:
    return _folder(schema_dir).schemas


def broken(schema_dir: Path) -> tuple[tuple[str, int, str, str], ...]:
    """(file name, line, field, problem) for every schema file in schema_dir that cannot be used (see ``_read``)."""
    return _folder(schema_dir).broken


@lru_cache(maxsize=32)
def validator(name: str, schema_dir: Path = SCHEMA_DIR) -> Draft202012Validator:
    schemas = _schemas(schema_dir)
    registry = Registry().with_resources(
        (fname, Resource.from_contents(s, default_specification=DRAFT202012)) for fname, s in schemas.items()
    )
    return Draft202012Validator(schemas[f"{name}.schema.json"], registry=registry)


def schema(name: str, schema_dir: Path = SCHEMA_DIR) -> dict:
    return _schemas(schema_dir)[f"{name}.schema.json"]


def missing(schema_dir: Path, names) -> list[str]:
    """The schema files among ``<name>.schema.json`` for names that schema_dir lacks."""
    have = _schemas(schema_dir)
    return [f"{n}.schema.json" for n in names if f"{n}.schema.json" not in have]


def closest(word: str, choices) -> str | None:
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices) -> str:
    """"did you mean 'x'? " for the closest choice, or nothing."""
    best = closest(word, choices)
    return f"did you mean '{best}'? " if best else ""


def check(name: str, data: Any, schema_dir: Path = SCHEMA_DIR) -> Iterator[tuple[tuple, str]]:
    """Yield (path, message) for every way data breaks schema `name` (in schema_dir: the data folder's own schemas)."""
    for error in validator(name, Path(schema_dir)).iter_errors(data):
        yield from _explain(error)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    return limits.shown(value)


# ---- explaining jsonschema's errors: one function per keyword -------------------------

@dataclass(frozen=True)
class _Failed:
    """One jsonschema error, as the explainers below read it."""

    path: tuple  # where in the record
    schema: dict  # the schema node whose keyword failed
    value: Any  # the value that failed it
    expected: Any  # the keyword's value in the schema (jsonschema's validator_value)
    hint: str | None  # the node's x-hint: the schema's own words for what to write
    message: str  # jsonschema's message, for keywords with no explainer

    @classmethod
    def of(cls, error) -> _Failed:
        sch = error.schema if isinstance(error.schema, dict) else {}
        return cls(tuple(error.absolute_path), sch, error.instance, error.validator_value, sch.get("x-hint"), error.message)


Explained = Iterator[tuple[tuple, str]]


def _default(f: _Failed) -> Explained:
    yield f.path, f.hint or f.message


def _required(f: _Failed) -> Explained:
    for key in f.expected:
        if isinstance(f.value, dict) and key not in f.value:
            yield f.path + (key,), f"is missing; add '{key}:' (required: {_describe(f.schema, key)})"


def _dependent_required(f: _Failed) -> Explained:
    for trigger, needed in f.expected.items():
        if isinstance(f.value, dict) and trigger in f.value:
            for key in needed:
                if key not in f.value:
                    yield f.path + (key,), f"is required when '{trigger}' is set; add a short '{key}:' saying why"


def _additional_properties(f: _Failed) -> Explained:
    allowed = list(f.schema.get("properties", {}))
    for key in f.value if isinstance(f.value, dict) else ():
        if key in allowed:
            continue
        if f.value[key] is None and " " in key.strip():
            yield f.path + (key,), ("looks like text cut at a comma inside { }, which YAML reads as a new field; "
                                    "put the whole text in double quotes")
            continue
        best = closest(key, allowed)
        yield f.path + (key,), (
            f"is not a known field; did you mean '{best}'?" if best
            else f"is not a known field here; remove it, or use one of: {', '.join(allowed)}"
        )


def _one_of(f: _Failed) -> Explained:
    if not all("const" in b for b in f.expected):
        yield from _default(f)  # only a vocabulary (a oneOf of consts) has words to suggest
        return
    allowed = [b["const"] for b in f.expected]
    yield f.path, f"{_shown(f.value)} is not allowed; {did_you_mean(f.value, allowed)}use one of: {', '.join(allowed)}"


def _enum(f: _Failed) -> Explained:
    allowed = list(f.expected)
    yield f.path, f"{_shown(f.value)} is not allowed; {did_you_mean(f.value, allowed)}use one of: {', '.join(map(str, allowed))}"


def _not(f: _Failed) -> Explained:
    if f.hint:
        yield f.path, f"{_shown(f.value)}: {f.hint}"
    else:
        yield from _default(f)


def _type(f: _Failed) -> Explained:
    value, expected = f.value, f.expected
    if value is None:
        yield f.path, "is empty; fill it in or remove the line"
    elif isinstance(value, bool) and expected == "string":
        yield f.path, f"is read as {_shown(value)} (yes/no), not text; put the text in quotes"
    elif expected == "array":
        yield f.path, "must be a list: put each item on its own line starting with '- '"
    elif expected == "object":
        yield f.path, "must be a group of fields: 'key: value' lines indented under it"
    elif expected == "string":
        yield f.path, f"must be text, not {type(value).__name__}; put it in quotes"
    else:
        yield f.path, f"must be {expected}, not {_shown(value)}"


def _pattern(f: _Failed) -> Explained:
    yield f.path, f"{_shown(f.value)} {f.hint}" if f.hint else f"{_shown(f.value)} does not have the expected form"


def _min_length(f: _Failed) -> Explained:
    yield f.path, "is empty; write the text or remove the field"


def _max_length(f: _Failed) -> Explained:
    yield f.path, f"is {len(f.value):,} characters; shorten it to {f.expected:,} or fewer"


def _max_items(f: _Failed) -> Explained:
    yield f.path, f"lists {len(f.value):,} items; the most allowed here is {f.expected:,}, so keep the ones that matter most"


def _max_properties(f: _Failed) -> Explained:
    yield f.path, f"has {len(f.value):,} entries; the most allowed here is {f.expected:,}"


def _min_items(f: _Failed) -> Explained:
    yield f.path, f.hint or f"needs at least {f.expected} item(s)"


def _unique_items(f: _Failed) -> Explained:
    yield f.path, "lists the same item twice; remove the repeat"


def _min_properties(f: _Failed) -> Explained:
    yield f.path, f"needs at least {f.expected} entries"


def _property_names(f: _Failed) -> Explained:
    yield f.path, f"has a key that is not a valid id: {f.message}"


# jsonschema keyword -> the function that says what went wrong and how to fix it; any other keyword: _default.
EXPLAIN = {
    "required": _required,
    "dependentRequired": _dependent_required,
    "additionalProperties": _additional_properties,
    "oneOf": _one_of,
    "enum": _enum,
    "not": _not,
    "type": _type,
    "pattern": _pattern,
    "minLength": _min_length,
    "maxLength": _max_length,
    "maxItems": _max_items,
    "maxProperties": _max_properties,
    "minItems": _min_items,
    "uniqueItems": _unique_items,
    "minProperties": _min_properties,
    "propertyNames": _property_names,
}


def _explain(error) -> Explained:
    """(path, message) pairs for one jsonschema error, in a contributor's words."""
    yield from EXPLAIN.get(error.validator, _default)(_Failed.of(error))


def _describe(sch: dict, key: str) -> str:
    prop = sch.get("properties", {}).get(key, {})
    text = prop.get("description") or ""
    if not text and "$ref" in prop:
        text = _resolve(prop["$ref"], None).get("description", "")
    return text.rstrip(".") or "see the template in data/_templates/"



# ---- references -------------------------------------------------------

def _resolve(ref: str, base: str | None, schema_dir: Path = SCHEMA_DIR) -> dict:
    return _folder(schema_dir).resolve(ref, base)


@dataclass(frozen=True)
class Fields:
    """What one walk of a record against its schema finds (``fields``)."""

    references: tuple[tuple[tuple, str, str], ...]  # (path, id, target) for every value whose schema carries x-ref
    # (path, value, kind) for every text value, kind read from the schema: "url" a web address (format: uri after
    # $ref); "text" free text a contributor writes (no pattern, enum, const or oneOf); "line" free text on one
    # line (x-single-line: true); "word" ids, dates, vocabulary words and other patterned values.
    strings: tuple[tuple[tuple, str, str], ...]


def fields(name: str, data: Any, schema_dir: Path = SCHEMA_DIR) -> Fields:
    """The references and the string fields of data (a record following schema `name`), in one walk."""
    folder = _folder(schema_dir)
    refs: dict[tuple, tuple[tuple, str, str]] = {}
    strings: dict[tuple, tuple[tuple, str, str]] = {}
    for path, value, sch, base in _walk(schema(name, schema_dir), f"{name}.schema.json", data, (), folder):
        if not isinstance(value, str):
            continue
        if "x-ref" in sch and (path, sch["x-ref"]) not in refs:
            refs[(path, sch["x-ref"])] = (path, value, sch["x-ref"])
        if path not in strings:
            kind = folder.string_kind(sch, base)
            if kind:
                strings[path] = (path, value, kind)
    return Fields(tuple(refs.values()), tuple(strings.values()))


def _walk(sch: dict, base: str, data: Any, path: tuple, folder: _Folder):
    """Yield (path, value, schema node, schema file) for every schema node that applies to every value."""
    if not isinstance(sch, dict):
        return
    yield path, data, sch, base
    if "$ref" in sch:
        ref = sch["$ref"]
        fname = ref.partition("#")[0] or base
        yield from _walk(folder.resolve(ref, base), fname, data, path, folder)
    for key in ("then", "else"):
        if key in sch:
            yield from _walk(sch[key], base, data, path, folder)
    if isinstance(data, dict):
        props = sch.get("properties", {})
        extra = sch.get("additionalProperties")
        for key, value in data.items():
            if key in props:
                yield from _walk(props[key], base, value, path + (key,), folder)
            elif isinstance(extra, dict):
                yield from _walk(extra, base, value, path + (key,), folder)
    elif isinstance(data, list) and isinstance(sch.get("items"), dict):
        for i, value in enumerate(data):
            yield from _walk(sch["items"], base, value, path + (i,), folder)


def date_fields(schema_dir: Path = SCHEMA_DIR) -> set[str]:
    """Names of properties that hold dates, read from the schemas."""
    names: set[str] = set()

    def visit(node):
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                if isinstance(prop, dict) and (
                    prop.get("$ref", "").endswith("/date") or prop.get("pattern", "").startswith("^[0-9]{4}")
                ):
                    names.add(key)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for s in _schemas(Path(schema_dir)).values():
        visit(s)
    return names
