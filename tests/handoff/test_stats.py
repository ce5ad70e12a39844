"""Supervisors' figures from the tables, counted by local day in the helpline's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.database import open_database
from bot.settings import load_settings
from handoff.stats import CSV_FIELDS, csv_rows, daily, last_weeks

# Tuesday 1 December 2026 in Paris (UTC+1): open 9:00-20:00, i.e. 08:00Z-19:00Z.
DAY = date(2026, 12, 1)
OUTCOMES = ("advice_given", "referred_emergency", "other")


@pytest.fixture
def hours():
    return load_settings({}).hours


@pytest.fixture
def db():
    db = open_database(":memory:")
    said = [
        # (conversation, channel, role, created_at)
        ("facebook:a", "facebook", "user", "2026-12-01T09:30:00.000+00:00"),
        ("facebook:a", "facebook", "user", "2026-12-01T10:00:00.000+00:00"),
        ("facebook:a", "facebook", "bot", "2026-12-01T10:00:01.000+00:00"),
        # 07:00 in Paris: the first message of this conversation came before opening.
        ("directline:b", "directline", "user", "2026-12-01T06:00:00.000+00:00"),
        # First seen on Monday within hours, back on Tuesday.
        ("directline:c", "directline", "user", "2026-11-30T10:00:00.000+00:00"),
        ("directline:c", "directline", "user", "2026-12-01T12:00:00.000+00:00"),
        ("directline:d", "directline", "bot", "2026-12-01T12:00:00.000+00:00"),
        # 00:30 on Wednesday in Paris, although still Tuesday in UTC.
        ("facebook:e", "facebook", "user", "2026-12-01T23:30:00.000+00:00"),
    ]
    db["transcript"].insert_all(
        {"conversation": c, "channel": ch, "role": r, "text": "…", "created_at": at}
        for c, ch, r, at in said
    )
    requests = [
        # (kind, urgent, created_at, claimed_at, status, closed_at, outcome)
        ("live", 1, "09:30:00", "09:31:30", "closed", "10:00:00", "advice_given"),
        ("live", 0, "10:00:00", "10:05:00", "closed", "11:00:00", "referred_emergency"),
        ("message", 0, "06:00:00", None, "waiting", None, None),
        ("live", 0, "12:00:00", None, "waiting", None, None),
    ]
    for i, (kind, urgent, created, claimed, status, closed, outcome) in enumerate(requests):
        db["handoff_requests"].insert(
            {
                "conversation": f"c{i}",
                "channel": "facebook",
                "status": status,
                "kind": kind,
                "urgent": urgent,
                "priority": 0 if urgent else 2,
                "created_at": f"2026-12-01T{created}.000+00:00",
                "claimed_at": claimed and f"2026-12-01T{claimed}.000+00:00",
                "closed_at": closed and f"2026-12-01T{closed}.000+00:00",
                "outcome": outcome,
            }
        )
    return db


def test_one_day_in_figures(db, hours):
    (tuesday,) = daily(db, hours, DAY, DAY)
    figures = tuesday.to_dict(OUTCOMES)
    assert figures["contacts"] == {"facebook": 1, "directline": 2}
    assert figures["contacts_total"] == 3
    assert (figures["handoffs"], figures["urgent"], figures["urgent_share"]) == (4, 1, 0.25)
    assert (figures["median_wait_s"], figures["longest_wait_s"]) == (195, 300)
    assert figures["outside_hours_messages"] == 1
    assert figures["outside_hours_contacts"] == 1
    assert figures["outcomes"] == {"advice_given": 1, "referred_emergency": 1, "other": 0}


def test_days_follow_the_helpline_timezone(db, hours):
    monday, tuesday, wednesday = daily(db, hours, date(2026, 11, 30), date(2026, 12, 2))
    assert monday.contacts_total == 1 and monday.outside_hours_contacts == 0
    assert tuesday.contacts_total == 3
    assert wednesday.contacts == {"facebook": 1, "directline": 0}
    assert wednesday.outside_hours_contacts == 1  # 00:30 on a Wednesday: closed
    assert wednesday.handoffs == 0 and wednesday.urgent_share is None
    assert wednesday.median_wait_s is None and wednesday.longest_wait_s is None


def test_the_last_weeks_end_today(db, hours):
    now = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # 23:00 in Paris: still Tuesday
    days = last_weeks(db, hours, now, 2)
    assert len(days) == 14 and days[-1].day == DAY and days[0].day == date(2026, 11, 18)
    assert days[-1].handoffs == 4
    with pytest.raises(ValueError):
        daily(db, hours, DAY, date(2026, 11, 1))


def test_csv_rows_are_numbers_and_dates(db, hours):
    rows = csv_rows(daily(db, hours, date(2026, 11, 30), DAY), OUTCOMES)
    header = rows[0]
    assert tuple(header[: len(CSV_FIELDS)]) == CSV_FIELDS
    assert header[len(CSV_FIELDS):] == [f"outcome_{key}" for key in OUTCOMES]
    tuesday = dict(zip(header, rows[2], strict=True))
    assert tuesday["day"] == "2026-12-01" and tuesday["contacts_total"] == "3"
    assert tuesday["urgent_share"] == "0.250" and tuesday["median_wait_s"] == "195"
    monday = dict(zip(header, rows[1], strict=True))
    assert monday["urgent_share"] == "" and monday["longest_wait_s"] == ""


def test_an_outcome_no_longer_configured_is_still_counted(db, hours):
    db.execute("update handoff_requests set outcome = 'old_label' where outcome = 'advice_given'")
    (tuesday,) = daily(db, hours, DAY, DAY)
    assert tuesday.to_dict(OUTCOMES)["outcomes"]["old_label"] == 1
    assert csv_rows([tuesday], OUTCOMES)[0][-1] == "outcome_old_label"
