"""The hand-off tables; applied by the app's database opener beside the bot's own."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("handoff")


@MIGRATIONS()
def m001_requests(db: Database) -> None:
    db["handoff_requests"].create(
        {
            "id": int,
            "conversation": str,
            "channel": str,
            "status": str,
            "urgent": int,
            "priority": int,
            "reason": str,
            "signals": str,
            "evidence": str,
            "triage": str,
            "language": str,
            "reference": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"conversation", "channel", "status", "urgent", "priority", "created_at"},
    )
    db["handoff_requests"].create_index(["status", "priority", "created_at"])
    db["handoff_requests"].create_index(["conversation", "status"])


@MIGRATIONS()
def m002_listeners(db: Database) -> None:
    db["listeners"].create(
        {
            "username": str,
            "display_name": str,
            "skills": str,
            "role": str,
            "password_hash": str,
            "presence": str,
            "capacity": int,
            "created_at": str,
        },
        pk="username",
        not_null={
            "display_name",
            "skills",
            "role",
            "password_hash",
            "presence",
            "capacity",
            "created_at",
        },
        defaults={"skills": "[]", "presence": "offline", "capacity": 3},
    )
