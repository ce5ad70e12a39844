"""Messenger's webhook events in, Send API messages out: pure translation, no I/O.

Shapes follow Meta's documentation (shared/reference/messenger.md). Messages, quick replies,
postbacks and referrals become botbuilder activities; echoes, reads, deliveries, reactions,
standby and handover events are recorded but start no turn.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
)

from bot.inbox import InboundEvent

CHANNEL_ID = "facebook"
TEXT_LIMIT = 2000
QUICK_REPLIES_MAX = 13
QUICK_REPLY_TITLE_MAX = 20
PAYLOAD_MAX = 1000
ECHO_KINDS = frozenset({"echo", "page_reply"})
# Conversation routing: another app passing, taking or asking for a thread.
HANDOVER_KEYS = ("pass_thread_control", "take_thread_control", "request_thread_control")


class MalformedWebhook(ValueError):
    """The body is not a Messenger webhook notification."""


def parse_webhook(body: Any, app_id: str) -> list[InboundEvent]:
    """Every event of every entry, `messaging` and `standby` alike. Echoes of `app_id`'s own
    sends are kind `echo`; echoes of people answering from the Page inbox are `page_reply`.
    Messages, postbacks, referrals and conversation-routing (`handover`) events are kept to be
    processed; the others are only recorded."""
    if not isinstance(body, dict) or body.get("object") != "page":
        raise MalformedWebhook('expected a JSON object with "object": "page"')
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise MalformedWebhook('expected an "entry" list')
    events: list[InboundEvent] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise MalformedWebhook("every entry must be a JSON object")
        for item in entry.get("messaging") or []:
            events.append(_event(item, app_id, standby=False))
        for item in entry.get("standby") or []:
            events.append(_event(item, app_id, standby=True))
    return events


def _event(item: Any, app_id: str, standby: bool) -> InboundEvent:
    if not isinstance(item, dict):
        raise MalformedWebhook("every messaging event must be a JSON object")
    sender = (item.get("sender") or {}).get("id")
    recipient = (item.get("recipient") or {}).get("id")
    timestamp = item.get("timestamp")
    if not isinstance(sender, str | int) or not isinstance(timestamp, int):
        raise MalformedWebhook("every event needs sender.id and a numeric timestamp")
    kind = "standby" if standby else _kind(item, app_id)
    message = item.get("message") or {}
    # Echoes are sent by the Page: the conversation belongs to their recipient, the user.
    user = str(recipient if kind in ECHO_KINDS else sender)
    mid = message.get("mid") or (item.get("postback") or {}).get("mid")
    if mid and kind in {"message", "postback", "standby", *ECHO_KINDS}:
        key = f"{kind}:{mid}"
    else:  # reads, deliveries, reactions, referrals: a digest of the event is its identity
        key = f"{kind}:" + hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()
    processed = kind in {"message", "postback", "referral", "handover"}
    return InboundEvent(key, user, timestamp, kind, item if processed else None)


def _kind(item: dict[str, Any], app_id: str) -> str:
    message = item.get("message")
    if isinstance(message, dict):
        if not message.get("is_echo"):
            return "message"
        return "echo" if str(message.get("app_id")) == app_id else "page_reply"
    for kind in ("postback", "referral", "read", "delivery", "reaction"):
        if kind in item:
            return kind
    if any(key in item for key in HANDOVER_KEYS):
        return "handover"
    return "other"  # policy notices and future event types: recorded only


def to_activity(item: dict[str, Any]) -> Activity:
    """A stored `message`, `postback` or `referral` event as an incoming activity."""
    psid = str(item["sender"]["id"])
    page = str(item["recipient"]["id"])
    activity = Activity(
        channel_id=CHANNEL_ID,
        timestamp=datetime.fromtimestamp(item["timestamp"] / 1000, UTC),
        from_property=ChannelAccount(id=psid, role="user"),
        recipient=ChannelAccount(id=page, role="bot"),
        conversation=ConversationAccount(id=psid),
        service_url="",
    )
    if "message" in item:
        message = item["message"]
        activity.type = ActivityTypes.message
        activity.id = message.get("mid")
        activity.text = message.get("text")
        if "quick_reply" in message:
            activity.value = {"payload": message["quick_reply"].get("payload")}
        activity.attachments = [
            Attachment(
                content_type=attachment.get("type", "fallback"),
                content_url=(attachment.get("payload") or {}).get("url"),
            )
            for attachment in message.get("attachments") or []
        ] or None
    elif "postback" in item:
        postback = item["postback"]
        activity.type = ActivityTypes.message
        activity.id = postback.get("mid")
        activity.text = postback.get("title")
        activity.value = {"payload": postback.get("payload")}
    else:
        activity.type = ActivityTypes.event
        activity.name = "referral"
        activity.value = item.get("referral")
    return activity


def to_send_requests(activity: Activity, psid: str) -> list[dict[str, Any]]:
    """One bot message as Send API bodies: text split within Meta's limit, the quick replies
    (at most 13, titles at most 20 characters) on the last part."""
    channel_data = activity.channel_data or {}
    relais = channel_data.get("relais") or {}
    text = activity.text or ""
    if relais.get("sender") == "listener":  # Messenger shows the Page's name on every message
        text = f"{relais.get('name')} : {text}"
    chunks = split_text(text)
    replies = _quick_replies(activity)
    # A listener's late reply is tagged HUMAN_AGENT by the relay; the bot's are responses.
    envelope: dict[str, Any] = {"messaging_type": channel_data.get("messaging_type", "RESPONSE")}
    if channel_data.get("tag"):
        envelope["tag"] = channel_data["tag"]
    bodies = []
    for index, chunk in enumerate(chunks):
        message: dict[str, Any] = {"text": chunk}
        if replies and index == len(chunks) - 1:
            message["quick_replies"] = replies
        bodies.append({"recipient": {"id": psid}, **envelope, "message": message})
    return bodies


def _quick_replies(activity: Activity) -> list[dict[str, str]]:
    actions = activity.suggested_actions.actions if activity.suggested_actions else []
    replies = []
    for action in actions[:QUICK_REPLIES_MAX]:
        value = action.value
        payload = value.get("payload") if isinstance(value, dict) else value
        replies.append(
            {
                "content_type": "text",
                "title": action.title[:QUICK_REPLY_TITLE_MAX],
                "payload": str(payload or action.title)[:PAYLOAD_MAX],
            }
        )
    return replies


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split at the last paragraph break, line break, sentence end or space before `limit`."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind(sep) for sep in ("\n\n", "\n", ". ", "! ", "? "))
        if cut <= limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        chunks.append(rest[: cut + 1].strip())
        rest = rest[cut + 1 :].strip()
    chunks.append(rest)
    return chunks
