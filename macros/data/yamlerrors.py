"""YAML syntax errors in words a contributor can act on.

PyYAML reports where its *parser* gave up, in its own terms ("expected
<block end>, but found '<block sequence start>'"), often on the line after
the mistake. ``explain(text, error)`` looks at the text around that point and
returns the line where the mistake is, its column, and what to do, for the
common cases:

* a colon and a space inside unquoted text (``summary: NHS: a strain is common``);
* inconsistent indentation: the one line that, re-indented like its
  neighbours, makes the file readable (found by trying it: the file is parsed
  again with that line moved, so the line named is the line to fix);
* a missing space after ``-`` or ``:``, or a field name without its colon
  (named on its own line, with the line to write, not on the next line);
* a quote or bracket that is opened and never closed (named where it opened);
* curly quotes (“ ” ‘ ’) typed where YAML needs straight ones;
* a tab where YAML needs spaces.

Anything else keeps the parser's words. ``excerpt(text, line, column)`` quotes
the line with a caret under the column, for the indented lines printed after
``file:line: field: message``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

CURLY_DOUBLE = "\u201c\u201d"  # “ ”
CURLY_SINGLE = "\u2018\u2019"  # ‘ ’
MAX_SHOWN = 120  # characters of a quoted line shown around the caret

_KEY_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s\"'{\[#&*!|>%@`,-][^:#]*?|-[^\s:#][^:#]*?):(?P<gap>[ \t]+)(?P<value>\S.*)$")
_NO_SPACE_COLON = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/].*)$")
_NO_SPACE_DASH = re.compile(r"^(?P<lead>\s*)-(?P<value>[^\s\-].*)$")
_BLOCK_SCALAR_START = re.compile(r"(?:^|[:\-]\s)\s*[|>][-+0-9]*\s*(?:#.*)?$")
_ITEM = re.compile(r"^(\s*)-(?:\s|$)")


@dataclass(frozen=True)
class Explained:
    line: int  # 1-based
    column: int  # 1-based
    message: str


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def excerpt(text: str, line: int, column: int | None = None) -> str:
    """The line quoted with its number, and a caret under the column (1-based), as indented lines.
    Tabs are shown as → so the caret stays under the right character."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    shown = lines[line - 1].rstrip("\r").replace("\t", "\u2192")
    col = max(1, min(column or 1, len(shown) + 1))
    start = 0
    if len(shown) > MAX_SHOWN:  # long lines: a window around the caret
        start = max(0, min(col - 1 - MAX_SHOWN // 2, len(shown) - MAX_SHOWN))
        shown = ("…" if start else "") + shown[start:start + MAX_SHOWN] + ("…" if start + MAX_SHOWN < len(shown) else "")
        col = col - start + (1 if start else 0)
    number = str(line)
    gutter = " " * len(number)
    return f"    {number} | {shown}\n    {gutter} | {' ' * (col - 1)}^"


def explain(text: str, exc: yaml.MarkedYAMLError) -> Explained:
    lines = text.split("\n")
    pm, cm = exc.problem_mark, exc.context_mark
    problem, context = exc.problem or "", exc.context or ""
    p_line = pm.line + 1 if pm else (cm.line + 1 if cm else 1)
    p_col = pm.column + 1 if pm else 1
    c_line = cm.line + 1 if cm else p_line

    def line_text(n: int) -> str:
        return lines[n - 1].rstrip("\r") if 1 <= n <= len(lines) else ""

    # Curly quotes typed as YAML quotes: on the lines the parser was reading when it gave up.
    for n in range(min(c_line, p_line), p_line + 1):
        found = _curly_quote(line_text(n))
        if found is not None:
            return Explained(n, found + 1, curly_message(line_text(n)))

    # A quote opened and never closed: named where it opened.
    if context == "while scanning a quoted scalar" and cm:
        return Explained(c_line, cm.column + 1, _unclosed_quote_message(line_text(c_line)[cm.column]))

    # A bracket opened and not closed on its line: named where it opened.
    if context.startswith("while parsing a flow") and cm:
        opening = line_text(c_line)
        if not _closes_on_line(opening, cm.column):
            bracket = opening[cm.column] if cm.column < len(opening) else "["
            close = {"[": "]", "{": "}"}.get(bracket, "]")
            what = "list" if bracket == "[" else "group of fields"
            return Explained(c_line, cm.column + 1,
                             f"the {bracket} opened here is not closed on this line; end the {what} with {close} on the same line "
                             f"(put any text with a comma or a colon in double quotes)")
        if pm and line_text(p_line)[pm.column:pm.column + 1] == ":":
            return Explained(p_line, p_col, f"this text inside {opening[cm.column]} {_CLOSE[opening[cm.column]]} contains a colon "
                             "followed by a space, which YAML reads as a new field; put the text in double quotes")

    if "'\\t'" in problem and pm:
        return Explained(p_line, p_col, "a tab is used where YAML needs a space; replace the tab with a space")

    # A quote opened on an earlier line and closed on a later one by accident.
    for n in range(min(c_line, p_line), p_line + 1):
        col = _unclosed_quote_on_line(line_text(n))
        if col is not None and n < p_line:
            return Explained(n, col + 1, _unclosed_quote_message(line_text(n)[col]))

    # A field name without its colon: PyYAML names the line after it (or the next field); the line is this one.
    if problem.startswith("could not find expected ':'") and context == "while scanning a simple key" and cm:
        found = _missing_colon(lines, c_line)
        if found is not None:
            return found
    if problem == "mapping values are not allowed here" and pm:  # read as text running on into the next field
        above = next((n for n in range(p_line - 1, 0, -1) if line_text(n).strip() and not line_text(n).lstrip().startswith("#")), None)
        indent = len(line_text(p_line)) - len(line_text(p_line).lstrip(" "))
        if above and len(line_text(above)) - len(line_text(above).lstrip(" ")) == indent:
            found = _missing_colon(lines, above)
            if found is not None:
                return found

    # A missing space after ':' (key:value) or '-' (-item).
    if context == "while scanning a simple key" and cm:
        match = _NO_SPACE_COLON.match(line_text(c_line))
        if match:
            return Explained(c_line, len(match["lead"]) + len(match["key"]) + 2,
                             f"needs a space after the colon; write {match['key']}: {match['value']}")
    for n in sorted({p_line, c_line}, reverse=True):
        match = _NO_SPACE_DASH.match(line_text(n))
        if match and _neighbour_items(lines, n):
            return Explained(n, len(match["lead"]) + 1, f"a list item needs a space after '-'; write - {match['value']}")
        match = _NO_SPACE_COLON.match(line_text(n))
        if match and n == p_line and problem.startswith("could not find expected ':'"):
            return Explained(n, len(match["lead"]) + len(match["key"]) + 2,
                             f"needs a space after the colon; write {match['key']}: {match['value']}")

    # A colon and a space inside unquoted text.
    if problem == "mapping values are not allowed here" and pm:
        match = _KEY_VALUE.match(line_text(p_line))
        if match and pm.column > len(match["lead"]) + len(match["key"]):
            fixed = f"{match['lead']}{match['key']}:{match['gap']}{_double_quoted(match['value'])}".strip()
            return Explained(p_line, p_col,
                             f"the text after '{match['key'].strip()}:' contains a colon followed by a space, which YAML reads "
                             f"as a new field; put the text in double quotes: {fixed}")

    # Inconsistent indentation: the line that parses once indented like its neighbours.
    if pm:
        found = _indentation(text, lines, p_line)
        if found is not None:
            return found

    where = f", line {p_line}, column {p_col}" if pm else ""
    return Explained(p_line, p_col, f"cannot read this YAML ({problem or context or 'syntax error'}{where}); "
                     "check indentation, colons and quotes")


_CLOSE = {"[": "]", "{": "}"}


def _curly_quote(line: str) -> int | None:
    """Where a curly quote stands in place of a YAML quote: “ or ” anywhere outside a comment,
    or ‘ opening a value (an apostrophe ’ inside a word is ordinary text)."""
    body = line.split(" #", 1)[0]
    for i, char in enumerate(body):
        if char in CURLY_DOUBLE:
            return i
        if char == "\u2018" and (i == 0 or body[i - 1] in " [{,"):
            return i
    return None


def curly_message(line: str) -> str:
    return ("uses curly quotes (“ ” or ‘ ’), which YAML does not read as quotes (a word processor or phone keyboard "
            f"may have typed them); type straight quotes instead: {straightened(line).strip()}")


_CURLY = CURLY_DOUBLE + CURLY_SINGLE


def straightened(line: str) -> str:
    """The line with each value a word processor wrapped in curly quotes written as a YAML double-quoted string
    (JSON's escapes, which YAML reads the same: \\" and \\\\), so the fix is valid YAML whatever the text holds:
    an apostrophe (it's, it’s), straight quotes, a colon, a comma or a #. A quote opens where a value starts
    (after ': ', '- ', '[', '{' or ','). It closes at the last quote of its kind that ends the line (but for a
    comment); inside [ ] or { }, at the first one followed by ',', ']' or '}'. A single quote closes only there,
    so the apostrophe in it’s stays text. With no closing quote the text runs to the end of the line (or of the
    [ ] or { })."""
    out, i, depth = [], 0, 0
    while i < len(line):
        char = line[i]
        before = line[:i].rstrip(" ")
        if char in _CURLY and (not before or before[-1] in ":-[{,") and (i == 0 or line[i - 1] in " [{,"):
            end = _closing(line, i, depth > 0)
            if end is not None:
                text, i = line[i + 1:end], end + 1
            elif depth > 0:
                stop = max(line.rfind("]"), line.rfind("}"))
                stop = stop if stop > i else len(line)
                text, i = line[i + 1:stop].rstrip(), stop
            else:
                out.append(_double_quoted(line[i + 1:]))
                i = len(line)
                continue
            out.append(json.dumps(text, ensure_ascii=False))
            continue
        depth += 1 if char in "[{" else -1 if char in "]}" else 0
        out.append(char)
        i += 1
    return "".join(out)


def _closing(line: str, start: int, in_flow: bool) -> int | None:
    kind = CURLY_DOUBLE if line[start] in CURLY_DOUBLE else CURLY_SINGLE
    found = None
    for j in range(start + 1, len(line)):
        if line[j] not in kind:
            continue
        rest = line[j + 1:]
        if in_flow and re.match(r"^\s*[,\]}]", rest):
            return j
        if not in_flow and re.match(r"^\s*(?:#.*)?$", rest):
            found = j
    return found


_NO_COLON = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[a-z_][a-z0-9_]*)(?:[ \t]+(?P<value>[^\s:#][^:]*?))?\s*(?:\s#.*)?$")


def _missing_colon(lines: list[str], number: int) -> Explained | None:
    """The field on this line written without its colon ("name Back sprain", "overview"), with the line to write."""
    line = lines[number - 1].rstrip("\r") if 1 <= number <= len(lines) else ""
    match = _NO_COLON.match(line)
    if not match:
        return None
    key, value = match["key"], match["value"]
    if value:
        flow = value[0] in "[{" and _closes_on_line(value, 0)  # a list or group on one line stays one
        plain = flow or (not re.match(r"^[\"'{\[&*!|>%@`]", value) and ": " not in value and " #" not in value)
        fixed = f"{key}: {value if plain else _double_quoted(value)}"
    else:
        following = next((n for n in lines[number:] if n.strip() and not n.lstrip().startswith("#")), "")
        deeper = len(following) - len(following.lstrip(" ")) > len(match["lead"])
        fixed = f"{key}: |" if deeper and not following.lstrip().startswith("- ") else f"{key}:"
    lead = match["lead"].strip()
    return Explained(number, len(match["lead"]) + len(key) + 1,
                     f"the field name '{key}' needs a colon after it; write {lead + ' ' if lead else ''}{fixed}")


def _unclosed_quote_message(quote: str) -> str:
    if quote == "'":
        return ("the single quote (') opened here is never closed; add ' at the end of the text "
                "(an apostrophe inside single quotes is written twice: '')")
    return ('the double quote (") opened here is never closed; add " at the end of the text '
            '(a double quote inside the text is written \\")')


def _unclosed_quote_on_line(line: str) -> int | None:
    """The column of a quote that starts a value on this line and is not closed on it, or None."""
    match = re.match(r"^\s*(?:-\s+)?(?:[^\s\"'#][^:#]*:\s+)?([\"'])", line)
    if not match:
        return None
    col = match.start(1)
    quote, rest = line[col], line[col + 1:]
    if quote == '"':
        return None if re.search(r'(?<!\\)(?:\\\\)*"', rest) else col
    return None if re.search(r"'(?!')", rest.replace("''", "")) else col


def _closes_on_line(line: str, start: int) -> bool:
    """Whether the bracket at line[start] is closed later on the same line (quotes respected)."""
    depth, quote, i = 0, "", start
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return True
        elif char == "#" and line[i - 1:i] == " ":
            return False
        i += 1
    return False


def _double_quoted(value: str) -> str:
    """A value written as a YAML double-quoted string (JSON's is one), without a trailing comment."""
    return json.dumps(re.sub(r"\s+#.*$", "", value).rstrip(), ensure_ascii=False)


# ---- indentation ---------------------------------------------------------------

@dataclass(frozen=True)
class _Row:
    number: int  # 1-based line
    indent: int
    item: bool  # starts with "- "
    key_col: int | None  # column (0-based) of the first key on the line, after any "- "


def _rows(lines: list[str]) -> list[_Row]:
    """The structural lines: not blank, not comments, not inside a | or > block."""
    rows: list[_Row] = []
    block_parent: int | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped.strip():
            continue
        if block_parent is not None:
            if indent > block_parent:
                continue
            block_parent = None
        if stripped.startswith("#"):
            continue
        item = bool(_ITEM.match(line))
        rest_col = indent
        if item:
            rest_col = indent + 1 + (len(stripped[1:]) - len(stripped[1:].lstrip(" ")))
        key = re.match(r"[^\s\"'{\[#][^:#]*:(?:\s|$)", line[rest_col:])
        rows.append(_Row(number, indent, item, rest_col if key else None))
        if _BLOCK_SCALAR_START.search(line):
            block_parent = indent
    return rows


def _neighbour_items(lines: list[str], number: int) -> bool:
    """Whether a line near this one is a list item ("- ")."""
    return any(_ITEM.match(lines[n - 1]) for n in range(max(1, number - 3), min(len(lines), number + 3) + 1) if n != number)


def _first_error_line(text: str) -> int | None:
    try:
        for _event in yaml.parse(text, Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line + 1 if mark else 1
    except yaml.YAMLError:
        return 1
    return None


def _indentation(text: str, lines: list[str], error_line: int) -> Explained | None:
    rows = _rows(lines)
    index = {row.number: i for i, row in enumerate(rows)}
    # The error line, if structural, then the structural lines just above it (nearest first).
    at = max((i for i, row in enumerate(rows) if row.number <= error_line), default=None)
    if at is None:
        return None
    for i in range(at, max(-1, at - 4), -1):
        row = rows[i]
        for target, where in _targets(rows, index[row.number]):
            if target == row.indent or abs(target - row.indent) > 4:
                continue
            trial = list(lines)
            trial[row.number - 1] = " " * target + trial[row.number - 1].lstrip(" ")
            after = _first_error_line("\n".join(trial))
            if after is None or after > error_line + 1:
                what = "items" if row.item else "fields"
                return Explained(row.number, row.indent + 1,
                                 f"this line is indented {plural(row.indent, 'space')}; the {what} {where} use {target}, "
                                 f"so indent it {plural(target, 'space')} like them")
    return None


def _targets(rows: list[_Row], i: int):
    """Indents of this line's likely siblings: list items for an item, fields for a field, nearest first."""
    row = rows[i]
    seen: set[int] = set()
    for distance in range(1, 6):
        for j, where in ((i - distance, "above"), (i + distance, "below")):
            if not 0 <= j < len(rows):
                continue
            other = rows[j]
            if row.item:
                col = other.indent if other.item else None
            elif row.key_col is not None:
                col = other.key_col
            else:
                col = other.key_col if other.key_col is not None else other.indent
            if col is not None and col not in seen:
                seen.add(col)
                yield col, where
