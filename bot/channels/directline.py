"""The site chat: a self-hosted Direct Line 3.0 endpoint, so that Microsoft's clients and our
own widget talk to Relais directly, with no cloud service between the teen and the helpline.

Facts followed: shared/reference/directline.md. A visitor's posted activity is stored, echoed
on the stream with its `clientActivityID`, answered with its `id` at once; the bot's turn runs
after, from the inbox, in order per conversation. The visitor's id always comes from the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    ResourceResponse,
)
from sqlite_utils import Database

from bot.channels.directline_log import ActivityLog, UnknownConversation
from bot.channels.directline_tokens import Grant, TokenError, Tokens, new_id
from bot.inbox import InboundEvent, Inbox
from bot.rate_limit import RateLimiter
from bot.settings import WebchatSettings

log = logging.getLogger(__name__)

CHANNEL_ID = "directline"
BOT_ID = "relais"
ACCEPTED_TYPES = frozenset({"message", "typing", "event"})
# What the bot's side may show a visitor: messages, typing, and events (a listener joined).
FORWARDED_TYPES = frozenset({"message", "typing", "event"})
KEEPALIVE_S = 20.0
TurnLogic = Callable[[TurnContext], Awaitable[None]]


class DirectLineError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class DirectLineAdapter(BotAdapter):
    """Runs turns for site-chat activities; the bot's replies are appended to the log."""

    def __init__(self, activities: ActivityLog, bot_name: str) -> None:
        super().__init__()
        self._activities = activities
        self._bot = {"id": BOT_ID, "name": bot_name, "role": "bot"}

    async def process_activity(self, activity: Activity, logic: TurnLogic) -> None:
        await self.run_pipeline(TurnContext(self, activity), logic)

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        responses = []
        for activity in activities:
            if activity.type not in FORWARDED_TYPES:
                responses.append(ResourceResponse(id=""))  # traces never reach a visitor
                continue
            data = activity.serialize()
            data.update(channelId=CHANNEL_ID, **{"from": _sender(activity, self._bot)})
            incoming = context.activity
            if incoming.type == ActivityTypes.message and incoming.id:
                data["replyToId"] = incoming.id  # an activity the client has: no 5 s hold
            stored = self._activities.append(activity.conversation.id, data)
            responses.append(ResourceResponse(id=stored.get("id", "")))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> None:
        raise NotImplementedError("the site chat does not edit sent messages")

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        raise NotImplementedError("the site chat does not delete sent messages")


class DirectLineChannel:
    """The HTTP and WebSocket endpoints of Direct Line 3.0, plus `/webchat/token`."""

    def __init__(
        self,
        *,
        db: Database,
        activities: ActivityLog,
        tokens: Tokens,
        adapter: DirectLineAdapter,
        logic: TurnLogic,
        settings: WebchatSettings,
        secret: str | None,
    ) -> None:
        self._activities = activities
        self._tokens = tokens
        self.adapter = adapter
        self._logic = logic
        self._settings = settings
        self._secret = secret
        self._token_limiter = RateLimiter(settings.tokens_per_minute)
        self._message_limiter = RateLimiter(settings.messages_per_minute)
        self.inbox = Inbox(db, CHANNEL_ID, self._run_turn)

    # Tokens ------------------------------------------------------------------------------

    async def webchat_token(self, request: web.Request) -> web.Response:
        """A token for an anonymous visitor: what the widget calls first."""
        self._limit(self._token_limiter, request.remote or "unknown")
        return web.json_response(self._grant_body(new_id(), new_id("dl_")))

    async def generate_token(self, request: web.Request) -> web.Response:
        """For sites whose own server mints tokens with the Web Chat secret."""
        if not self._secret or not hmac.compare_digest(
            _bearer(request).encode(), self._secret.encode()
        ):
            raise DirectLineError(403, "Forbidden", "the Web Chat secret is missing or wrong")
        return web.json_response(self._grant_body(new_id(), new_id("dl_")))

    async def refresh_token(self, request: web.Request) -> web.Response:
        grant = self._grant(request)
        return web.json_response(self._grant_body(grant.conversation_id, grant.user_id))

    # Conversations -----------------------------------------------------------------------

    async def start_conversation(self, request: web.Request) -> web.Response:
        grant = self._grant(request)
        locale = await _optional_locale(request)
        created = self._activities.start(grant.conversation_id, grant.user_id)
        if created:  # the welcome: a conversationUpdate turn, stored and answered in order
            self._accept(grant, _conversation_update(grant, locale), "start")
        body = self._grant_body(grant.conversation_id, grant.user_id)
        body["streamUrl"] = self._stream_url(request, grant, None)
        return web.json_response(body, status=201 if created else 200)

    async def get_conversation(self, request: web.Request) -> web.Response:
        grant = self._conversation_grant(request)
        watermark = _watermark(request)
        body = self._grant_body(grant.conversation_id, grant.user_id)
        body["streamUrl"] = self._stream_url(request, grant, watermark)
        return web.json_response(body)

    async def post_activity(self, request: web.Request) -> web.Response:
        grant = self._conversation_grant(request)
        if (request.content_length or 0) > self._settings.max_body_bytes:
            raise DirectLineError(413, "MessageSizeTooBig", "the activity is too large")
        self._limit(self._message_limiter, grant.conversation_id)
        raw = await request.content.read(self._settings.max_body_bytes + 1)
        if len(raw) > self._settings.max_body_bytes:
            raise DirectLineError(413, "MessageSizeTooBig", "the activity is too large")
        activity = self._visitor_activity(grant, _json_object(raw))
        stored = self._activities.append(grant.conversation_id, activity)
        if activity["type"] != "typing":
            self._accept(grant, stored, stored["id"])
        return web.json_response({"id": stored.get("id", "")})

    async def get_activities(self, request: web.Request) -> web.Response:
        grant = self._conversation_grant(request)
        activities, watermark = self._activities.since(
            grant.conversation_id, _watermark(request) or 0
        )
        return web.json_response({"activities": activities, "watermark": str(watermark)})

    async def stream(self, request: web.Request) -> web.WebSocketResponse:
        grant = self._conversation_grant(request, request.query.get("t"))
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        queue, backlog, last = self._activities.subscribe(
            grant.conversation_id, _watermark(request) or 0
        )
        try:
            if backlog:
                await ws.send_json({"activities": backlog, "watermark": str(last)})
            await self._pump(ws, queue, last)
        finally:
            self._activities.unsubscribe(grant.conversation_id, queue)
        return ws

    async def _pump(self, ws: web.WebSocketResponse, queue: asyncio.Queue, last: int) -> None:
        """Forward live frames, send keep-alives, and stop when the client goes."""
        reader = asyncio.ensure_future(_drain_client(ws))
        try:
            while not reader.done():
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait(
                    {getter, reader}, timeout=KEEPALIVE_S, return_when=asyncio.FIRST_COMPLETED
                )
                if getter not in done:
                    getter.cancel()
                    if not done:
                        await ws.send_str("")  # keep-alive, ignored by clients
                    continue
                frame = getter.result()
                watermark = int(frame.get("watermark", 0) or 0)
                if watermark and watermark <= last:
                    continue  # already sent in the backlog
                await ws.send_json(frame)
        except ConnectionResetError:
            pass
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    # Helpers -----------------------------------------------------------------------------

    def _grant_body(self, conversation_id: str, user_id: str) -> dict[str, Any]:
        token, _ = self._tokens.issue(conversation_id, user_id)
        return {
            "conversationId": conversation_id,
            "token": token,
            "expires_in": self._tokens.ttl_s,
            "userId": user_id,
        }

    def _grant(self, request: web.Request, token: str | None = None) -> Grant:
        token = token or _bearer(request)
        if not token:
            raise DirectLineError(403, "Forbidden", "a token is required (Authorization: Bearer)")
        try:
            return self._tokens.verify(token)
        except TokenError as error:
            raise DirectLineError(
                403, "TokenExpired" if "expired" in str(error) else "Forbidden", str(error)
            ) from None

    def _conversation_grant(self, request: web.Request, token: str | None = None) -> Grant:
        grant = self._grant(request, token)
        if grant.conversation_id != request.match_info["conversation_id"]:
            raise DirectLineError(403, "Forbidden", "this token does not open that conversation")
        try:
            self._activities.check(grant.conversation_id)
        except UnknownConversation:
            raise DirectLineError(404, "NotFound", "no such conversation") from None
        return grant

    def _visitor_activity(self, grant: Grant, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("type")
        if kind not in ACCEPTED_TYPES:
            raise DirectLineError(400, "BadArgument", "type must be message, typing or event")
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            raise DirectLineError(400, "BadArgument", "text must be a string")
        if kind == "message" and not text and body.get("value") is None:
            raise DirectLineError(400, "BadArgument", "a message needs text or a value")
        if text and len(text) > self._settings.max_text_length:
            raise DirectLineError(
                413, "MessageSizeTooBig", f"text is limited to {self._settings.max_text_length}"
            )
        channel_data = body["channelData"] if isinstance(body.get("channelData"), dict) else {}
        activity: dict[str, Any] = {
            "type": kind,
            "channelId": CHANNEL_ID,
            "from": {"id": grant.user_id, "role": "user"},
            "recipient": {"id": BOT_ID, "role": "bot"},
            "conversation": {"id": grant.conversation_id},
        }
        for key in ("text", "value", "name", "locale", "textFormat"):
            if body.get(key) is not None:
                activity[key] = body[key]
        client_id = channel_data.get("clientActivityID")
        if isinstance(client_id, str):
            activity["channelData"] = {"clientActivityID": client_id[:200]}
        return activity

    def _accept(self, grant: Grant, activity: dict[str, Any], key: str) -> None:
        event = InboundEvent(
            event_key=f"{grant.conversation_id}:{key}",
            user_key=grant.conversation_id,
            timestamp=int(time.time() * 1000),
            kind=activity["type"],
            body=activity,
        )
        self.inbox.accept([event])

    def _stream_url(self, request: web.Request, grant: Grant, watermark: int | None) -> str:
        """Behind a TLS proxy the browser needs wss:// and the public host: the proxy's
        X-Forwarded-Proto and X-Forwarded-Host say so (they only shape this client's URL)."""
        proto = request.headers.get("X-Forwarded-Proto", "https" if request.secure else "http")
        host = request.headers.get("X-Forwarded-Host", request.host)
        scheme = "wss" if proto.split(",")[0].strip() == "https" else "ws"
        token, _ = self._tokens.issue(grant.conversation_id, grant.user_id)
        path = f"/v3/directline/conversations/{grant.conversation_id}/stream"
        url = f"{scheme}://{host.split(',')[0].strip()}{path}?t={token}"
        return url + (f"&watermark={watermark}" if watermark is not None else "")

    @staticmethod
    def _limit(limiter: RateLimiter, key: str) -> None:
        if not limiter.allow(key):
            raise DirectLineError(429, "TooManyRequests", "too many requests: wait a minute")

    async def _run_turn(self, body: dict[str, Any]) -> None:
        activity = Activity().deserialize(body)
        activity.service_url = ""
        await self.adapter.process_activity(activity, self._logic)


def _sender(activity: Activity, bot: dict[str, str]) -> dict[str, str]:
    """The bot, or the listener speaking through it (their display name, shown by clients)."""
    relais = (activity.channel_data or {}).get("relais") or {}
    if relais.get("sender") == "listener":
        return {"id": "listener", "name": relais.get("name", ""), "role": "bot"}
    return bot


@web.middleware
async def directline_errors(request: web.Request, handler) -> web.StreamResponse:
    """Direct Line's error shape, `{"error": {"code", "message"}}`, with the right status."""
    try:
        return await handler(request)
    except DirectLineError as error:
        return web.json_response(
            {"error": {"code": error.code, "message": str(error)}}, status=error.status
        )


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _watermark(request: web.Request) -> int | None:
    value = request.query.get("watermark")
    if value in (None, ""):
        return None
    try:
        watermark = int(value)
    except ValueError:
        raise DirectLineError(400, "BadArgument", "watermark must be a number") from None
    if watermark < 0:
        raise DirectLineError(400, "BadArgument", "watermark must not be negative")
    return watermark


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DirectLineError(400, "BadArgument", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise DirectLineError(400, "BadArgument", "the body must be a JSON object")
    return body


async def _optional_locale(request: web.Request) -> str | None:
    if not request.can_read_body:
        return None
    raw = await request.content.read(4096)
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise DirectLineError(400, "BadArgument", "the body is not valid JSON") from None
    locale = body.get("locale") if isinstance(body, dict) else None
    return locale if isinstance(locale, str) else None


def _conversation_update(grant: Grant, locale: str | None) -> dict[str, Any]:
    return Activity(
        type=ActivityTypes.conversation_update,
        channel_id=CHANNEL_ID,
        from_property=ChannelAccount(id=grant.user_id, role="user"),
        recipient=ChannelAccount(id=BOT_ID, role="bot"),
        conversation=ConversationAccount(id=grant.conversation_id),
        members_added=[ChannelAccount(id=grant.user_id, role="user")],
        locale=locale,
    ).serialize()


async def _drain_client(ws: web.WebSocketResponse) -> None:
    """Read (and ignore) what the client sends, until it closes."""
    async for message in ws:
        if message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
            return
