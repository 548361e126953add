"""``python -m macros.validate [DATA_DIR] [--github]``: the validator's command line (kept at this short name).

The validator itself is macros/data/validate.py; see its docstring.
"""

from __future__ import annotations

import sys

from .data.validate import DataError, check, load_valid, main  # noqa: F401 (the validator's public names)

if __name__ == "__main__":
    sys.exit(main())
