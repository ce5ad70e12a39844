"""Inbound events, stored before the channel acknowledges them and processed from the database.

A channel hands over events already parsed; `accept` writes them in one transaction and
returns at once, so the webhook can answer within Meta's 5 seconds. Each user's pending events
are then processed oldest first, one at a time. A duplicate `event_key` is ignored, so an event
Meta delivers twice is handled once. After processing, the raw body is deleted: the transcript
keeps what listeners need, the inbox keeps only that the event was handled.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.database import utcnow
from bot.keyed_workers import KeyedWorkers
from bot.log_safety import describe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundEvent:
    event_key: str  # unique per event, e.g. "message:<mid>"
    user_key: str  # events of one user are processed in order
    timestamp: int  # the platform's time, milliseconds
    kind: str
    body: dict[str, Any] | None  # None for events that are only recorded, never processed

    @property
    def needs_turn(self) -> bool:
        return self.body is not None


class Inbox:
    def __init__(
        self, db: Database, channel: str, handle: Callable[[dict[str, Any]], Awaitable[None]]
    ) -> None:
        self._db = db
        self._channel = channel
        self._handle = handle
        self._workers = KeyedWorkers(f"{channel}-inbox", self._drain)

    def accept(self, events: Iterable[InboundEvent]) -> int:
        """Store the events; return how many were new. Work starts after the caller returns."""
        now = utcnow()
        users: set[str] = set()
        new = 0
        with self._db.conn:
            for event in events:
                cursor = self._db.execute(
                    "insert or ignore into inbound_events (channel, event_key, user_key,"
                    " timestamp, kind, body, status, received_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        self._channel,
                        event.event_key,
                        event.user_key,
                        event.timestamp,
                        event.kind,
                        json.dumps(event.body) if event.needs_turn else None,
                        "pending" if event.needs_turn else "recorded",
                        now,
                    ],
                )
                if cursor.rowcount:
                    new += 1
                    if event.needs_turn:
                        users.add(event.user_key)
        for user in users:
            self._workers.kick(user)
        return new

    def resume(self) -> int:
        """Start processing what was stored and not handled before a restart."""
        users = [
            row[0]
            for row in self._db.execute(
                "select distinct user_key from inbound_events"
                " where channel = ? and status = 'pending'",
                [self._channel],
            ).fetchall()
        ]
        for user in users:
            self._workers.kick(user)
        return len(users)

    async def _drain(self, user_key: str) -> None:
        while True:
            row = self._db.execute(
                "select id, body from inbound_events where status = 'pending' and channel = ?"
                " and user_key = ? order by timestamp, id limit 1",
                [self._channel, user_key],
            ).fetchone()
            if row is None:
                return
            event_id, body = row
            status, error = "done", None
            try:
                await self._handle(json.loads(body))
            except Exception as exc:  # one broken event must not block the user's next ones
                status, error = "failed", type(exc).__name__
                log.error("%s event %s failed: %s", self._channel, event_id, describe(exc))
            with self._db.conn:
                self._db.execute(
                    "update inbound_events set status = ?, error = ?, body = null,"
                    " processed_at = ? where id = ?",
                    [status, error, utcnow(), event_id],
                )

    async def idle(self) -> None:
        await self._workers.idle()

    async def close(self) -> None:
        await self._workers.close()
