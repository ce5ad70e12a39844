"""The hand-off tables; applied by the app's database opener beside the bot's own."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("handoff")


@MIGRATIONS()
def m001_requests(db: Database) -> None:
    db.table("handoff_requests").create(
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
    db.table("handoff_requests").create_index(["status", "priority", "created_at"])
    db.table("handoff_requests").create_index(["conversation", "status"])


@MIGRATIONS()
def m002_listeners(db: Database) -> None:
    db.table("listeners").create(
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


@MIGRATIONS()
def m003_queue(db: Database) -> None:
    """What the queue and the relay need: who holds a request, since when, how it ended, what
    the teen was told; listeners' private notes; the audit log; console sessions."""
    table = db.table("handoff_requests")
    for column, kind in [
        ("kind", str),  # "live" (within hours) or "message" (left for the next opening)
        ("skill", str),
        ("listener", str),
        ("claimed_at", str),
        ("closed_at", str),
        ("outcome", str),
        ("close_note", str),
        ("last_teen_at", str),
        ("notice_at", str),
        ("notice_position", int),
        ("told", str),  # JSON list of one-off notices already given ("no_listener", ...)
    ]:
        table.add_column(column, kind)
    db.execute("update handoff_requests set kind = 'live' where kind is null")
    db.execute("update handoff_requests set told = '[]' where told is null")
    table.create_index(["listener", "status"])
    db.table("handoff_notes").create(
        {"id": int, "request_id": int, "listener": str, "text": str, "created_at": str},
        pk="id",
        not_null={"request_id", "listener", "text", "created_at"},
    )
    db.table("handoff_notes").create_index(["request_id"])
    db.table("audit_log").create(
        {"id": int, "at": str, "username": str, "action": str, "target": str},
        pk="id",
        not_null={"at", "username", "action"},
    )
    db.table("console_sessions").create(
        {
            "token_hash": str,
            "username": str,
            "csrf_token": str,
            "created_at": str,
            "last_seen_at": str,
        },
        pk="token_hash",
        not_null={"username", "csrf_token", "created_at", "last_seen_at"},
    )
