"""Listeners' console sessions: an opaque cookie token (stored hashed) and a CSRF token,
ended by sign-out or after `idle_s` seconds without activity."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from handoff.clock import iso, utc_now


@dataclass(frozen=True)
class Session:
    username: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, db: Database, idle_s: int, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._idle_s = idle_s
        self._clock = clock

    def open(self, username: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        session = Session(username, secrets.token_urlsafe(24))
        now = iso(self._clock())
        self._db.table("console_sessions").insert(
            {
                "token_hash": _digest(token),
                "username": username,
                "csrf_token": session.csrf_token,
                "created_at": now,
                "last_seen_at": now,
            }
        )
        return token, session

    def find(self, token: str) -> Session | None:
        """The live session for this cookie; touching it keeps it alive."""
        if not token:
            return None
        row = self._db.execute(
            "select username, csrf_token, last_seen_at from console_sessions where token_hash = ?",
            [_digest(token)],
        ).fetchone()
        if row is None:
            return None
        now = self._clock()
        if (now - datetime.fromisoformat(row[2])).total_seconds() > self._idle_s:
            self.close(token)
            return None
        with self._db.conn:
            self._db.execute(
                "update console_sessions set last_seen_at = ? where token_hash = ?",
                [iso(now), _digest(token)],
            )
        return Session(row[0], row[1])

    def alive(self, token: str) -> bool:
        """Whether the session exists and is not idle, without counting as activity."""
        row = self._db.execute(
            "select last_seen_at from console_sessions where token_hash = ?", [_digest(token)]
        ).fetchone()
        if row is None:
            return False
        idle = (self._clock() - datetime.fromisoformat(row[0])).total_seconds()
        return idle <= self._idle_s

    def close(self, token: str) -> None:
        with self._db.conn:
            self._db.execute("delete from console_sessions where token_hash = ?", [_digest(token)])
