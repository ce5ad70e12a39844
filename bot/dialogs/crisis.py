"""The crisis answer: at once, for every urgent message, whatever dialog was running.

Warm words fitted to the signal, the crisis numbers, then the listeners are alerted with the
request marked urgent. It never argues, never minimises and never mentions means.
"""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.dialogs.desk import Desk
from bot.dialogs.listener import ListenerRequest
from bot.dialogs.replies import Replies
from bot.dialogs.turn import facts


class CrisisAnswer:
    def __init__(self, replies: Replies, listener: ListenerRequest, desk: Desk) -> None:
        self._replies = replies
        self._listener = listener
        self._desk = desk

    async def run(self, turn: TurnContext) -> None:
        analysis = facts(turn).analysis
        assert analysis is not None and analysis.urgent
        main = analysis.signals[0]
        await self._replies.say(turn, f"crisis.{main}", "crisis.numbers")
        self._listener.record(turn, "urgent")
        if self._desk.is_open():
            await self._replies.say(turn, "crisis.priority")
        else:
            when = self._desk.next_opening_text(self._replies.texts, facts(turn).lang)
            await self._replies.say(turn, "crisis.closed", when=when)
