"""Limits and forbidden characters for data/, defined once.

Per-field limits (text length, list length) live in the JSON Schemas as
``maxLength`` and ``maxItems``, where editors check them as you type. This
module holds what a schema cannot express: how big a file may be, how deep
YAML may nest, the loader's backstop on list length, and the characters that
may never appear in data. The loader (macros/data/yamlload.py), the model
(macros/data/model.py) and the rules (macros/data/rules.py) read them from here, and
CONTRIBUTING.md states them (a test keeps the numbers in step).
"""

from __future__ import annotations

import re

KB = 1024

# File size, checked before a file is read. The largest record today is about
# 8 KB, the glossary 27 KB and the triage tree 22 KB.
MAX_RECORD_BYTES = 100 * KB
MAX_SINGLE_FILE_BYTES = 256 * KB  # data/glossary.yaml and data/triage.yaml

# Nesting: how many lists and groups of fields may sit inside each other
# (today at most 5, counting the file's own top level). Checked while the
# YAML is read, before anything recursive sees the data.
MAX_DEPTH = 12

# Backstop while reading YAML: no list or group of fields anywhere may hold
# more entries than this (the schemas set tighter maxItems per field).
MAX_ENTRIES = 2000

# Characters refused in every text value and every key, and anywhere in a
# file (comments included, where a bidirectional override could make a diff
# read differently from what it does). One list: the validator refuses them
# and the pages layer (macros/pages/text.py) replaces any that slip through
# with U+FFFD.
#   C0 controls except tab and newline, DEL, C1 controls (U+0080-U+009F,
#   incl. NEL U+0085, which YAML and Python read as a line break),
#   lone surrogates, the non-characters U+FDD0-U+FDEF and U+FFFE/U+FFFF,
#   bidirectional embeddings/overrides (U+202A-U+202E) and isolates
#   (U+2066-U+2069), and the Unicode line and paragraph separators
#   (U+2028/U+2029, line breaks to YAML).
_FORBIDDEN = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
              "\u202a-\u202e\u2066-\u2069\u2028\u2029")
# In a value a carriage return is refused too (YAML reads it as a line break); in the raw file it is allowed
# as part of a Windows line end.
FORBIDDEN_CHARS = re.compile(f"[\r{_FORBIDDEN}]")
FORBIDDEN_IN_FILE = re.compile(f"(?:\r(?!\n)|[{_FORBIDDEN}])")

# Invisible characters refused in every single-line field (names, titles, labels, glossary terms, ids...):
# soft hyphen, zero-width space / non-joiner / joiner, word joiner, byte order mark (zero-width no-break
# space) and the Hangul fillers. They make two names that look the same differ, or hide a word.
INVISIBLE_IN_LINE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u3164\u115f"
_INVISIBLE_NAMES = {
    "\u00ad": "SOFT HYPHEN", "\u200b": "ZERO WIDTH SPACE", "\u200c": "ZERO WIDTH NON-JOINER", "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER", "\ufeff": "ZERO WIDTH NO-BREAK SPACE", "\u3164": "HANGUL FILLER", "\u115f": "HANGUL CHOSEONG FILLER",
}


def invisible_problem(text: str) -> str | None:
    """The first invisible character of INVISIBLE_IN_LINE in one line of text, named with its column; or None."""
    for column, char in enumerate(text, 1):
        if char in INVISIBLE_IN_LINE:
            return (f"contains an invisible character (U+{ord(char):04X} {_INVISIBLE_NAMES[char]}) at column {column}; "
                    "delete it (retype that spot if you cannot see it)")
    return None


# Glossary terms and forms become a tooltip wherever the word is written (its first mention on each page):
# never one of these everyday words, which would mark ordinary text everywhere, the emergency page included.
# Compared in lower case with the whole term or form. One list, read by the validator (macros/data/rules.py)
# and by the tooltip extension (macros/pages/glossary_md.py), which skips any that slips through.
COMMON_WORDS = frozenset("""
a about after again all also am an and any are as at back be because been before being but by call can
could day days do does doing done down each emergency even ever every feel few for from get go going good
had has have he help her here him his how i if in into is it its just know last leg legs less like little
long look make many may me more most much must my near need never new next no nor not now number of off
often on once one only or other our out over pain phone please right same see seen she should sign signs
so some soon still such sure take than that the their them then there these they this those through
time to today too under until up urgent us very wait want was way we well were what when where which
while who why will with without yes yet you your
""".split())

# The words Python-Markdown writes into the text while it parses (placeholders for raw HTML, character
# references and inline markup: "\x02wzxhzdk:0\x03", "\x02klzzwxh:0000\x03"). A glossary term containing one
# would split those placeholders and the markup they hold would be lost.
PLACEHOLDER_WORDS = ("wzxhzdk", "klzzwxh")

_NAMES = {
    "\x00": "NUL", "\t": "TAB", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE", "\x7f": "DELETE", "\x85": "NEXT LINE",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING", "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE", "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE",
    "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR",
}


def char_problem(char: str, where: str = "") -> str:
    """What a forbidden character is and what to do, in plain words; where is e.g. ' at column 7'."""
    code = f"U+{ord(char):04X}"
    name = _NAMES.get(char)
    label = f"{code} {name}" if name else code
    if "\ud800" <= char <= "\udfff":
        what = f"a broken character ({code}, half of a surrogate pair, e.g. written as the escape \"\\ud800\")"
        fix = "write the character itself, or delete the escape"
    elif char in "\ufffe\uffff" or "\ufdd0" <= char <= "\ufdef":
        what, fix = f"{code}, which is not a character", "delete it"
    elif "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        what = f"an invisible text-direction control ({label})"
        fix = "delete it: it can make text read differently from what it is"
    elif char in "\u2028\u2029":
        what, fix = f"an invisible {name.lower()} ({code})", "delete it and use an ordinary new line"
    else:
        what = f"an invisible control character ({label})"
        fix = "delete it (if you pasted the text, retype that spot or paste it as plain text)"
    return f"contains {what}{where}; {fix}"


def first_forbidden(text: str) -> str | None:
    """The first forbidden character in text, or None."""
    found = FORBIDDEN_CHARS.search(text)
    return found.group() if found else None


def shown(value: object, limit: int = 60) -> str:
    """A value quoted for a message: escaped repr-style (no raw control characters,
    new lines or lone surrogates ever reach a terminal or a CI log) and truncated."""
    text = str(value)
    cut = len(text) > limit
    body = repr(text[:limit])[1:-1]
    return f"'{body}…'" if cut else f"'{body}'"


def printable(text: str) -> str:
    """text with every non-printable character escaped (\\n, \\x85, \\u202e, \\ud800...).

    The last line of defence for anything printed: file names, field paths and
    messages. Printable text, including non-ASCII letters, is unchanged."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in text)
