"""Strict YAML loading that remembers where every value came from.

Contributors edit YAML by hand, often in a web editor, so this loader turns
YAML's silent traps into clear problems instead of wrong data:

* duplicate keys (PyYAML would keep the last one silently);
* anchors and aliases (refused before they are expanded, so an alias bomb
  fails at once);
* tabs used for indentation, bytes that are not UTF-8, empty files;
* syntax errors, reported with line and column.

Plain scalars follow YAML 1.2's core schema: only ``true``/``false`` are
booleans and dates stay strings, so ``yes:``/``no:`` keys in the triage tree
are read as the words they are. Values that YAML 1.1 tools (PyYAML, GitHub's
preview, many editors) would read as a boolean or a date are remembered in
``LoadedYaml.ambiguous`` so a rule can ask for quotes where text is expected.

Every value's line is kept in ``LoadedYaml.lines``, keyed by its path
(a tuple of keys and list indexes), for ``file:line: field: message`` errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

Path_ = tuple  # a path into the data: keys (str) and list indexes (int)

_BOOL12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_BOOL11 = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?$")


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans, no timestamps, and no anchors."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _AnchorFound(event.start_mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL12, list("tTfF"))


class _AnchorFound(Exception):
    def __init__(self, mark):
        self.mark = mark


@dataclass
class YamlProblem:
    line: int
    field: str
    message: str


@dataclass
class LoadedYaml:
    data: Any = None
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line
    ambiguous: dict = field(default_factory=dict)  # path tuple -> plain scalar text
    problems: list = field(default_factory=list)  # YamlProblem

    def line_of(self, path: Path_) -> int:
        """The line of the value at path, or of its nearest parent that exists."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def load_text(raw: bytes) -> LoadedYaml:
    """Parse YAML bytes strictly. Never raises on bad input: problems are returned."""
    out = LoadedYaml()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        out.problems.append(YamlProblem(line, "(file)", "is not UTF-8 text; save the file as UTF-8"))
        return out
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        out.problems.append(YamlProblem(1, "(file)", "is empty; add the record's fields or delete the file"))
        return out
    for number, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            out.problems.append(
                YamlProblem(number, "(yaml)", "a tab is used for indentation; YAML needs spaces, so indent with spaces")
            )
    if out.problems:
        return out
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            out.problems.append(YamlProblem(1, "(file)", "is empty; add the record's fields or delete the file"))
            return out
        out.data = _build(node, (), out, loader)
    except _AnchorFound as exc:
        out.problems.append(
            YamlProblem(exc.mark.line + 1, "(yaml)", "anchors and aliases (& and *) are not allowed; write the value out in full")
        )
        out.data = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        out.problems.append(
            YamlProblem(line, "(yaml)", f"cannot read this YAML ({what}, line {line}{col}); check indentation, colons and quotes")
        )
        out.data = None
    except yaml.YAMLError as exc:
        out.problems.append(YamlProblem(1, "(yaml)", f"cannot read this YAML: {exc}"))
        out.data = None
    finally:
        loader.dispose()
    return out


def load_file(path: Path) -> LoadedYaml:
    return load_text(Path(path).read_bytes())


def _build(node, path: Path_, out: LoadedYaml, loader: _Loader) -> Any:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        if node.style is None and (_BOOL11.match(node.value) or _DATE.match(node.value)):
            out.ambiguous[path] = node.value
        return loader.construct_object(node, deep=True)
    if isinstance(node, SequenceNode):
        return [_build(child, path + (i,), out, loader) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise yaml.MarkedYAMLError(problem="a key must be a plain word", problem_mark=key_node.start_mark)
            key = loader.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            child = path + (key,)
            if key in result:
                out.problems.append(
                    YamlProblem(
                        key_node.start_mark.line + 1,
                        _dotted(child),
                        f"is given twice (first on line {out.lines[child]}); YAML would silently keep only the last one, so remove one",
                    )
                )
                continue
            out.lines[child] = key_node.start_mark.line + 1
            result[key] = _build(value_node, child, out, loader)  # the key's line wins (setdefault)
        return result
    raise yaml.MarkedYAMLError(problem="unsupported YAML node", problem_mark=node.start_mark)


def _dotted(path: Path_) -> str:
    """('symptoms', 2, 'id') -> 'symptoms[2].id'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


dotted = _dotted
