"""The site chat's conversations and their activities: stored, numbered, and pushed live.

Every activity of a conversation gets the next sequence number; Direct Line's watermark is the
last number a client has. Stored activities make a page reload, a dropped connection or a server
restart resume the conversation without losing or repeating a message. Live subscribers (the
WebSocket streams) get each activity once, after the ones they replayed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlite_utils import Database

from bot.database import utcnow

# Pushed to live streams but not stored: typing indicators come and go.
EPHEMERAL_TYPES = frozenset({"typing"})


class UnknownConversation(Exception):
    """No such conversation (never started, or deleted by the retention policy): HTTP 404."""


def activity_id(conversation_id: str, seq: int) -> str:
    return f"{conversation_id}|{seq:07d}"


class ActivityLog:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}

    def start(self, conversation_id: str, user_id: str) -> bool:
        """Create the conversation if it is new; True if it was."""
        now = utcnow()
        with self._db.conn:
            cursor = self._db.execute(
                "insert or ignore into directline_conversations"
                " (id, user_id, created_at, last_activity_at) values (?, ?, ?, ?)",
                [conversation_id, user_id, now, now],
            )
        return bool(cursor.rowcount)

    def check(self, conversation_id: str) -> None:
        row = self._db.execute(
            "select 1 from directline_conversations where id = ?", [conversation_id]
        ).fetchone()
        if row is None:
            raise UnknownConversation(conversation_id)

    def append(self, conversation_id: str, activity: dict[str, Any]) -> dict[str, Any]:
        """Give the activity its id and timestamp, store it, push it to live streams."""
        activity["timestamp"] = utcnow().replace("+00:00", "Z")
        if activity.get("type") in EPHEMERAL_TYPES:
            self._publish(conversation_id, {"activities": [activity]})
            return activity
        with self._db.conn:
            seq = self._db.execute(
                "select coalesce(max(seq), 0) + 1 from directline_activities"
                " where conversation = ?",
                [conversation_id],
            ).fetchone()[0]
            activity["id"] = activity_id(conversation_id, seq)
            self._db.execute(
                "insert into directline_activities (conversation, seq, activity, created_at)"
                " values (?, ?, ?, ?)",
                [conversation_id, seq, json.dumps(activity, ensure_ascii=False), utcnow()],
            )
            self._db.execute(
                "update directline_conversations set last_activity_at = ? where id = ?",
                [utcnow(), conversation_id],
            )
        self._publish(conversation_id, {"activities": [activity], "watermark": str(seq)})
        return activity

    def since(self, conversation_id: str, watermark: int) -> tuple[list[dict[str, Any]], int]:
        rows = self._db.execute(
            "select seq, activity from directline_activities where conversation = ? and seq > ?"
            " order by seq",
            [conversation_id, watermark],
        ).fetchall()
        last = rows[-1][0] if rows else watermark
        return [json.loads(activity) for _, activity in rows], last

    def subscribe(
        self, conversation_id: str, watermark: int
    ) -> tuple[asyncio.Queue[dict[str, Any]], list[dict[str, Any]], int]:
        """A live queue and the backlog after `watermark`, taken together so that nothing falls
        between them (no await in between: the event loop cannot interleave an append)."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.setdefault(conversation_id, set()).add(queue)
        backlog, last = self.since(conversation_id, watermark)
        return queue, backlog, last

    def unsubscribe(self, conversation_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        queues = self._subscribers.get(conversation_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[conversation_id]

    def _publish(self, conversation_id: str, frame: dict[str, Any]) -> None:
        for queue in self._subscribers.get(conversation_id, ()):
            queue.put_nowait(frame)
