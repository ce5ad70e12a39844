"""Messages to a teen outside their own turn: a listener's words, and the bot's notices while
they wait, sent through the channel the teen used.

Each channel registers its adapter; a message goes out with botbuilder's
`continue_conversation` on the conversation reference stored with the hand-off request, so it
passes through the same middleware (transcript) and outbox as the bot's replies. Messenger's
rules apply: within 24 hours of the teen's last message a normal response; up to 7 days only a
human may answer, tagged HUMAN_AGENT; beyond that nothing can be sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ConversationReference

from handoff.queue import Request

MESSENGER = "facebook"
RESPONSE_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)


class CannotReach(Exception):
    """The channel does not allow a message to this teen now (e.g. Messenger after 7 days)."""


class Relay:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._adapters: dict[str, BotAdapter] = {}

    def register(self, channel_id: str, adapter: BotAdapter) -> None:
        self._adapters[channel_id] = adapter

    async def from_listener(self, request: Request, text: str, name: str) -> None:
        """A listener's message, shown with their display name."""
        activity = MessageFactory.text(text)
        activity.channel_data = {
            "relais": {"sender": "listener", "name": name},
            **self._messenger_window(request, human=True),
        }
        await self._send(request, [activity])

    async def from_bot(self, request: Request, *activities: Activity) -> None:
        """The bot speaking to a teen outside their turn (wait updates, a listener joined)."""
        window = self._messenger_window(request, human=False)
        for activity in activities:
            if activity.type == ActivityTypes.message and window:
                activity.channel_data = {**(activity.channel_data or {}), **window}
        await self._send(request, list(activities))

    def can_reach(self, request: Request, human: bool) -> bool:
        try:
            self._messenger_window(request, human)
        except CannotReach:
            return False
        return True

    def _messenger_window(self, request: Request, human: bool) -> dict[str, Any]:
        if request.channel != MESSENGER:
            return {}
        last = datetime.fromisoformat(request.last_teen_at or request.created_at)
        since = self._clock() - last
        if since <= RESPONSE_WINDOW:
            return {}
        if human and since <= HUMAN_AGENT_WINDOW:
            return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        limit = "7 days" if human else "24 hours"
        raise CannotReach(
            f"Messenger allows no message more than {limit} after the teen's last one"
        )

    async def _send(self, request: Request, activities: list[Activity]) -> None:
        adapter = self._adapters.get(request.channel)
        if adapter is None:
            raise CannotReach(f"the {request.channel} channel is not running")
        reference = ConversationReference().deserialize(request.reference)

        async def send(turn: TurnContext) -> None:
            await turn.send_activities(activities)

        await adapter.continue_conversation(reference, send)
