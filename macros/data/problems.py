"""A problem the validator reports: ``file:line: field: message``, safe to print anywhere.

Shared by the record rules (macros/data/rules.py), the triage rules (macros/data/triage.py)
and the validator (macros/data/validate.py), so none of them imports another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import limits, yamlload
from .model import Record


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    # Indented lines printed after the message (the line quoted, a caret under the column); not part of equality.
    detail: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Last line of defence: nothing printed may carry a raw new line, control character or lone surrogate
        # (a CI log would run it as a command; a terminal would crash on the surrogate).
        for name in ("file", "field", "message"):
            object.__setattr__(self, name, limits.printable(str(getattr(self, name))))
        # Detail lines are printed each on their own line, always indented, so none can pass for a problem or a command.
        lines = [limits.printable(line) for line in str(self.detail).split("\n") if line.strip()]
        object.__setattr__(self, "detail", "\n".join(line if line.startswith(" ") else "    " + line for line in lines))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


def problem(rec: Record, path: tuple, message: str) -> Problem:
    return Problem(rec.path.as_posix(), rec.loaded.line_of(path), yamlload.dotted(path), message)


