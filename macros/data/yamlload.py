"""Strict YAML loading that remembers where every value came from.

Contributors edit YAML by hand, often in a web editor, so this loader turns
YAML's silent traps into clear problems instead of wrong data:

* duplicate keys (PyYAML would keep the last one silently);
* anchors and aliases (refused before they are expanded, so an alias bomb
  fails at once);
* tabs used for indentation, bytes that are not UTF-8, empty files;
* invisible control, text-direction and broken characters (macros/data/limits.py),
  in the file and in every value and key (including ones written as escapes);
* files too big, nesting too deep, lists too long (macros/data/limits.py): checked
  before or while reading, so no RecursionError or huge list gets through;
* symbolic links and anything that is not a regular file (never followed);
* syntax errors, explained by macros/data/yamlerrors.py on the line to fix, with
  the line quoted and a caret under the column (``YamlProblem.detail``);
* plain text that YAML silently joined or cut: a list item indented too far
  (read as more text of the item above), ``-item`` without its space, text cut
  by curly quotes used as YAML quotes.

Plain scalars follow YAML 1.2's core schema: only ``true``/``false`` are
booleans and dates stay strings, so ``yes:``/``no:`` keys in the triage tree
are read as the words they are. Values that YAML 1.1 tools (PyYAML, GitHub's
preview, many editors) would read as a boolean or a date are remembered in
``LoadedYaml.ambiguous`` so a rule can ask for quotes where text is expected.

Every value's line is kept in ``LoadedYaml.lines``, keyed by its path
(a tuple of keys and list indexes), for ``file:line: field: message`` errors.

Two ways to read, one result. PyYAML's pure-Python parser, with
``_Loader``'s checks before every node (``_read_safe``), is the reference:
every problem and every message comes from it, but it is slow (about a
fifth of a site build). So each file is first offered to ``_read_fast``: libyaml
(C, ``yaml.cyaml.CParser``) parses it, and one loop over its events builds the
very nodes PyYAML's composer would, giving up before going deeper at any
anchor or alias (never expanded), explicit tag, directive, nesting or list
past the limits. The fast path accepts only a file it reads without a single
problem and without anything libyaml and PyYAML read differently (a tab, a
byte order mark, a directive, a "?" inside [...] or {...}, a comment right
after a block scalar's | or >). On anything else, or any exception, it gives
up and the file is read again the safe way. So a clean file is read at C
speed and a broken one gets exactly the safe path's messages;
tests/test_validator.py (test_fast_and_safe_yaml_paths_agree) reads every
real and fixture file both ways and asserts the results are the same.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: every file takes the safe path
    CParser = None

from . import limits, yamlerrors

Path_ = tuple  # a path into the data: keys (str) and list indexes (int)

_BOOL12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_BOOL11 = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?$")


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans, no timestamps, and no anchors."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _AnchorFound(event.start_mark)
        # Limits are checked here, before PyYAML's recursive composer goes deeper or a list grows on.
        if isinstance(parent, SequenceNode) and index >= limits.MAX_ENTRIES or (
                isinstance(parent, MappingNode) and index is None and len(parent.value) >= limits.MAX_ENTRIES):
            raise _LimitFound(parent.start_mark, f"holds more than {limits.MAX_ENTRIES} entries, more than any field "
                              "allows; split the file or shorten the list")
        if self.depth >= limits.MAX_DEPTH and isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            raise _LimitFound(event.start_mark, f"is nested more than {limits.MAX_DEPTH} levels deep (lists and fields "
                              "inside each other); no record needs that many, so check the indentation and brackets")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL12, list("tTfF"))


if CParser is not None:
    class _CLoader(CParser, SafeConstructor, Resolver):
        """libyaml's parser with _Loader's tag resolution and constructors (read by _read_fast, events only)."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

        def __init__(self, stream):
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

# Text where libyaml and PyYAML read differently: a tab (libyaml takes one after "key:" or in [...] as a space,
# PyYAML refuses it), a byte order mark (libyaml skips one at the start of a line, PyYAML reads it as text), a
# directive (%YAML, %TAG). Such a file is read the safe way only.
_NOT_FAST = re.compile(r"[\t\ufeff]|^%", re.M)
# A block scalar's header as PyYAML reads it: | or >, chomping and indentation indicators, then a space or the
# line's end.
_BLOCK_HEADER = re.compile(r"[|>](?:[+-][1-9]?|[1-9][+-]?)?(?: |\r?$)")


class _AnchorFound(Exception):
    def __init__(self, mark):
        self.mark = mark


class _TextProblem(Exception):
    """Plain text that YAML read without complaint but not as the contributor meant (see _check_plain)."""

    def __init__(self, line: int, column: int, field: str, message: str):
        self.line, self.column, self.field, self.message = line, column, field, message


class _LimitFound(Exception):
    def __init__(self, mark, message):
        self.mark = mark
        self.message = message


@dataclass
class YamlProblem:
    line: int
    field: str
    message: str
    detail: str = ""  # indented lines printed after the message: the line quoted, a caret under the column


@dataclass
class LoadedYaml:
    data: Any = None
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line
    text: str = ""  # the text read (forbidden characters masked), for quoting lines in messages
    source_lines: list = field(default_factory=list)  # text split into lines, once
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
    text, bad_chars = _mask_forbidden(text)
    out.text = text
    out.source_lines = text.split("\n")
    for number, line in enumerate(text.split("\n"), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            out.problems.append(
                YamlProblem(number, "(yaml)", "a tab is used for indentation; YAML needs spaces, so replace the tab (shown as →) "
                            "with spaces, as many as the lines around it use",
                            yamlerrors.excerpt(text, number, indent.index("\t") + 1))
            )
    if out.problems:
        return out
    if bad_chars or not _read_fast(out):
        if not _read_safe(out):
            return out  # no document at all: "is empty" is the only problem
    for line, column, char in bad_chars:  # characters in the file itself (values, keys, comments)
        out.problems.append(YamlProblem(line, _field_at(out, line), limits.char_problem(char, f" at column {column}")))
    out.problems.sort(key=lambda p: p.line)
    return out


def _read_fast(out: LoadedYaml) -> bool:
    """Read out.text with libyaml into out (data, lines, ambiguous) if it is clean: no problem at all and
    nothing unusual. Returns False, with out untouched, whenever in doubt: the caller then reads the safe way."""
    if CParser is None or _NOT_FAST.search(out.text):
        return False
    scratch = LoadedYaml(text=out.text, source_lines=out.source_lines)
    loader = None
    try:
        loader = _CLoader(out.text)
        node = _compose_fast(loader, out.source_lines)
        if node is None:
            return False
        scratch.data = _build(node, (), scratch, loader)
    except Exception:  # anything at all: the safe path reads the file again and says what is wrong
        return False
    finally:
        if loader is not None:
            loader.dispose()
    if scratch.problems:
        return False
    out.data, out.lines, out.ambiguous = scratch.data, scratch.lines, scratch.ambiguous
    return True


def _compose_fast(loader, lines: list) -> Any:
    """The single document's node tree from libyaml's events, built the way PyYAML's composer builds it
    (same nodes, tags, marks; a plain scalar's style None), in one loop with no recursion. None if the
    stream holds anything _Loader would refuse or the fast path does not take: an anchor or alias (never
    expanded), an explicit tag, a directive, nesting or entries past macros/data/limits.py, no document or
    more than one."""
    if type(loader.get_event()) is not StreamStartEvent:
        return None
    event = loader.get_event()
    if type(event) is not DocumentStartEvent or event.version is not None or event.tags:
        return None
    resolve = loader.resolve
    max_depth, max_entries = limits.MAX_DEPTH, limits.MAX_ENTRIES
    open_: list = []  # (node, children, most children allowed) for each collection still open, outermost first
    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is SequenceEndEvent or kind is MappingEndEvent:
            node, children, _ = open_.pop()
            node.end_mark = event.end_mark
            node.value = children if kind is SequenceEndEvent else list(zip(children[::2], children[1::2], strict=True))
        else:
            if kind is not ScalarEvent and kind is not SequenceStartEvent and kind is not MappingStartEvent:
                return None  # an alias, or an event out of place
            if event.anchor is not None or event.tag is not None:
                return None
            if open_ and len(open_[-1][1]) >= open_[-1][2]:
                return None  # as _Loader.compose_node: one entry too many
            if kind is ScalarEvent:
                if not event.style and "?" in event.value and open_ and open_[-1][0].flow_style:
                    return None  # in [...] or {...} libyaml reads "a?b" as text, PyYAML stops at the "?"
                if event.style in ("|", ">") and not _BLOCK_HEADER.match(lines[event.start_mark.line], event.start_mark.column):
                    return None  # libyaml takes "|#" or "|-#" (a comment with no space before it), PyYAML refuses it
                node = ScalarNode(resolve(ScalarNode, event.value, event.implicit), event.value,
                                  event.start_mark, event.end_mark, style=event.style or None)
            else:
                if len(open_) >= max_depth:
                    return None  # as _Loader.compose_node: nested too deep
                if kind is SequenceStartEvent:
                    node = SequenceNode(resolve(SequenceNode, None, event.implicit), [], event.start_mark, None,
                                        flow_style=event.flow_style)
                    open_.append((node, [], max_entries))
                else:  # a mapping's children are keys and values, one after the other
                    node = MappingNode(resolve(MappingNode, None, event.implicit), [], event.start_mark, None,
                                       flow_style=event.flow_style)
                    open_.append((node, [], 2 * max_entries))
                continue
        if not open_:
            break
        open_[-1][1].append(node)
    if type(loader.get_event()) is not DocumentEndEvent or type(loader.get_event()) is not StreamEndEvent:
        return None
    return node


def _read_safe(out: LoadedYaml) -> bool:
    """Read out.text with PyYAML's pure-Python parser and _Loader's checks, adding every problem to out.
    Returns False if the file holds no document at all (then "is empty" is its one problem)."""
    text = out.text
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            out.problems.append(YamlProblem(1, "(file)", "is empty; add the record's fields or delete the file"))
            return False
        out.data = _build(node, (), out, loader)
    except _LimitFound as exc:
        out.problems.append(YamlProblem(exc.mark.line + 1, "(yaml)", exc.message))
        out.data = None
    except _AnchorFound as exc:
        out.problems.append(
            YamlProblem(exc.mark.line + 1, "(yaml)", "anchors and aliases (& and *) are not allowed; write the value out in full")
        )
        out.data = None
    except _TextProblem as exc:
        out.problems.append(YamlProblem(exc.line, exc.field, exc.message, yamlerrors.excerpt(text, exc.line, exc.column)))
        out.data = None
    except yaml.MarkedYAMLError as exc:
        found = yamlerrors.explain(text, exc)
        out.problems.append(YamlProblem(found.line, "(yaml)", found.message, yamlerrors.excerpt(text, found.line, found.column)))
        out.data = None
    except yaml.YAMLError as exc:
        out.problems.append(YamlProblem(1, "(yaml)", f"cannot read this YAML: {exc}"))
        out.data = None
    finally:
        loader.dispose()
    return True


def _mask_forbidden(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Replace forbidden characters with U+FFFD so YAML can still be read for line numbers;
    return (masked text, [(line, column, character)]), one entry per line."""
    if not limits.FORBIDDEN_IN_FILE.search(text):
        return text, []
    found: list[tuple[int, int, str]] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        match = limits.FORBIDDEN_IN_FILE.search(line)
        if match:
            found.append((number, match.start() + 1, match.group()))
            lines[number - 1] = limits.FORBIDDEN_IN_FILE.sub("\ufffd", line)
    return "\n".join(lines), found


def _field_at(out: LoadedYaml, line: int) -> str:
    """The field whose value is on (or runs over) a line: the last one to start at or before it."""
    best: tuple = ()
    best_line = 0
    for path, start in out.lines.items():
        if best_line <= start <= line and (start > best_line or len(path) > len(best)):
            best, best_line = path, start
    return _dotted(best) if best else "(file)"


def size_limit(path: Path) -> int:
    """The largest size allowed for a data file (macros/data/limits.py)."""
    return limits.MAX_SINGLE_FILE_BYTES if Path(path).parent.name == "data" else limits.MAX_RECORD_BYTES


def load_file(path: Path, max_bytes: int | None = None) -> LoadedYaml:
    """Read a data file strictly. A symbolic link or anything but a regular file is refused, never followed;
    a file bigger than its limit is refused before it is read."""
    path = Path(path)
    out = LoadedYaml()
    try:
        info = path.lstat()
    except OSError as exc:
        out.problems.append(YamlProblem(1, "(file)", f"cannot be read ({exc.strerror}); check the file"))
        return out
    if stat.S_ISLNK(info.st_mode):
        out.problems.append(YamlProblem(1, "(file)", "is a symbolic link; data/ takes real files only, so replace the link "
                                        "with the file itself"))
        return out
    if not stat.S_ISREG(info.st_mode):
        out.problems.append(YamlProblem(1, "(file)", "is not a regular file; data/ takes YAML files only, so remove it"))
        return out
    limit = size_limit(path) if max_bytes is None else max_bytes
    if info.st_size > limit:
        out.problems.append(YamlProblem(1, "(file)", f"is {_kb(info.st_size)}; a data file may be at most {_kb(limit)}, "
                                        "so shorten the text or split the record"))
        return out
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        out.problems.append(YamlProblem(1, "(file)", f"cannot be read ({exc.strerror}); check the file"))
        return out
    with os.fdopen(fd, "rb") as fh:
        raw = fh.read(limit + 1)  # the file may grow between lstat and read
    if len(raw) > limit:
        out.problems.append(YamlProblem(1, "(file)", f"is over {_kb(limit)}; a data file may be at most {_kb(limit)}, "
                                        "so shorten the text or split the record"))
        return out
    return load_text(raw)


def _kb(size: int) -> str:
    return f"{size / limits.KB:,.0f} KB" if size >= limits.KB else f"{size} bytes"


def _build(node, path: Path_, out: LoadedYaml, loader: SafeConstructor) -> Any:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        if node.style is None and (_BOOL11.match(node.value) or _DATE.match(node.value)):
            out.ambiguous[path] = node.value
        if node.style is None:
            _check_plain(node, path, out)
        value = loader.construct_object(node, deep=True)
        if isinstance(value, str):
            _check_chars(value, node, path, out)
        return value
    if isinstance(node, SequenceNode):
        return [_build(child, path + (i,), out, loader) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise yaml.MarkedYAMLError(problem="a key must be a plain word", problem_mark=key_node.start_mark)
            if key_node.style is None:
                _check_plain(key_node, path + (str(key_node.value),), out)
            key = loader.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            child = path + (key,)
            _check_chars(key, key_node, child, out)
            if ("\n" in key or "\t" in key) and not limits.first_forbidden(key):
                out.problems.append(YamlProblem(key_node.start_mark.line + 1, _dotted(child),
                                                "a field name cannot hold a new line or tab; write the name on one line"))
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


def _check_plain(node: ScalarNode, path: Path_, out: LoadedYaml) -> None:
    """Plain (unquoted) text that YAML read silently but not as meant; raises _TextProblem."""
    lines = out.source_lines
    first = node.start_mark.line
    source = lines[first] if first < len(lines) else ""
    before = source[: node.start_mark.column]
    value = node.value
    # "-item" at the start of a line: a list item without the space after '-'.
    if not before.strip() and value.startswith("-") and len(value) > 1 and not value[1].isspace() and not value[1].isdigit():
        shown_value = source[node.start_mark.column + 1:].strip()
        raise _TextProblem(first + 1, node.start_mark.column + 1, _dotted(path),
                           f"a list item needs a space after '-'; write - {shown_value}")
    # A line that starts with "- " but continues the text above: a list item indented too far.
    for number in range(first + 1, min(node.end_mark.line, len(lines) - 1) + 1):
        line = lines[number]
        stripped = line.lstrip(" ")
        if stripped.startswith("- ") or stripped == "-":
            above = lines[first]
            item_col = len(above) - len(above.lstrip(" ")) if above.lstrip(" ").startswith("-") else None
            where = (f"; the items above use {item_col}, so indent it {yamlerrors.plural(item_col, 'space')} like them"
                     if item_col is not None else "; if it is a new list item, indent its '-' like the items above")
            raise _TextProblem(number + 1, len(line) - len(stripped) + 1, _dotted(path),
                               f"this line is indented {yamlerrors.plural(len(line) - len(stripped), 'space')}, more than the list "
                               f"item on line {first + 1}, so YAML reads it as more of that item's text{where}")
    # Curly quotes used as YAML quotes: text cut at a comma or a colon inside them.
    # (“Lumbago” is an old word, or an apostrophe as in "patients’", is ordinary text.)
    if (value.startswith("\u201c") and "\u201d" not in value) or (value.endswith("\u201d") and "\u201c" not in value) or (
            value.startswith("\u2018") and "\u2019" not in value):
        raise _TextProblem(first + 1, node.start_mark.column + 1, _dotted(path), yamlerrors.curly_message(source))


def _check_chars(text: str, node, path: Path_, out: LoadedYaml) -> None:
    """Forbidden characters that reached a value or key (e.g. written as escapes in double quotes)."""
    char = limits.first_forbidden(text)
    if char is not None:
        out.problems.append(YamlProblem(node.start_mark.line + 1, _dotted(path), limits.char_problem(char)))


_PLAIN_KEY = re.compile(r"^[^:'\"\\\[\]]{1,60}$")


def _dotted(path: Path_) -> str:
    """('symptoms', 2, 'id') -> 'symptoms[2].id'. A key that is not a plain word is shown quoted,
    escaped and truncated, so no control character or new line is ever printed."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        part = str(part)
        shown = part if _PLAIN_KEY.match(part) and part.isprintable() and part.strip() == part else limits.shown(part)
        text += f".{shown}" if text else shown
    return text or "(file)"


dotted = _dotted
