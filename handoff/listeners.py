"""Listener accounts: pseudonymous people with skills, a role, a presence and a capacity.

Passwords are hashed with argon2 and never leave this module (`Listener` carries no hash).
Refusals raise ListenerError with one line an administrator can act on; none echoes a password.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from handoff.clock import iso, utc_now

DEFAULT_SKILLS = ("psy", "juridique", "technique")
ROLES = ("listener", "supervisor")
PRESENCES = ("available", "away", "offline")
MIN_PASSWORD_LENGTH = 10
MAX_CAPACITY = 20
MAX_DISPLAY_NAME_LENGTH = 40
_USERNAME = re.compile(r"[a-z0-9._-]{2,40}")


class ListenerError(ValueError):
    """A refused account change; the message is one readable line."""


@dataclass(frozen=True)
class Listener:
    username: str
    display_name: str  # pseudonymous: this is what teens see
    skills: tuple[str, ...]
    role: str
    presence: str
    capacity: int  # conversations at once
    created_at: datetime


class Listeners:
    """The `listeners` table; `skills` is the configured list accounts may draw from."""

    def __init__(
        self,
        db: Database,
        skills: Iterable[str] = DEFAULT_SKILLS,
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._table = db.table("listeners")
        self._skills = tuple(skills)
        self._hasher = hasher or PasswordHasher()
        self._clock = clock
        # Checked instead of a real hash for unknown usernames, so timing does not reveal them.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(32))

    def add(
        self,
        username: str,
        display_name: str,
        password: str,
        skills: Iterable[str],
        role: str,
        capacity: int = 3,
    ) -> Listener:
        name = _normalize(username)
        if not _USERNAME.fullmatch(name):
            raise ListenerError(
                f"username {username!r} must be 2 to 40 characters among a-z 0-9 . _ -"
            )
        shown = display_name.strip()
        if not 0 < len(shown) <= MAX_DISPLAY_NAME_LENGTH:
            raise ListenerError(
                f"display name must be 1 to {MAX_DISPLAY_NAME_LENGTH} characters, got {shown!r}"
            )
        if role not in ROLES:
            raise ListenerError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise ListenerError(f"capacity must be a whole number, got {capacity!r}")
        if not 1 <= capacity <= MAX_CAPACITY:
            raise ListenerError(f"capacity must be from 1 to {MAX_CAPACITY}, got {capacity}")
        row = {
            "username": name,
            "display_name": shown,
            "skills": json.dumps(self._known_skills(skills)),
            "role": role,
            "password_hash": self._hash(password),
            "presence": "offline",
            "capacity": capacity,
            "created_at": iso(self._clock()),
        }
        try:
            self._table.insert(row)
        except sqlite3.IntegrityError:
            raise ListenerError(f"listener {name!r} already exists") from None
        return _listener(row)

    def get(self, username: str) -> Listener | None:
        row = self._row(username)
        return None if row is None else _listener(row)

    def all(self) -> list[Listener]:
        return [_listener(row) for row in self._table.rows_where(order_by="username")]

    def verify(self, username: str, password: str) -> Listener | None:
        """The listener when the password matches; upgrades a hash made with older settings."""
        row = self._row(username)
        if row is None:
            self._matches(self._dummy_hash, password)
            return None
        stored = row["password_hash"]
        if not self._matches(stored, password):
            return None
        if self._hasher.check_needs_rehash(stored):
            self._table.update(row["username"], {"password_hash": self._hasher.hash(password)})
        return _listener(row)

    def set_presence(self, username: str, presence: str) -> Listener:
        if presence not in PRESENCES:
            raise ListenerError(f"presence must be one of {', '.join(PRESENCES)}, got {presence!r}")
        self._update(username, {"presence": presence})
        row = self._row(username)
        if row is None:
            raise ListenerError(f"no listener named {username!r}")
        return _listener(row)

    def set_password(self, username: str, password: str) -> None:
        self._update(username, {"password_hash": self._hash(password)})

    def _known_skills(self, skills: Iterable[str]) -> list[str]:
        """The chosen skills in configured order, so equal sets are stored alike."""
        chosen = set(skills)
        unknown = sorted(chosen.difference(self._skills))
        if unknown:
            raise ListenerError(f"unknown skill {unknown[0]!r} (known: {', '.join(self._skills)})")
        return [skill for skill in self._skills if skill in chosen]

    def _hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ListenerError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
        return self._hasher.hash(password)

    def _matches(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def _row(self, username: str) -> dict[str, Any] | None:
        rows = self._table.rows_where("username = ?", [_normalize(username)], limit=1)
        return next(rows, None)

    def _update(self, username: str, values: dict[str, Any]) -> None:
        name = _normalize(username)
        try:
            self._table.update(name, values)
        except NotFoundError:
            raise ListenerError(f"no listener {name!r}") from None


def _normalize(username: str) -> str:
    """Usernames are stored lowercase, so `Alice` and `alice` are one account."""
    return username.strip().lower()


def _listener(row: dict[str, Any]) -> Listener:
    return Listener(
        username=row["username"],
        display_name=row["display_name"],
        skills=tuple(json.loads(row["skills"])),
        role=row["role"],
        presence=row["presence"],
        capacity=row["capacity"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )
