"""Figures for supervisors: what happened each day, counted in the helpline's own timezone.

Read from the tables only (`transcript`, `handoff_requests`), no web framework:

- contacts: distinct conversations with at least one message from the young person that day,
  by channel (`facebook`, `directline`);
- hand-offs: requests created that day, and how many of them were urgent;
- waits: claimed_at − created_at of the live requests created that day and claimed (median and
  longest, in seconds);
- outside hours: requests of kind `message` (left for the next opening) created that day, and
  conversations whose very first message that day fell outside the opening hours;
- outcomes: requests closed that day, by outcome.

Transcripts are deleted after `privacy.transcript_days`, so older days count fewer contacts.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlite_utils import Database

from handoff.hours import OpeningHours

CHANNELS = ("facebook", "directline")


@dataclass
class DayFigures:
    day: date
    contacts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    handoffs: int = 0
    urgent: int = 0
    waits_s: list[float] = field(default_factory=list)
    outside_hours_messages: int = 0
    outside_hours_contacts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def contacts_total(self) -> int:
        return sum(self.contacts.values())

    @property
    def urgent_share(self) -> float | None:
        """Urgent hand-offs over all hand-offs; None on a day without any."""
        return self.urgent / self.handoffs if self.handoffs else None

    @property
    def median_wait_s(self) -> float | None:
        return statistics.median(self.waits_s) if self.waits_s else None

    @property
    def longest_wait_s(self) -> float | None:
        return max(self.waits_s) if self.waits_s else None

    def to_dict(self, outcomes: tuple[str, ...] = ()) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "contacts": dict(self.contacts),
            "contacts_total": self.contacts_total,
            "handoffs": self.handoffs,
            "urgent": self.urgent,
            "urgent_share": self.urgent_share,
            "median_wait_s": _round(self.median_wait_s),
            "longest_wait_s": _round(self.longest_wait_s),
            "outside_hours_messages": self.outside_hours_messages,
            "outside_hours_contacts": self.outside_hours_contacts,
            "outcomes": {key: self.outcomes.get(key, 0) for key in _keys(outcomes, self.outcomes)},
        }


def daily(db: Database, hours: OpeningHours, first: date, last: date) -> list[DayFigures]:
    """One `DayFigures` per local day from `first` to `last` (both included), oldest first."""
    if last < first:
        raise ValueError("the last day comes before the first")
    zone = hours.timezone
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days = {day: DayFigures(day) for day in every}

    def local_day(moment: str) -> date:
        return datetime.fromisoformat(moment).astimezone(zone).date()

    bounds = [_iso(start), _iso(end)]
    seen: dict[date, set[tuple[str, str]]] = defaultdict(set)
    for conversation, channel, created_at in db.execute(
        "select conversation, channel, created_at from transcript"
        " where role = 'user' and created_at >= ? and created_at < ?",
        bounds,
    ).fetchall():
        seen[local_day(created_at)].add((conversation, channel))
    for day, pairs in seen.items():
        for _, channel in pairs:
            figures = days[day]
            figures.contacts[channel] = figures.contacts.get(channel, 0) + 1

    for (first_at,) in db.execute(
        "select min(created_at) from transcript where role = 'user' group by conversation"
        " having min(created_at) >= ? and min(created_at) < ?",
        bounds,
    ).fetchall():
        if not hours.is_open(datetime.fromisoformat(first_at)):
            days[local_day(first_at)].outside_hours_contacts += 1

    for created_at, claimed_at, urgent, kind in db.execute(
        "select created_at, claimed_at, urgent, kind from handoff_requests"
        " where created_at >= ? and created_at < ?",
        bounds,
    ).fetchall():
        figures = days[local_day(created_at)]
        figures.handoffs += 1
        figures.urgent += int(bool(urgent))
        if kind == "message":
            figures.outside_hours_messages += 1
        elif claimed_at:
            wait = datetime.fromisoformat(claimed_at) - datetime.fromisoformat(created_at)
            figures.waits_s.append(max(0.0, wait.total_seconds()))

    for closed_at, outcome in db.execute(
        "select closed_at, outcome from handoff_requests where status = 'closed'"
        " and closed_at >= ? and closed_at < ?",
        bounds,
    ).fetchall():
        days[local_day(closed_at)].outcomes[outcome or "other"] += 1
    return list(days.values())


def last_weeks(db: Database, hours: OpeningHours, now: datetime, weeks: int) -> list[DayFigures]:
    """The last `weeks` × 7 local days, today last."""
    today = now.astimezone(hours.timezone).date()
    return daily(db, hours, today - timedelta(days=weeks * 7 - 1), today)


CSV_FIELDS = (
    "day",
    "contacts_total",
    *(f"contacts_{channel}" for channel in CHANNELS),
    "handoffs",
    "urgent",
    "urgent_share",
    "median_wait_s",
    "longest_wait_s",
    "outside_hours_messages",
    "outside_hours_contacts",
)


def csv_rows(days: list[DayFigures], outcomes: tuple[str, ...]) -> list[list[str]]:
    """A header and one row per day: plain numbers and ISO dates, nothing anyone typed."""
    counted: Counter[str] = Counter()
    for figures in days:
        counted.update(figures.outcomes)
    keys = _keys(outcomes, counted)
    rows = [[*CSV_FIELDS, *(f"outcome_{key}" for key in keys)]]
    for figures in days:
        data = figures.to_dict(outcomes)
        share = figures.urgent_share
        rows.append(
            [
                data["day"],
                str(figures.contacts_total),
                *(str(figures.contacts.get(channel, 0)) for channel in CHANNELS),
                str(figures.handoffs),
                str(figures.urgent),
                "" if share is None else f"{share:.3f}",
                _text(data["median_wait_s"]),
                _text(data["longest_wait_s"]),
                str(figures.outside_hours_messages),
                str(figures.outside_hours_contacts),
                *(str(figures.outcomes.get(key, 0)) for key in keys),
            ]
        )
    return rows


def _keys(configured: tuple[str, ...], counted: Counter[str]) -> list[str]:
    """The configured outcomes in order, then any other found in the table."""
    return [*configured, *sorted(set(counted) - set(configured))]


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
