"""Opening hours of the listeners: weekly slots, public holidays and exceptional closures.

Hours are configuration (they change over the years), so they are parsed from the `hours:`
settings with one readable error line per mistake. Slots are wall-clock times in the service
timezone; every decision is taken on instants (UTC), so DST days last 23 or 25 hours as they
should. A slot bound that falls in a spring-forward gap moves forward by the gap, like any
normalised local time; an ambiguous fall-back time means its first occurrence. Wording about
the hours belongs to the locale files: this module only returns data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HORIZON_DAYS = 370  # how far next_opening looks before giving up
_SLOT = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")
_KEYS = frozenset({"timezone", "weekly", "holidays", "closed"})


@dataclass(frozen=True)
class Slot:
    """Minutes since local midnight; `end` may be 1440 ("24:00") to run to the end of the day."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: Any, where: str) -> Slot:
        match = _SLOT.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"{where}: {text!r} is not HH:MM-HH:MM")
        sh, sm, eh, em = (int(part) for part in match.groups())
        if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
            raise ValueError(f"{where}: {text!r} is not a time of day (00:00 to 24:00)")
        slot = cls(sh * 60 + sm, eh * 60 + em)
        if slot.start >= slot.end:
            raise ValueError(f"{where}: {text!r} does not end after it starts (split at 24:00)")
        return slot


@cache
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


@dataclass(frozen=True)
class OpeningHours:
    """When listeners answer; `weekly` holds sorted, non-overlapping slots, Monday first."""

    timezone: ZoneInfo
    weekly: tuple[tuple[Slot, ...], ...]
    holidays: str | None = None  # country code for the `holidays` package
    closed: frozenset[date] = frozenset()

    @classmethod
    def from_dict(cls, data: Any) -> OpeningHours:
        """Parse the `hours:` settings; a mistake raises ValueError naming the bad key."""
        if not isinstance(data, Mapping):
            raise ValueError("hours: expected a mapping with timezone and weekly")
        for key in data:
            if key not in _KEYS:
                raise ValueError(f"hours.{key}: unknown key (expected one of {sorted(_KEYS)})")
        return cls(
            _parse_timezone(data.get("timezone")),
            _parse_weekly(data.get("weekly")),
            _parse_country(data.get("holidays")),
            _parse_closed(data.get("closed", [])),
        )

    def is_open(self, now: datetime) -> bool:
        first = next(self._intervals(now), None)
        return first is not None and first[0] <= now

    def next_opening(self, now: datetime) -> datetime | None:
        """`now` itself when open; None when closed for the whole horizon."""
        first = next(self._intervals(now), None)
        return None if first is None else max(first[0], now).astimezone(self.timezone)

    def closes_at(self, now: datetime) -> datetime | None:
        """End of the current opening, across back-to-back slots (a 24:00 then a 00:00); None
        when closed. A service open round the clock closes, here, at the horizon."""
        intervals = self._intervals(now)
        start, end = next(intervals, (None, now))
        if start is None or start > now:
            return None
        for next_start, next_end in intervals:
            if next_start > end:
                break
            end = max(end, next_end)
        return end.astimezone(self.timezone)

    def today_end(self, now: datetime) -> datetime | None:
        """End of the last slot of `now`'s local day (even if past); None on a closed day."""
        day = _local(now, self.timezone).date()
        slots = self._slots_on(day)
        return self._instant(day, slots[-1].end).astimezone(self.timezone) if slots else None

    def _slots_on(self, day: date) -> tuple[Slot, ...]:
        if day in self.closed or (
            self.holidays and day in _public_holidays(self.holidays, day.year)
        ):
            return ()
        return self.weekly[day.weekday()]

    def _instant(self, day: date, minute: int) -> datetime:
        wall = datetime.combine(day, time()) + timedelta(minutes=minute)
        return wall.replace(tzinfo=self.timezone).astimezone(UTC)

    def _intervals(self, now: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open (start, end) instants in UTC, in order, that end after `now`, up to the horizon.

        UTC matters: aware datetimes sharing a zone compare by wall clock, which DST breaks."""
        first = _local(now, self.timezone).date()
        for offset in range(HORIZON_DAYS + 1):
            day = first + timedelta(days=offset)
            for slot in self._slots_on(day):
                end = self._instant(day, slot.end)
                if end > now:
                    yield self._instant(day, slot.start), end


def _local(now: datetime, zone: ZoneInfo) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now.isoformat()}")
    return now.astimezone(zone)


def _parse_timezone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value:
        raise ValueError(f"hours.timezone: expected a zone name like 'Europe/Paris', got {value!r}")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"hours.timezone: {value!r} is not a known time zone") from None


def _parse_weekly(value: Any) -> tuple[tuple[Slot, ...], ...]:
    """A weekday left out is closed; overlapping slots are refused as a likely typo."""
    if not isinstance(value, Mapping):
        raise ValueError("hours.weekly: expected a mapping from weekday to a list of slots")
    for key in value:
        if key not in WEEKDAYS:
            raise ValueError(f"hours.weekly.{key}: unknown weekday (expected monday to sunday)")
    week = []
    for name in WEEKDAYS:
        texts = value.get(name)
        texts = [] if texts is None else texts  # YAML reads an empty `sunday:` as null
        if not isinstance(texts, list):
            raise ValueError(f"hours.weekly.{name}: expected a list like ['09:00-20:00']")
        slots = [Slot.parse(text, f"hours.weekly.{name}[{i}]") for i, text in enumerate(texts)]
        order = sorted(range(len(slots)), key=lambda i: slots[i].start)
        for a, b in pairwise(order):
            if slots[b].start < slots[a].end:
                raise ValueError(f"hours.weekly.{name}[{b}]: {texts[b]!r} overlaps {texts[a]!r}")
        week.append(tuple(slots[i] for i in order))
    return tuple(week)


def _parse_country(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            holidays.country_holidays(value)
            return value
        except NotImplementedError:
            pass
    raise ValueError(
        f"hours.holidays: {value!r} is not a country code known to the holidays package (or null)"
    )


def _parse_closed(value: Any) -> frozenset[date]:
    if not isinstance(value, list):
        raise ValueError("hours.closed: expected a list of dates like ['2026-12-24']")
    days = set()
    for i, item in enumerate(value):
        if isinstance(item, date) and not isinstance(item, datetime):
            days.add(item)  # YAML reads an unquoted 2026-12-24 as a date
            continue
        try:
            days.add(date.fromisoformat(item))
        except (TypeError, ValueError):
            raise ValueError(f"hours.closed[{i}]: {item!r} is not a date (YYYY-MM-DD)") from None
    return frozenset(days)
