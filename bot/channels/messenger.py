"""The Facebook Messenger channel: Meta's webhook in, the Send API out, through botbuilder.

`POST /webhooks/messenger` checks Meta's signature over the exact bytes received, stores every
event and answers 200 at once; the inbox then runs the turns from the database. The bot's
replies go to the outbox, which sends them to the Send API in order and retries what Meta
says is transient.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ConversationReference, ResourceResponse
from sqlite_utils import Database

from bot.channels.graph import GraphClient
from bot.channels.messenger_events import (
    HANDOVER_KEYS,
    MalformedWebhook,
    parse_webhook,
    to_activity,
    to_send_requests,
)
from bot.inbox import Inbox
from bot.outbox import Outbox, SendOutcome
from bot.settings import MessengerSecrets

log = logging.getLogger(__name__)

TurnLogic = Callable[[TurnContext], Awaitable[None]]


class MessengerAdapter(BotAdapter):
    """Runs turns for Messenger activities; whatever the bot sends goes to the outbox."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__()
        self._outbox = outbox

    async def process_activity(self, activity: Activity, logic: TurnLogic) -> None:
        context = TurnContext(self, activity)
        await self.run_pipeline(context, logic)

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        responses = []
        for activity in activities:
            psid = (
                activity.recipient.id if activity.recipient else context.activity.from_property.id
            )
            ids: list[int] = []
            if activity.type == ActivityTypes.message:
                ids = [
                    self._outbox.enqueue(psid, "message", body)
                    for body in to_send_requests(activity, psid)
                ]
            elif activity.type == ActivityTypes.typing:
                body = {"recipient": {"id": psid}, "sender_action": "typing_on"}
                ids = [self._outbox.enqueue(psid, "action", body)]
            # trace and other activity types never reach a teen
            responses.append(ResourceResponse(id=f"outbox:{ids[-1]}" if ids else ""))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> None:
        raise NotImplementedError("Messenger cannot edit a message once sent")

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        raise NotImplementedError("Messenger cannot delete a message once sent")


class MessengerChannel:
    """The channel's web endpoints and its two queues."""

    def __init__(
        self,
        *,
        db: Database,
        secrets: MessengerSecrets,
        adapter: MessengerAdapter,
        logic: TurnLogic,
        on_thread_returned: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._secret = secrets.app_secret.encode()
        self._verify_token = secrets.verify_token
        self._app_id = secrets.app_id
        self.adapter = adapter
        self._logic = logic
        self._on_thread_returned = on_thread_returned
        self.inbox = Inbox(db, "messenger", self._run_turn)

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription check: echo the challenge when the token matches."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), self._verify_token.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403, text="verification failed: wrong mode or verify token")

    async def receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not self._signed(raw, request.headers.get("X-Hub-Signature-256", "")):
            return web.Response(status=403, text="missing or wrong X-Hub-Signature-256")
        try:
            events = parse_webhook(json.loads(raw), self._app_id)
        except (ValueError, MalformedWebhook) as error:
            message = str(error) if isinstance(error, MalformedWebhook) else "body is not JSON"
            return web.Response(status=400, text=message)
        new = self.inbox.accept(events)
        log.info("messenger webhook: %d event(s), %d new", len(events), new)
        return web.Response(text="EVENT_RECEIVED")

    def _signed(self, raw: bytes, header: str) -> bool:
        if not header.startswith("sha256="):
            return False
        expected = hmac.new(self._secret, raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())

    async def _run_turn(self, item: dict[str, Any]) -> None:
        if any(key in item for key in HANDOVER_KEYS):
            passed = item.get("pass_thread_control") or {}
            returned = str(passed.get("new_owner_app_id", "")) == self._app_id
            if returned and self._on_thread_returned is not None:
                await self._on_thread_returned(str(item["sender"]["id"]))
            return
        await self.adapter.process_activity(to_activity(item), self._logic)


def graph_sender(graph: GraphClient) -> Callable[[dict[str, Any]], Awaitable[SendOutcome]]:
    """What the outbox calls to send one Send API body."""

    async def send(body: dict[str, Any]) -> SendOutcome:
        return await graph.post("me/messages", body)

    return send
