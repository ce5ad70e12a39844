"""What teens waiting for a listener should be told now, decided from the queue and the hours.

Pure decisions (the caller sends the words): a better place in the queue (not more often than
`update_every_s`), emergency numbers once the wait is long, an honest word when no listener has
come after `no_listener_after_s`, a warning before the day's last closing, and, once closed, that
the request stays for the next opening. Each one-off notice is given once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handoff.hours import OpeningHours
from handoff.queue import HandoffQueue, Request


class NoticeSettings(Protocol):
    @property
    def no_listener_after_s(self) -> int: ...
    @property
    def long_wait_s(self) -> int: ...
    @property
    def update_every_s(self) -> int: ...
    @property
    def closing_notice_s(self) -> int: ...


@dataclass(frozen=True)
class Notice:
    request: Request
    kind: str  # "position", "long_wait", "no_listener", "closing", "closed"


def due_notices(
    queue: HandoffQueue, hours: OpeningHours, settings: NoticeSettings, now: datetime
) -> list[Notice]:
    notices: list[Notice] = []
    open_now = hours.is_open(now)
    closing_soon = open_now and _last_slot_ends_within(hours, now, settings.closing_notice_s)
    for position, request in enumerate(queue.waiting(), start=1):
        if request.kind != "live":
            continue
        if not open_now:
            notices.append(Notice(request, "closed"))
            continue
        waited = (now - datetime.fromisoformat(request.created_at)).total_seconds()
        if closing_soon and "closing" not in request.told:
            notices.append(Notice(request, "closing"))
        if waited >= settings.no_listener_after_s and "no_listener" not in request.told:
            notices.append(Notice(request, "no_listener"))
        elif waited >= settings.long_wait_s and "long_wait" not in request.told:
            notices.append(Notice(request, "long_wait"))
        last_at, last_position = queue.last_update(request.id)
        if (
            last_position is not None
            and position < last_position
            and (
                last_at is None
                or (now - datetime.fromisoformat(last_at)).total_seconds()
                >= settings.update_every_s
            )
        ):
            notices.append(Notice(request, "position"))
    return notices


def _last_slot_ends_within(hours: OpeningHours, now: datetime, seconds: int) -> bool:
    """True in the last `seconds` of the day's last slot (not before a lunch break)."""
    closes, day_end = hours.closes_at(now), hours.today_end(now)
    if closes is None or day_end is None or closes != day_end:
        return False
    return (closes - now).total_seconds() <= seconds
