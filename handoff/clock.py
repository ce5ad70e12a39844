"""Time, one way everywhere: aware UTC datetimes, stored as ISO 8601 with milliseconds.

Whatever takes a `clock` takes a callable returning an aware UTC datetime; only tests replace
`utc_now`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
