"""macros/data/review.py: the review status a page shows, due dates, and the overdue list."""

from __future__ import annotations

import datetime

from macros.data import model, review

from .conftest import ROOT

TODAY = datetime.date(2026, 11, 22)


def test_default_interval_and_grace_come_from_the_vocabulary():
    assert review.interval_months() == 12
    assert review.grace_days() == 90


def test_record_without_review_block_is_checked_against_sources_not_by_a_clinician():
    status = review.review_status({"last_reviewed": "2026-11-22"}, today=TODAY)
    assert status == {
        "last_reviewed": "2026-11-22",
        "last_reviewed_text": "22 November 2026",
        "next_due": "2027-11-22",
        "next_due_text": "22 November 2027",
        "kind": "checked-against-sources",
        "kind_text": "Checked against its sources",
        "reviewer": None,
        "clinician_reviewed": False,
        "overdue": False,
        "lines": ["Last reviewed: 22 November 2026 (checked against its sources)",
                  "Next review due: 22 November 2027",
                  "Not yet reviewed by a clinician"],
    }


def test_clinician_review_names_the_reviewer_and_drops_the_caveat():
    rec = {"last_reviewed": "2026-03-31",
           "review": {"kind": "clinician-reviewed", "reviewer": "Dr A Patel, GP", "next_due": "2026-09-30"}}
    status = review.review_status(rec, today=datetime.date(2026, 4, 1))
    assert status["clinician_reviewed"] is True
    assert status["reviewer"] == "Dr A Patel, GP"
    assert status["lines"] == ["Last reviewed: 31 March 2026 (reviewed by Dr A Patel, GP)",
                               "Next review due: 30 September 2026"]


def test_clinician_kind_without_a_name_is_not_shown_as_clinician_reviewed():
    status = review.review_status({"last_reviewed": "2026-01-01", "review": {"kind": "clinician-reviewed"}}, today=TODAY)
    assert status["clinician_reviewed"] is False
    assert "Not yet reviewed by a clinician" in status["lines"]


def test_overdue_and_month_ends():
    assert review.add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    status = review.review_status({"last_reviewed": "2025-01-31"}, today=datetime.date(2026, 3, 1))
    assert status["overdue"] is True
    assert status["lines"][1] == "Review overdue since 31 January 2026"


def test_missing_date_says_not_yet_reviewed():
    status = review.review_status({}, today=TODAY)
    assert status["last_reviewed"] is None and status["next_due"] is None
    assert status["lines"] == ["Not yet reviewed", "Not yet reviewed by a clinician"]


def test_accepts_a_record_and_lists_overdue_records():
    ds = model.load(ROOT / "data")
    rec = ds.get("causes", "kidney-stones")
    assert review.review_status(rec, today=TODAY)["last_reviewed"] == rec["last_reviewed"]
    assert review.overdue(ds, today=TODAY) == []
    later = review.overdue(ds, today=datetime.date(2040, 1, 1))
    assert any(r.id == "kidney-stones" for r, _due, _days in later)


def test_cli_warns_and_exits_zero(capsys):
    assert review.main([str(ROOT / "data")]) == 0
    assert "due for review" in capsys.readouterr().out
