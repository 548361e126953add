"""Review status: when a record was last checked, by what kind of review, and when the next is due.

A record's ``last_reviewed:`` is the day someone last checked it against its sources. The optional
``review:`` block says what kind of review that was (``checked-against-sources`` or
``clinician-reviewed`` with a ``reviewer``) and may set ``next_due``. Without ``next_due`` the next
review falls a fixed interval after ``last_reviewed``: ``x-interval-months`` of ``$defs/review`` in
data/schemas/vocabularies.schema.json, defined there once.

* ``review_status(record)`` gives a page the plain words to show (no HTML, no Markdown).
* ``overdue(ds)`` lists records past their due date; ``python -m macros.data.review`` prints them as
  warnings and exits 0 (``--strict``: exit 1 if any). The validator (macros/data/rules.py) turns a record
  into an error only once it is more than ``x-grace-days`` past due, so CI fails on stale content
  after a grace period, while a build or a pull request made in the meantime only warns.

Nothing here depends on MkDocs.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import model, vocab

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def interval_months() -> int:
    """The default time between reviews, in months (vocabularies.schema.json)."""
    return int(vocab.annotation("review", "interval-months"))


def grace_days() -> int:
    """How long past its due date a record may go before the validator fails (vocabularies.schema.json)."""
    return int(vocab.annotation("review", "grace-days"))


def _data(record: Any) -> Mapping:
    data = getattr(record, "data", record)
    return data if isinstance(data, Mapping) else {}


def parse_date(value: object) -> datetime.date | None:
    """A date, or a string Python reads as an ISO date, as a date; None when it is not a real date."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later (the last day when that month is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def spoken(day: datetime.date | None) -> str | None:
    """A date as readers write it: 22 November 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else None


def due_date(record: Any) -> datetime.date | None:
    """When the next review is due: review.next_due, else last_reviewed plus the default interval."""
    data = _data(record)
    review = data.get("review") if isinstance(data.get("review"), Mapping) else {}
    explicit = parse_date(review.get("next_due")) if review.get("next_due") else None
    if explicit:
        return explicit
    last = parse_date(data.get("last_reviewed"))
    return add_months(last, interval_months()) if last else None


def review_status(record: Any, today: datetime.date | None = None) -> dict:
    """Everything a page shows about a record's review, in plain words ready to print.

    `record` is a model.Record or its data (a dict). Keys:

    * ``last_reviewed`` / ``next_due``: ISO dates (``YYYY-MM-DD``) for a ``<time datetime>``, or None;
    * ``last_reviewed_text`` / ``next_due_text``: the same dates in words ("22 November 2026");
    * ``kind``: ``checked-against-sources`` or ``clinician-reviewed``; ``kind_text``: its title;
    * ``reviewer``: who signed it off, or None; ``clinician_reviewed``: True once a clinician has;
    * ``overdue``: True when the due date has passed;
    * ``lines``: the sentences to show, in order, e.g. ``["Last reviewed: 22 November 2026 (checked
      against its sources)", "Next review due: 22 November 2027", "Not yet reviewed by a clinician"]``.
    """
    today = today or datetime.date.today()
    data = _data(record)
    review = data.get("review") if isinstance(data.get("review"), Mapping) else {}
    kinds = vocab.get("reviewKind")
    kind = review.get("kind") if review.get("kind") in kinds else "checked-against-sources"
    reviewer = review.get("reviewer") if kind == "clinician-reviewed" and review.get("reviewer") else None
    clinician = kind == "clinician-reviewed" and reviewer is not None
    if not clinician:
        kind = "checked-against-sources"
    last, due = parse_date(data.get("last_reviewed")), due_date(record)
    overdue = bool(due and due < today)

    lines = []
    if last:
        how = f"reviewed by {reviewer}" if clinician else kinds.title(kind)[0].lower() + kinds.title(kind)[1:]
        lines.append(f"Last reviewed: {spoken(last)} ({how})")
    else:
        lines.append("Not yet reviewed")
    if due:
        lines.append(f"Review overdue since {spoken(due)}" if overdue else f"Next review due: {spoken(due)}")
    if not clinician:
        lines.append("Not yet reviewed by a clinician")
    return {
        "last_reviewed": last.isoformat() if last else None,
        "last_reviewed_text": spoken(last),
        "next_due": due.isoformat() if due else None,
        "next_due_text": spoken(due),
        "kind": kind,
        "kind_text": kinds.title(kind),
        "reviewer": reviewer,
        "clinician_reviewed": clinician,
        "overdue": overdue,
        "lines": lines,
    }


def overdue(ds, today: datetime.date | None = None, grace: int = 0) -> list[tuple[Any, datetime.date, int]]:
    """(record, due date, days past due) for every record more than `grace` days past its due date."""
    today = today or datetime.date.today()
    found = []
    for rec in ds.all_records():
        due = due_date(rec) if "last_reviewed" in rec.data else None
        if due and (today - due).days > grace:
            found.append((rec, due, (today - due).days))
    return sorted(found, key=lambda item: (item[1], str(item[0].path)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.data.review",
                                     description="List records whose review is due (warnings; exit 0).")
    parser.add_argument("data_dir", nargs="?", default=str(model.DATA_DIR))
    parser.add_argument("--within", type=int, default=0, metavar="DAYS",
                        help="also list records due within this many days")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any record is past due")
    args = parser.parse_args(argv)
    ds = model.load(Path(args.data_dir))
    today = datetime.date.today()
    late = overdue(ds, today + datetime.timedelta(days=args.within))
    for rec, due, _days in late:
        state = "was due" if due < today else "is due"
        print(f"warning: {rec.path.as_posix()}: review {state} {due.isoformat()}; check it against its sources "
              f"and update last_reviewed (the validator fails {grace_days()} days after the due date)")
    print(f"{len(late)} record(s) due for review" if late else "no record is due for review")
    return 1 if args.strict and any(due < today for _r, due, _d in late) else 0


if __name__ == "__main__":
    sys.exit(main())
