"""What a teen is told outside their own turns: a listener joined, handed over or closed, and
the notices while they wait. Sent through the relay, in the teen's language."""

from __future__ import annotations

import logging

from botbuilder.core import MessageFactory, Storage
from botbuilder.schema import Activity, ActivityTypes, SuggestedActions

from bot.dialogs.desk import Desk
from bot.dialogs.replies import card_actions
from bot.dialogs.turn import CANCEL_REQUEST
from bot.relay import CannotReach, Relay
from bot.texts import Texts
from handoff.listeners import Listener
from handoff.notices import Notice, due_notices
from handoff.queue import Request

log = logging.getLogger(__name__)
LISTENER_EVENT = "relais.listener"


class Announcer:
    def __init__(self, relay: Relay, texts: Texts, desk: Desk, storage: Storage) -> None:
        self._relay = relay
        self._texts = texts
        self._desk = desk
        self._storage = storage

    async def joined(self, request: Request, listener: Listener) -> None:
        await self._relay.from_bot(
            request,
            self._message(request, "relay.joined", name=listener.display_name),
            _listener_event("joined", listener.display_name),
        )

    async def transferred(self, request: Request, by: Listener, to: Listener | None) -> None:
        if to is None:
            await self._relay.from_bot(
                request,
                self._message(request, "relay.requeued", name=by.display_name),
                _listener_event("left", by.display_name),
            )
            return
        await self._relay.from_bot(
            request,
            self._message(request, "relay.transferred", name=by.display_name),
            _listener_event("left", by.display_name),
        )
        await self.joined(request, to)

    async def closed(self, request: Request, listener: Listener) -> None:
        """The bot is the bot again, and the teen's next message starts afresh."""
        try:
            await self._relay.from_bot(
                request,
                _listener_event("left", listener.display_name),
                self._message(request, "relay.closed", name=listener.display_name),
            )
        finally:
            channel, conversation = request.conversation.split(":", 1)
            await self._storage.delete([f"{channel}/conversations/{conversation}"])

    async def notify_waiting(self) -> int:
        """Send every notice due now; return how many were sent."""
        sent = 0
        for notice in due_notices(
            self._desk.queue, self._desk.hours, self._desk.settings, self._desk.clock()
        ):
            try:
                await self._notice(notice)
                sent += 1
            except CannotReach as error:
                log.info(
                    "notice %s for request %s not sent: %s", notice.kind, notice.request.id, error
                )
        return sent

    async def _notice(self, notice: Notice) -> None:
        request, queue = notice.request, self._desk.queue
        lang = request.language
        if notice.kind == "position":
            text = self._desk.position_notice(self._texts, lang, request.id, update=True)
            await self._relay.from_bot(request, MessageFactory.text(text))
            return
        queue.remember_told(request.id, notice.kind)
        if notice.kind == "closed":
            queue.keep_for_opening(request.id)
            when = self._desk.next_opening_text(self._texts, lang)
            await self._relay.from_bot(
                request, self._message(request, "handoff.closed_now", when=when)
            )
        elif notice.kind == "closing":
            when = self._desk.next_opening_text(self._texts, lang)
            await self._relay.from_bot(
                request, self._message(request, "handoff.closing", when=when)
            )
        elif notice.kind == "no_listener":
            message = self._message(request, "handoff.no_listener")
            message.suggested_actions = SuggestedActions(
                actions=card_actions(
                    self._texts, lang, [("choices.cancel_request", CANCEL_REQUEST)]
                )
            )
            await self._relay.from_bot(request, message)
        else:  # long_wait
            await self._relay.from_bot(request, self._message(request, "handoff.long_wait"))

    def _message(self, request: Request, key: str, **values: str) -> Activity:
        return MessageFactory.text(self._texts.get(request.language, key, **values))


def _listener_event(status: str, name: str) -> Activity:
    """For the site chat's widget; Messenger ignores events."""
    return Activity(
        type=ActivityTypes.event, name=LISTENER_EVENT, value={"status": status, "name": name}
    )
