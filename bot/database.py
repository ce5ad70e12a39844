"""The embedded SQLite database: one file, opened once, schema kept by migrations.

WAL mode lets the webhook acknowledge Meta while workers read and write; `synchronous=NORMAL`
keeps every committed event across a crash of the process (not of the machine), which is what
"a restart processes what was stored" needs at hundreds of writes per second.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from handoff.clock import iso, utc_now
from handoff.store import MIGRATIONS as HANDOFF_MIGRATIONS

MIGRATIONS = Migrations("relais")


@MIGRATIONS()
def m001_channels(db: Database) -> None:
    db.table("inbound_events").create(
        {
            "id": int,
            "channel": str,
            "event_key": str,
            "user_key": str,
            "timestamp": int,
            "kind": str,
            "body": str,
            "status": str,
            "received_at": str,
            "processed_at": str,
            "error": str,
        },
        pk="id",
        not_null={"channel", "event_key", "user_key", "kind", "status", "received_at"},
    )
    db.table("inbound_events").create_index(["event_key"], unique=True)
    db.table("inbound_events").create_index(["status", "user_key", "timestamp", "id"])
    db.table("outbox").create(
        {
            "id": int,
            "channel": str,
            "recipient": str,
            "kind": str,
            "payload": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": float,
            "created_at": str,
            "sent_at": str,
            "message_id": str,
            "error_code": int,
            "error_subcode": int,
            "error_message": str,
        },
        pk="id",
        not_null={"channel", "recipient", "kind", "status", "attempts", "created_at"},
    )
    db.table("outbox").create_index(["status", "recipient", "id"])


@MIGRATIONS()
def m002_state_and_transcript(db: Database) -> None:
    db.table("bot_state").create(
        {"key": str, "data": str, "etag": int, "updated_at": str},
        pk="key",
        not_null={"data", "etag", "updated_at"},
    )
    db.table("transcript").create(
        {
            "id": int,
            "conversation": str,
            "channel": str,
            "role": str,
            "text": str,
            "attachments": str,
            "analysis": str,
            "created_at": str,
        },
        pk="id",
        not_null={"conversation", "channel", "role", "created_at"},
    )
    db.table("transcript").create_index(["conversation", "id"])
    db.table("transcript").create_index(["created_at"])


@MIGRATIONS()
def m003_directline(db: Database) -> None:
    db.table("server_keys").create({"name": str, "value": str}, pk="name", not_null={"value"})
    db.table("directline_conversations").create(
        {"id": str, "user_id": str, "created_at": str, "last_activity_at": str},
        pk="id",
        not_null={"user_id", "created_at", "last_activity_at"},
    )
    db.table("directline_activities").create(
        {"conversation": str, "seq": int, "activity": str, "created_at": str},
        pk=("conversation", "seq"),
        not_null={"activity", "created_at"},
    )


@MIGRATIONS()
def m004_transcript_sender(db: Database) -> None:
    """Who spoke, when a person speaks through the bot: a listener's display name."""
    db.table("transcript").add_column("sender", str)


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) the database file and bring its schema up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    MIGRATIONS.apply(db)
    HANDOFF_MIGRATIONS.apply(db)
    return db


def utcnow() -> str:
    """Now as an ISO 8601 UTC timestamp, the one format of every `*_at` column."""
    return iso(utc_now())


def days_ago(days: int, seconds: float = 0) -> str:
    """The `*_at` timestamp of that long ago, for retention cut-offs."""
    moment = datetime.now(UTC) - timedelta(days=days, seconds=seconds)
    return moment.isoformat(timespec="milliseconds")
