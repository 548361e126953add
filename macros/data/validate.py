"""Validate the knowledge base in data/: the one validator for CLI, tests and build.

Run from the repository root:

    python -m macros.validate            # checks ./data
    python -m macros.validate path/data  # checks another data folder
    python -m macros.validate --github   # also prints GitHub annotations

Clean data: exit 0 and one summary line with the counts per kind.
Otherwise: every problem as ``path:line: field.path: message``, exit 1. A YAML
syntax problem is followed by indented lines quoting the line, with a caret
under the column; with --github, each problem is one annotation (the quoted
lines escaped into it).
Three steps run in order: YAML reading (macros/data/yamlload.py), shape by
JSON Schema (macros/data/schemas.py, the data folder's own schemas/), then
meaning rules (macros/data/rules.py and the flowchart's proofs in
macros/data/triage.py) once the shapes are sound enough to reason about.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import model, schemas, triage
from .problems import Problem, problem
from .rules import all_rules


class DataError(Exception):
    """The data has problems; str() is the validator's report."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(report(problems))


def check(ds: model.Dataset) -> list[Problem]:
    """Every problem in the dataset, sorted by file and line."""
    ds.forget()  # rules share what they compute (Dataset.memo); start from the records as they are now
    read = {rec.path for rec in ds.all_records()}  # load_file already refused these if they are links
    unsafe = [Problem(path.as_posix(), 1, "(file)", message)
              for path, message in model.unsafe_entries(ds.data_dir or ds.root / "data") if path not in read]
    unusable = _schema_folder_problems(ds)
    if unusable:  # without its schemas no record can be checked
        return sorted(set(unusable + unsafe))
    problems: list[Problem] = unsafe
    for rec in ds.all_records():
        for p in rec.loaded.problems:
            problems.append(Problem(rec.path.as_posix(), p.line, p.field, p.message, p.detail))
        if rec.loaded.problems:
            continue
        if not isinstance(rec.loaded.data, dict):
            problems.append(problem(rec, (), "must be a group of 'field: value' lines, not a single value or list"))
            continue
        for path, message in schemas.check(rec.schema_name, rec.data, ds.schema_dir):
            problems.append(problem(rec, path, message))
    for rule in [*all_rules(), *triage.RULES]:
        problems.extend(rule(ds))
    return sorted(set(problems))


def _schema_folder_problems(ds: model.Dataset) -> list[Problem]:
    """A schema the data folder lacks, or one that is not JSON (a data folder carries its own schemas)."""
    where = ds.schema_dir.relative_to(ds.root).as_posix() if ds.schema_dir.is_relative_to(ds.root) else str(ds.schema_dir)
    needed = [k.schema for k in model.KINDS.values()] + list(model.SINGLE_FILES.values()) + ["vocabularies"]
    lacking = schemas.missing(ds.schema_dir, needed)
    problems = [Problem(where, 1, "(folder)", f"has no {', '.join(lacking)}; "
                        "a data folder carries its own schemas: copy data/schemas/ from the guide")] if lacking else []
    return problems + [Problem(f"{where}/{name}", line, field, message)
                       for name, line, field, message in schemas.broken(ds.schema_dir)]


def load_valid(data_dir: Path = model.DATA_DIR) -> model.Dataset:
    """Load and check; raise DataError with the full report if anything is wrong."""
    ds = model.load(data_dir)
    problems = check(ds)
    if problems:
        raise DataError(problems)
    return ds


def summary(ds: model.Dataset) -> str:
    parts = [f"{len(ds.kind(k))} {k.replace('-', ' ')}" for k in model.KINDS]
    parts.append(f"{len(ds.glossary)} glossary terms")
    parts.append(f"{len(ds.triage.get('screens') or [])} flowchart screens, {len(ds.triage.get('outcomes') or {})} outcomes")
    return "data OK: " + ", ".join(parts)


def report(problems: list[Problem]) -> str:
    files = len({p.file for p in problems})
    lines = [f"{p}\n{p.detail}" if p.detail else str(p) for p in problems]
    lines.append(f"{len(problems)} problem(s) in {files} file(s); fix each line above (file:line: field: what to do)")
    return "\n".join(lines)


def escape_data(text: str) -> str:
    """A workflow command's message: % first, then CR and LF (GitHub's own escaping rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file=, title=): also : and , which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(problems: list[Problem]) -> str:
    """One ::error line per problem. Problem fields are already printable (no raw new line or control
    character), and escaping keeps %, CR, LF, : and , from ending the command early, so no data can
    start a line of its own (such as ::stop-commands::)."""
    return "\n".join(
        f"::error file={escape_property(p.file)},line={p.line},title={escape_property(p.field)}"
        f"::{escape_data(p.field + ': ' + p.message + (chr(10) + p.detail if p.detail else ''))}"
        for p in problems
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.validate", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", default=str(model.DATA_DIR), help="the data folder (default: ./data)")
    parser.add_argument("--github", action="store_true", default=os.environ.get("GITHUB_ACTIONS") == "true",
                        help="also print ::error annotations for GitHub (on by default in GitHub Actions)")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        print(f"{data_dir}: no such data folder", file=sys.stderr)
        return 2
    ds = model.load(data_dir)
    problems = check(ds)
    if problems:
        print(report(problems))
        if args.github:
            print(github_annotations(problems))
        return 1
    print(summary(ds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
