"""Optional, for helplines whose listeners work in Meta Business Suite: Messenger conversations
that need a listener are handed to the Page Inbox through conversation routing, and taken back
when the Page Inbox releases them.

Setting: `handoff.messenger_page_inbox: true`. A Messenger hand-off request is then passed to
the Page Inbox app at once (`pass_thread_control`) and held there by a pseudo-listener, so the
console and the wait notices leave it alone and the bot stays silent. When Meta reports that the
thread came back to our app, the request is closed and the teen's next message starts afresh.
If Meta refuses the hand-over, the request simply stays in the console's queue.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from botbuilder.core import Storage

from bot.channels.graph import GraphClient
from bot.channels.messenger_events import CHANNEL_ID
from handoff.events import EventBus
from handoff.listeners import Listener
from handoff.queue import HandoffQueue, QueueError

log = logging.getLogger(__name__)

PAGE_INBOX_APP_ID = "263902037430900"
PAGE_INBOX = Listener(
    username="page_inbox",
    display_name="Page Inbox",
    skills=(),
    role="supervisor",  # may close what it holds, whoever it came from
    presence="available",
    capacity=10**9,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


class PageInbox:
    def __init__(
        self, graph: GraphClient, queue: HandoffQueue, events: EventBus, storage: Storage
    ) -> None:
        self._graph = graph
        self._queue = queue
        self._events = events
        self._storage = storage

    async def run(self) -> None:
        """Hand every new Messenger request to the Page Inbox, for as long as the app runs."""
        inbox = self._events.subscribe()
        try:
            while True:
                event = await inbox.get()
                request = event.get("request") or {}
                if event["type"] == "request" and request.get("channel") == CHANNEL_ID:
                    await self.hand_over(request["id"], request["conversation"])
        finally:
            self._events.unsubscribe(inbox)

    async def hand_over(self, request_id: int, conversation: str) -> bool:
        psid = conversation.split(":", 1)[1]
        outcome = await self._graph.post(
            "me/pass_thread_control",
            {
                "recipient": {"id": psid},
                "target_app_id": PAGE_INBOX_APP_ID,
                "metadata": f"relais request {request_id}",
            },
        )
        if outcome.status != "sent":
            log.warning(
                "Page Inbox refused request %s (code %s): it stays in the console",
                request_id,
                outcome.code,
            )
            return False
        try:
            claimed = self._queue.claim(request_id, PAGE_INBOX)
        except QueueError as error:  # a console listener was quicker
            log.info("request %s not held by the Page Inbox: %s", request_id, error)
            return False
        self._events.publish("claimed", request=claimed.public())
        return True

    async def thread_returned(self, psid: str) -> None:
        """Meta says the thread is ours again: the Page Inbox is done with it."""
        request = self._queue.open_for(f"{CHANNEL_ID}:{psid}")
        if request is None or request.listener != PAGE_INBOX.username:
            return
        closed = self._queue.close(request.id, PAGE_INBOX, "page_inbox", None)
        await self._storage.delete([f"{CHANNEL_ID}/conversations/{psid}"])
        self._events.publish("closed", request=closed.public())
