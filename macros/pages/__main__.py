"""``python -m macros.pages OUT_DIR [--data DATA_DIR]``: write every generated page as Markdown.

The same function the MkDocs hook calls (macros.pages.generate), on data the
validator has passed; a data problem prints the validator's report and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import model, validate
from . import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.pages", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="folder to write the pages into (created; existing files of the same name are replaced)")
    parser.add_argument("--data", default=str(model.DATA_DIR), help="the data folder (default: ./data)")
    args = parser.parse_args(argv)
    try:
        ds = validate.load_valid(Path(args.data))
    except validate.DataError as exc:
        print(exc)
        return 1
    out = Path(args.out_dir)
    pages = generate(ds)
    for path, page in pages.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8", newline="\n")
    print(f"{len(pages)} pages written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
