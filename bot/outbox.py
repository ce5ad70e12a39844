"""Outgoing messages, persisted and sent in order per recipient, retried with backoff.

The bot's turn only writes to the outbox; a worker per recipient sends. A transient failure
(the platform is down, rate limits, a timeout) is retried with exponential backoff and holds
back that recipient's later messages, so a teen never reads advice out of order. A permanent
failure (the teen blocked the Page, a bad token) is recorded with the platform's code and not
retried. Once sent, a message's text is deleted from the outbox (the transcript keeps it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from bot.database import utcnow
from bot.keyed_workers import KeyedWorkers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendOutcome:
    status: Literal["sent", "retry", "failed"]
    message_id: str | None = None
    code: int | None = None
    subcode: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    base_delay_s: float
    max_delay_s: float
    max_attempts: int

    def delay(self, attempts: int) -> float:
        return min(self.max_delay_s, self.base_delay_s * 2 ** (attempts - 1))


# Sender actions (typing) are worth one try: late typing is worse than none.
ONE_TRY_KINDS = frozenset({"action"})


class Outbox:
    def __init__(
        self,
        db: Database,
        channel: str,
        send: Callable[[dict[str, Any]], Awaitable[SendOutcome]],
        policy: RetryPolicy,
    ) -> None:
        self._db = db
        self._channel = channel
        self._send = send
        self._policy = policy
        self._workers = KeyedWorkers(f"{channel}-outbox", self._drain)

    def enqueue(self, recipient: str, kind: str, payload: dict[str, Any]) -> int:
        with self._db.conn:
            row_id = self._db.execute(
                "insert into outbox (channel, recipient, kind, payload, status, attempts,"
                " next_attempt_at, created_at) values (?, ?, ?, ?, 'pending', 0, 0, ?)",
                [self._channel, recipient, kind, json.dumps(payload), utcnow()],
            ).lastrowid
        self._workers.kick(recipient)
        return int(row_id or 0)

    def resume(self) -> int:
        recipients = [
            row[0]
            for row in self._db.execute(
                "select distinct recipient from outbox where channel = ? and status = 'pending'",
                [self._channel],
            ).fetchall()
        ]
        for recipient in recipients:
            self._workers.kick(recipient)
        return len(recipients)

    async def _drain(self, recipient: str) -> None:
        while True:
            row = self._db.execute(
                "select id, kind, payload, attempts, next_attempt_at from outbox"
                " where status = 'pending' and channel = ? and recipient = ? order by id limit 1",
                [self._channel, recipient],
            ).fetchone()
            if row is None:
                return
            row_id, kind, payload, attempts, next_attempt_at = row
            wait = next_attempt_at - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
            outcome = await self._send(json.loads(payload))
            self._record(row_id, kind, attempts + 1, outcome)

    def _record(self, row_id: int, kind: str, attempts: int, outcome: SendOutcome) -> None:
        fields: dict[str, Any] = {
            "attempts": attempts,
            "error_code": outcome.code,
            "error_subcode": outcome.subcode,
            "error_message": outcome.message,
        }
        if outcome.status == "sent":
            fields.update(
                status="sent", sent_at=utcnow(), message_id=outcome.message_id, payload=None
            )
        elif (
            outcome.status == "retry"
            and kind not in ONE_TRY_KINDS
            and attempts < self._policy.max_attempts
        ):
            fields["next_attempt_at"] = time.time() + self._policy.delay(attempts)
        else:
            fields.update(status="failed", payload=None)
            log.warning(
                "%s outbox %s gave up after %d attempt(s): code %s/%s",
                self._channel,
                row_id,
                attempts,
                outcome.code,
                outcome.subcode,
            )
        with self._db.conn:
            self._db.table("outbox").update(row_id, fields)

    async def idle(self) -> None:
        await self._workers.idle()

    async def close(self) -> None:
        await self._workers.close()
