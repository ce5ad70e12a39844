"""Bringing in a human: record the hand-off request and tell the teen honestly what happens next.

Within opening hours the request joins the queue and the teen hears their place in it. Outside
hours the teen hears when listeners are back and the numbers that answer now, and may leave a
message that a listener reads at opening. Urgent requests are recorded in both cases.
"""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.dialogs.desk import Desk
from bot.dialogs.replies import Replies
from bot.dialogs.turn import LEAVE_MESSAGE, NO_THANKS, facts
from bot.transcript import conversation_key
from handoff.queue import HandoffNeed, HandoffRecord

# A message of at least this many words becomes the request's one-line summary.
SUMMARY_MIN_WORDS = 3
SUMMARY_MAX = 200


class ListenerRequest:
    def __init__(self, replies: Replies, desk: Desk) -> None:
        self._replies = replies
        self._desk = desk

    def record(self, turn: TurnContext, reason: str) -> HandoffRecord:
        """Queue (or update) this conversation's request; tell the consoles."""
        info = facts(turn)
        analysis = info.analysis if info.analysis is not None and info.analysis.urgent else None
        reference = TurnContext.get_conversation_reference(turn.activity)
        triage = info.profile.triage()
        text = (turn.activity.text or "").strip()
        if info.payload is None and len(text.split()) >= SUMMARY_MIN_WORDS:
            triage["summary"] = text[:SUMMARY_MAX]  # what it is about, in the teen's words
        need = HandoffNeed(
            conversation=conversation_key(turn.activity),
            channel=turn.activity.channel_id,
            reason=reason,
            language=info.lang,
            reference=reference.serialize(),
            signals=analysis.signals if analysis else (),
            evidence=tuple(
                {"signal": e.signal, "start": e.start, "end": e.end, "text": e.text}
                for e in (analysis.evidence if analysis else ())
            ),
            triage=triage,
            kind="live" if self._desk.is_open() else "message",
        )
        record = self._desk.queue.request(need)
        event = "request" if record.created else ("urgent" if analysis else "updated")
        self._desk.events.publish(event, request=self._desk.queue.get(record.id).public())
        return record

    async def run(self, turn: TurnContext) -> None:
        """The teen asked for a listener."""
        lang = facts(turn).lang
        texts = self._replies.texts
        if not self._desk.is_open():
            when = self._desk.next_opening_text(texts, lang)
            await self._replies.say(turn, "handoff.closed", "handoff.closed_numbers", when=when)
            await self._replies.ask(
                turn,
                "handoff.offer_message",
                [("choices.leave_message", LEAVE_MESSAGE), ("choices.no_thanks", NO_THANKS)],
            )
            return
        record = self.record(turn, "asked")
        if not record.created:
            await self._replies.say(turn, "handoff.already")
            return
        await self._replies.say(turn, "handoff.recorded")
        await self._replies.say_text(turn, self._desk.position_notice(texts, lang, record.id))
        await self._replies.say(turn, "handoff.meanwhile")

    async def leave_message(self, turn: TurnContext) -> None:
        """Outside hours: the teen's next messages wait for a listener at opening."""
        self.record(turn, "asked")
        when = self._desk.next_opening_text(self._replies.texts, facts(turn).lang)
        await self._replies.say(turn, "handoff.message_left", when=when)
