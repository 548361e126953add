"""Template code in hand-written pages: only plain calls of known macros with literal arguments.

mkdocs-macros renders a page with an ordinary, unsandboxed Jinja environment,
so a ``{{ ... }}`` expression in a prose edit could run anything during the
build. The guide renders only the hand-written pages that opt in
(``render_macros: true`` in their front matter; ``render_by_default: false`` in
mkdocs.yml), and on those pages ``template_problems`` allows nothing but
``{{ name() }}`` / ``{{ name("x", 2, brief=True) }}`` for a macro in the known
list: no other expression, attribute, filter, ``{% %}`` statement or ``{# #}``
comment. A page that does not opt in is never rendered, so its braces stay text.
No page may set front matter that only generated pages carry (``reserved_keys``).
No MkDocs here: the hook (macros/adapters/hooks.py) calls it for every page.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass

# Where Jinja (mkdocs-macros' default delimiters) starts reading template code.
_START = re.compile(r"\{\{|\{%|\{#")
# One plain call: {{ name(arguments) }}, the arguments holding no other {{ or }}.
CALL = re.compile(r"\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)\(((?:(?!\{\{|\}\})[^\n])*?)\)[ \t]*\}\}")
EXAMPLE = "{{ tier_legend() }}"


@dataclass(frozen=True)
class Call:
    line: int
    name: str
    args: tuple
    kwargs: tuple[tuple[str, object], ...]


def opted_in(meta: dict | None) -> bool:
    """True if a page's front matter asks mkdocs-macros to render it (``render_macros: true``), as the plugin reads it."""
    return isinstance(meta, dict) and meta.get("render_macros") == True  # noqa: E712 (the plugin's own test: 1 counts too)


# Front matter only the page generator writes: overrides/main.html prints bsg_jsonld as it is inside a <script> in
# <head> (macros.pages.generate writes it JSON-escaped), so a hand-written page may not set it.
GENERATED_ONLY = ("bsg_jsonld",)


def reserved_keys(page_text: str, meta: dict | None) -> list[tuple[int, str]]:
    """(line, message) for each front-matter key of a hand-written page that only generated pages may carry."""
    out = []
    for key in GENERATED_ONLY:
        if isinstance(meta, dict) and key in meta:
            found = re.search(rf"^{key}[ \t]*:", page_text, re.M)
            out.append((page_text.count("\n", 0, found.start()) + 1 if found else 1,
                        f"'{key}' is written by the page generator (the page's schema.org data); a hand-written page "
                        "cannot set it: remove the line"))
    return out


def parse(text: str, known) -> tuple[list[Call], list[tuple[int, str]]]:
    """(every macro call, every problem as (line, message)) in a page's full text, front matter included."""
    calls: list[Call] = []
    problems: list[tuple[int, str]] = []
    pos = 0
    while True:
        start = _START.search(text, pos)
        if not start:
            return calls, problems
        line = text.count("\n", 0, start.start()) + 1
        pos = start.end()
        if start.group() != "{{":
            problems.append((line, f"'{start.group()}': template statements and comments are not allowed in a page; "
                                   f"only a plain macro call such as {EXAMPLE} (write the braces another way, or remove them)"))
            continue
        call = CALL.match(text, start.start())
        if not call:
            problems.append((line, f"'{_shown(text, start.start())}' is not a plain macro call; only a call of a known macro with "
                                   f"literal arguments, such as {EXAMPLE}, is allowed (no expressions, attributes or filters)"))
            continue
        pos = call.end()
        name, found = call.group(1), _arguments(call.group(2))
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "see macros/pages/page_macros.py for the macros"
            problems.append((line, f"'{name}' is not a macro; {hint}"))
        elif found is None:
            problems.append((line, f"the arguments of {name}() must be literal values (text in quotes, numbers, True or "
                                   f"False), such as {{{{ {name}(\"emergency\") }}}}"))
        else:
            calls.append(Call(line, name, *found))


def _arguments(source: str) -> tuple[tuple, tuple] | None:
    """(positional values, (name, value) pairs) if every argument is a literal constant; else None."""
    try:
        node = ast.parse(f"f({source})", mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if not isinstance(node, ast.Call):
        return None
    values = list(node.args) + [k.value for k in node.keywords]
    if any(k.arg is None for k in node.keywords) or not all(isinstance(v, ast.Constant) for v in values):
        return None
    if not all(isinstance(v.value, (str, int, float, bool)) or v.value is None for v in values):
        return None
    return tuple(a.value for a in node.args), tuple((k.arg, k.value.value) for k in node.keywords)


def _shown(text: str, start: int) -> str:
    end = text.find("}}", start)
    snippet = text[start:end + 2] if 0 <= end < start + 60 else text[start:start + 40] + "…"
    return " ".join(snippet.split())
