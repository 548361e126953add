"""``python -m macros.triage [--json] [--data DIR] FINDING...``: what the flowchart's rules give a reader.

Prints the tier, the outcome id and the findings it rests on; with no
findings, reads one reader per line from standard input (finding ids
separated by spaces) and prints one JSON object per line. The rules and the
proofs are in macros/data/triage.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .data import schemas, validate
from .data.triage import Result, compile_rules


def main(argv: list[str] | None = None) -> int:
    """``python -m macros.triage [--json] [--data DIR] FINDING...``: what the rules give a reader.

    With findings: the tier, the outcome id and the reasons (``--json``: one
    object ``{"tier", "outcome", "rule", "because"}``). With none: one reader
    per line from standard input (finding ids separated by spaces), one JSON
    object per line. An unknown finding id is an error that names it.
    """
    parser = argparse.ArgumentParser(prog="python -m macros.triage", description=main.__doc__.split("\n")[0])
    parser.add_argument("findings", nargs="*", help="finding ids (symptoms or risk factors)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[1] / "data"), help="the data folder")
    args = parser.parse_args(argv)
    try:
        ds = validate.load_valid(Path(args.data))
    except validate.DataError as exc:
        print(validate.report(exc.problems), file=sys.stderr)
        return 2
    rules = compile_rules(ds)

    def ask(findings: list[str]) -> Result | str:
        for fid in findings:
            if fid not in rules.known:
                hint = schemas.did_you_mean(fid, rules.known) or "see data/symptoms/ and data/risk-factors/"
                return f"unknown finding '{fid}'; {hint}"
        return rules.run(findings)[0]

    if args.findings:
        result = ask(args.findings)
        if isinstance(result, str):
            print(result, file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(result.as_json()))
        else:
            print(f"tier: {result.tier}\noutcome: {result.outcome}\nrule: {result.rule}\nbecause: {', '.join(result.because) or '(no warning sign)'}")
        return 0
    status = 0
    for number, line in enumerate(sys.stdin, start=1):
        result = ask(line.split())
        if isinstance(result, str):
            print(json.dumps({"line": number, "error": result}))
            status = 2
        else:
            print(json.dumps(result.as_json()))
    return status


if __name__ == "__main__":
    sys.exit(main())
