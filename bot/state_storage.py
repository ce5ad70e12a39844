"""botbuilder's `Storage` contract over SQLite, so conversation state survives a restart.

Values are serialised with jsonpickle, as botbuilder itself does, because dialog state holds
botbuilder objects (`DialogState`, `DialogInstance`). Rows are only ever written by this class,
never from untrusted input, which is what makes decoding them safe. An `e_tag` other than None
or "*" is a compare-and-swap: a write based on stale state raises instead of losing a turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonpickle
from botbuilder.core import Storage
from sqlite_utils import Database

from bot.database import utcnow


class StateConflictError(Exception):
    """Another turn saved this state since it was read."""


class SqliteStorage(Storage):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self._db = db

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        marks = ",".join("?" for _ in keys)
        rows = self._db.execute(
            f"select key, data, etag from bot_state where key in ({marks})", list(keys)
        ).fetchall()
        items: dict[str, Any] = {}
        for key, data, etag in rows:
            value = jsonpickle.decode(data, keys=True)
            if isinstance(value, dict):
                value["e_tag"] = str(etag)
            items[key] = value
        return items

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        with self._db.conn:
            for key, value in changes.items():
                stored = self._db.execute(
                    "select etag from bot_state where key = ?", [key]
                ).fetchone()
                expected = value.get("e_tag") if isinstance(value, dict) else None
                if stored and expected not in (None, "*") and str(stored[0]) != expected:
                    raise StateConflictError(f"state {key!r} changed since it was read")
                data = value
                if isinstance(value, dict):
                    data = {k: v for k, v in value.items() if k != "e_tag"}
                etag = (stored[0] + 1) if stored else 1
                self._db.execute(
                    "insert or replace into bot_state (key, data, etag, updated_at)"
                    " values (?, ?, ?, ?)",
                    [key, jsonpickle.encode(data, keys=True), etag, utcnow()],
                )
                if isinstance(value, dict):  # the caller's cached copy now matches the row
                    value["e_tag"] = str(etag)

    async def delete(self, keys: list[str]) -> None:
        with self._db.conn:
            for key in keys:
                self._db.execute("delete from bot_state where key = ?", [key])
