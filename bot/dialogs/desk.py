"""The helpline's desk as the dialogs see it: the queue, the opening hours, the console's
events, and words for "when" in the teen's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.settings import HandoffSettings
from bot.texts import Texts
from handoff.events import EventBus
from handoff.hours import WEEKDAYS, OpeningHours
from handoff.queue import HandoffQueue


@dataclass(frozen=True)
class Desk:
    queue: HandoffQueue
    hours: OpeningHours
    events: EventBus
    settings: HandoffSettings
    clock: Callable[[], datetime]

    def is_open(self) -> bool:
        return self.hours.is_open(self.clock())

    def position_notice(
        self, texts: Texts, lang: str, request_id: int, update: bool = False
    ) -> str:
        """ "You are number 2 in the queue, about 6 min to wait" (the wait only when known);
        remembered, so that the teen is told again only when their place gets better."""
        position = self.queue.position(request_id) or 1
        self.queue.mark_update(request_id, position)
        wait = self.queue.estimated_wait_s(position, self.settings.wait_sample)
        base = "handoff.update" if update else "handoff.position"
        if wait is None:
            return texts.get(lang, base, position=str(position))
        minutes = max(1, round(wait / 60))
        return texts.get(
            lang,
            base + "_wait",
            position=str(position),
            wait=texts.get(lang, "when.minutes", n=str(minutes)),
        )

    def next_opening_text(self, texts: Texts, lang: str) -> str:
        now = self.clock()
        opening = self.hours.next_opening(now)
        return describe_moment(texts, lang, opening, now.astimezone(self.hours.timezone))


def describe_moment(texts: Texts, lang: str, moment: datetime | None, now: datetime) -> str:
    """ "today at 14:00", "tomorrow at 9h00", "on Monday at 9:00 am", "on 02/01 at 9h00"."""
    if moment is None:
        return texts.get(lang, "when.unknown")
    moment = moment.astimezone(now.tzinfo)
    h12 = moment.hour % 12 or 12
    time = texts.get(
        lang,
        "when.clock",
        h24=str(moment.hour),
        h12=str(h12),
        mm=f"{moment.minute:02d}",
        ampm="am" if moment.hour < 12 else "pm",
    )
    days = (moment.date() - now.date()).days
    if days == 0:
        return texts.get(lang, "when.today", time=time)
    if days == 1:
        return texts.get(lang, "when.tomorrow", time=time)
    if days < 7:
        day = texts.get(lang, f"when.{WEEKDAYS[moment.weekday()]}")
        return texts.get(lang, "when.weekday", day=day, time=time)
    return texts.get(lang, "when.date", date=moment.strftime("%d/%m"), time=time)


def seconds_since(moment_iso: str, now: datetime) -> float:
    return (now - datetime.fromisoformat(moment_iso)).total_seconds()
