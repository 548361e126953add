"""``python -m macros.triage [--json] FINDING...``: what the flowchart's rules give a reader.

Prints the tier, the outcome id and the findings it rests on; with no
findings, reads one reader per line from standard input (finding ids
separated by spaces) and prints one JSON object per line. The rules and the
proofs are in macros/data/triage.py.
"""

from __future__ import annotations

import sys

from .data.triage import main

if __name__ == "__main__":
    sys.exit(main())
