"""Keep the least data for the shortest time: what each table may keep, and for how long.

After `privacy.transcript_days` without activity a conversation's text goes (transcript, site
chat activities, conversation state); processed webhook events and sent or failed outgoing
messages go after the same time (their text was already deleted once handled); closed hand-off
requests lose everything that could identify the teen or quote them, and keep only what the
helpline's figures need. Expired console sessions are deleted at once.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.database import days_ago
from handoff.queue import HandoffQueue


class Retention:
    def __init__(self, db: Database, days: int, queue: HandoffQueue, session_idle_s: int) -> None:
        self._db = db
        self._days = days
        self._queue = queue
        self._session_idle_s = session_idle_s

    def purge(self) -> dict[str, int]:
        """Delete what is past its time; return the rows affected per table."""
        cutoff = days_ago(self._days)
        counts: dict[str, int] = {}
        with self._db.conn:
            counts["transcript"] = self._delete(
                "delete from transcript where conversation in (select conversation from"
                " transcript group by conversation having max(created_at) < ?)",
                cutoff,
            )
            counts["directline_activities"] = self._delete(
                "delete from directline_activities where conversation in (select id from"
                " directline_conversations where last_activity_at < ?)",
                cutoff,
            )
            counts["directline_conversations"] = self._delete(
                "delete from directline_conversations where last_activity_at < ?", cutoff
            )
            counts["bot_state"] = self._delete("delete from bot_state where updated_at < ?", cutoff)
            counts["inbound_events"] = self._delete(
                "delete from inbound_events where status != 'pending' and received_at < ?", cutoff
            )
            counts["outbox"] = self._delete(
                "delete from outbox where status != 'pending' and created_at < ?", cutoff
            )
            counts["console_sessions"] = self._delete(
                "delete from console_sessions where last_seen_at < ?",
                days_ago(0, seconds=self._session_idle_s),
            )
        counts["handoff_requests"] = self._queue.forget_ended_before(cutoff)
        return {table: count for table, count in counts.items() if count}

    def _delete(self, sql: str, cutoff: str) -> int:
        return self._db.execute(sql, [cutoff]).rowcount
