"""The conversation transcript listeners read: what the teen wrote, with the safety analysis,
and what the bot answered. Kept `privacy.transcript_days` after its last message, then deleted.

Only the transcript holds message text; logs never do.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from sqlite_utils import Database

from handoff.clock import iso, utc_now


def conversation_key(activity: Activity) -> str:
    """One conversation across the whole database: channel and the channel's conversation id."""
    return f"{activity.channel_id}:{activity.conversation.id}"


class Transcript:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    def record(
        self,
        activity: Activity,
        role: str,
        analysis: dict[str, Any] | None = None,
        sender: str | None = None,
    ) -> None:
        attachments = [
            {"type": a.content_type, "url": a.content_url} for a in activity.attachments or []
        ]
        with self._db.conn:
            self._db.table("transcript").insert(
                {
                    "conversation": conversation_key(activity),
                    "channel": activity.channel_id,
                    "role": role,
                    "sender": sender,
                    "text": activity.text,
                    "attachments": json.dumps(attachments) if attachments else None,
                    "analysis": json.dumps(analysis, ensure_ascii=False) if analysis else None,
                    "created_at": iso(self._clock()),
                }
            )

    def messages(self, conversation: str) -> list[dict[str, Any]]:
        return list(
            self._db.table("transcript").rows_where(
                "conversation = ?", [conversation], order_by="id"
            )
        )


class TranscriptMiddleware(Middleware):
    """Records every message the bot sends, whichever dialog sent it."""

    def __init__(self, transcript: Transcript) -> None:
        self._transcript = transcript

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable]) -> None:
        async def record_sent(
            ctx: TurnContext, activities: list[Activity], send: Callable[[], Awaitable]
        ) -> list[ResourceResponse]:
            for activity in activities:
                if activity.type == ActivityTypes.message:
                    relais = (activity.channel_data or {}).get("relais") or {}
                    role = "listener" if relais.get("sender") == "listener" else "bot"
                    self._transcript.record(activity, role, sender=relais.get("name"))
            return await send()

        context.on_send_activities(record_sent)
        await logic()
