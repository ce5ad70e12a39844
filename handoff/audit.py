"""Who read or did what in the console (table `audit_log`), kept for the helpline's supervisors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlite_utils import Database

from handoff.clock import iso, utc_now


class Audit:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    def record(self, username: str, action: str, target: str = "") -> None:
        self._db.table("audit_log").insert(
            {"at": iso(self._clock()), "username": username, "action": action, "target": target}
        )
