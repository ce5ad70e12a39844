"""Bringing in a human: record the hand-off request and tell the teen honestly what happens next.

Used when the teen asks for a listener and, with the crisis answer, for every urgent message.
"""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.dialogs.replies import Replies
from bot.dialogs.turn import facts
from bot.transcript import conversation_key
from handoff.requests import HandoffNeed, HandoffRecord, HandoffRequests


class ListenerRequest:
    def __init__(self, replies: Replies, requests: HandoffRequests) -> None:
        self._replies = replies
        self._requests = requests

    def record(self, turn: TurnContext, reason: str) -> HandoffRecord:
        info = facts(turn)
        analysis = info.analysis
        urgent = analysis is not None and analysis.urgent
        reference = TurnContext.get_conversation_reference(turn.activity)
        return self._requests.request(
            HandoffNeed(
                conversation=conversation_key(turn.activity),
                channel=turn.activity.channel_id,
                reason=reason,
                language=info.lang,
                reference=reference.serialize(),
                signals=analysis.signals if urgent else (),
                evidence=tuple(
                    {"signal": e.signal, "start": e.start, "end": e.end, "text": e.text}
                    for e in analysis.evidence
                )
                if urgent
                else (),
                triage=info.profile.triage(),
            )
        )

    async def run(self, turn: TurnContext) -> None:
        """The teen asked for a listener."""
        record = self.record(turn, "asked")
        if record.created:
            await self._replies.say(turn, "handoff.recorded", "handoff.meanwhile")
        else:
            await self._replies.say(turn, "handoff.already")
