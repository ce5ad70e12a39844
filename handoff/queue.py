"""The hand-off queue: a teen asked for a listener, or the bot saw an urgent signal.

A request is `waiting`, then `active` once a listener claims it, then `closed` (by a listener)
or `cancelled` (by the teen). A conversation has at most one open (waiting or active) request;
asking again, or a new urgent signal, updates it, and an urgent signal only ever raises its
priority. Listeners take "the next most urgent": priority first (suicide signals, other urgent
signals, then the rest), then the longest waiting; a listener sees the requests that ask for one
of their skills first, and any listener may take any request.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from handoff.clock import iso, utc_now
from handoff.listeners import Listener

PRIORITY_SUICIDE = 0
PRIORITY_URGENT = 1
PRIORITY_NORMAL = 2
SUICIDE_SIGNALS = frozenset({"suicidal_ideation", "suicide_incitement"})
OPEN = ("waiting", "active")
# Harassment that needs content removed or an account recovered: the web technicians.
TECHNICAL_KINDS = frozenset({"hacked_account", "fake_account", "images_shared"})


class QueueError(Exception):
    """A request cannot go where it was asked to; the message says why in one line."""


class NotFound(QueueError):
    pass


class AlreadyClaimed(QueueError):
    pass


class NotHolder(QueueError):
    pass


class CapacityReached(QueueError):
    pass


@dataclass(frozen=True)
class HandoffNeed:
    """What the bot knows when it asks for a listener; `reference` lets a listener answer later."""

    conversation: str
    channel: str
    reason: str  # "asked" (the teen asked) or "urgent" (a signal was detected)
    language: str
    reference: dict[str, Any]
    signals: tuple[str, ...] = ()
    evidence: tuple[dict[str, Any], ...] = ()
    triage: dict[str, Any] = field(default_factory=dict)
    kind: str = "live"  # "message": left outside opening hours for the next opening

    @property
    def priority(self) -> int:
        if SUICIDE_SIGNALS.intersection(self.signals):
            return PRIORITY_SUICIDE
        return PRIORITY_URGENT if self.signals else PRIORITY_NORMAL

    @property
    def skill(self) -> str | None:
        """Distress → psy; content to remove or an account to recover → technique."""
        if self.signals:
            return "psy"
        if TECHNICAL_KINDS.intersection(self.triage.get("harassment") or ()):
            return "technique"
        return None


@dataclass(frozen=True)
class HandoffRecord:
    id: int
    created: bool  # False when an open request was updated
    priority: int
    status: str


@dataclass(frozen=True)
class Request:
    """One hand-off request, as listeners and the relay see it."""

    id: int
    conversation: str
    channel: str
    status: str
    kind: str
    urgent: bool
    priority: int
    reason: str
    signals: list[str]
    evidence: list[dict[str, Any]]
    triage: dict[str, Any]
    language: str
    reference: dict[str, Any]
    skill: str | None
    listener: str | None
    created_at: str
    claimed_at: str | None
    closed_at: str | None
    outcome: str | None
    last_teen_at: str | None
    told: list[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Request:
        return cls(
            id=row["id"],
            conversation=row["conversation"],
            channel=row["channel"],
            status=row["status"],
            kind=row["kind"] or "live",
            urgent=bool(row["urgent"]),
            priority=row["priority"],
            reason=row["reason"],
            signals=json.loads(row["signals"] or "[]"),
            evidence=json.loads(row["evidence"] or "[]"),
            triage=json.loads(row["triage"] or "{}"),
            language=row["language"],
            reference=json.loads(row["reference"] or "{}"),
            skill=row["skill"],
            listener=row["listener"],
            created_at=row["created_at"],
            claimed_at=row["claimed_at"],
            closed_at=row["closed_at"],
            outcome=row["outcome"],
            last_teen_at=row["last_teen_at"],
            told=json.loads(row["told"] or "[]"),
        )

    def public(self) -> dict[str, Any]:
        """JSON for the console (the conversation reference stays server-side)."""
        data = {k: v for k, v in self.__dict__.items() if k != "reference"}
        return data


class HandoffQueue:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    @property
    def _table(self):
        return self._db.table("handoff_requests")

    # The bot's side --------------------------------------------------------------------

    def request(self, need: HandoffNeed) -> HandoffRecord:
        now = iso(self._clock())
        current = self.open_for(need.conversation)
        if current is None:
            row_id = self._table.insert(
                {
                    "conversation": need.conversation,
                    "channel": need.channel,
                    "status": "waiting",
                    "kind": need.kind,
                    "urgent": int(bool(need.signals)),
                    "priority": need.priority,
                    "reason": need.reason,
                    "signals": json.dumps(list(need.signals)),
                    "evidence": json.dumps(list(need.evidence), ensure_ascii=False),
                    "triage": json.dumps(need.triage, ensure_ascii=False),
                    "language": need.language,
                    "reference": json.dumps(need.reference),
                    "skill": need.skill,
                    "created_at": now,
                    "updated_at": now,
                    "last_teen_at": now,
                    "told": "[]",
                }
            ).last_pk
            return HandoffRecord(row_id, True, need.priority, "waiting")
        signals = list(dict.fromkeys([*current.signals, *need.signals]))
        priority = min(current.priority, need.priority)
        self._table.update(
            current.id,
            {
                "urgent": int(bool(signals)),
                "priority": priority,
                "signals": json.dumps(signals),
                "evidence": json.dumps([*current.evidence, *need.evidence], ensure_ascii=False),
                "triage": json.dumps({**current.triage, **need.triage}, ensure_ascii=False),
                "reference": json.dumps(need.reference),
                "skill": current.skill or need.skill,
                "updated_at": now,
            },
        )
        return HandoffRecord(current.id, False, priority, current.status)

    def open_for(self, conversation: str) -> Request | None:
        """The conversation's waiting or active request, if any."""
        rows = self._table.rows_where(
            "conversation = ? and status in ('waiting', 'active')", [conversation], limit=1
        )
        row = next(rows, None)
        return Request.from_row(row) if row else None

    def teen_wrote(self, request_id: int) -> None:
        self._table.update(request_id, {"last_teen_at": iso(self._clock())})

    def cancel(self, conversation: str) -> Request | None:
        """The teen no longer wants a listener (only while still waiting)."""
        current = self.open_for(conversation)
        if current is None or current.status != "waiting":
            return None
        self._set(current.id, status="cancelled", closed_at=iso(self._clock()))
        return self.get(current.id)

    def remember_told(self, request_id: int, notice: str) -> None:
        """Record a one-off notice ("no_listener", "closing") so it is said once."""
        told = self.get(request_id).told
        if notice not in told:
            self._set(request_id, told=json.dumps([*told, notice]))

    def keep_for_opening(self, request_id: int) -> None:
        """The day's hours ended with the teen still waiting: a message for the next opening."""
        self._set(request_id, kind="message")

    def mark_update(self, request_id: int, position: int) -> None:
        self._set(request_id, notice_at=iso(self._clock()), notice_position=position)

    def last_update(self, request_id: int) -> tuple[str | None, int | None]:
        row = self._table.get(request_id)
        return row["notice_at"], row["notice_position"]

    # Listeners' side -------------------------------------------------------------------

    def get(self, request_id: int) -> Request:
        rows = list(self._table.rows_where("id = ?", [request_id]))
        if not rows:
            raise NotFound(f"no hand-off request {request_id}")
        return Request.from_row(rows[0])

    def waiting(self, skills: tuple[str, ...] = ()) -> list[Request]:
        """Waiting requests in the order to take them; `skills` brings matching ones first
        within the same priority."""
        rows = self._table.rows_where("status = 'waiting'", order_by="priority, created_at, id")
        requests = [Request.from_row(row) for row in rows]
        if skills:
            requests.sort(key=lambda r: (r.priority, r.skill not in skills))
        return requests

    def position(self, request_id: int) -> int | None:
        """1 for the next request a listener will take; None when not waiting."""
        for index, request in enumerate(self.waiting(), start=1):
            if request.id == request_id:
                return index
        return None

    def estimated_wait_s(self, position: int, sample: int) -> float | None:
        """From the `sample` most recent claims: median wait times the place in the queue.
        None while there is no history to estimate from."""
        rows = self._db.execute(
            "select created_at, claimed_at from handoff_requests where claimed_at is not null"
            " and kind = 'live' order by claimed_at desc limit ?",
            [sample],
        ).fetchall()
        waits = [
            (datetime.fromisoformat(claimed) - datetime.fromisoformat(created)).total_seconds()
            for created, claimed in rows
        ]
        return statistics.median(waits) * position if waits else None

    def held_by(self, username: str) -> list[Request]:
        rows = self._table.rows_where(
            "status = 'active' and listener = ?", [username], order_by="claimed_at"
        )
        return [Request.from_row(row) for row in rows]

    def active(self) -> list[Request]:
        rows = self._table.rows_where("status = 'active'", order_by="claimed_at")
        return [Request.from_row(row) for row in rows]

    def claim(self, request_id: int, listener: Listener) -> Request:
        """Atomic: of two listeners claiming at once, one wins and the other gets
        `AlreadyClaimed`."""
        if len(self.held_by(listener.username)) >= listener.capacity:
            raise CapacityReached(
                f"{listener.username} already holds {listener.capacity} conversation(s)"
            )
        now = iso(self._clock())
        with self._db.conn:
            cursor = self._db.execute(
                "update handoff_requests set status = 'active', listener = ?, claimed_at = ?,"
                " updated_at = ? where id = ? and status = 'waiting'",
                [listener.username, now, now, request_id],
            )
        if cursor.rowcount == 0:
            current = self.get(request_id)  # raises NotFound
            raise AlreadyClaimed(
                f"request {request_id} is {current.status}"
                + (f" with {current.listener}" if current.listener else "")
            )
        return self.get(request_id)

    def transfer(
        self,
        request_id: int,
        by: Listener,
        to_listener: Listener | None = None,
        to_skill: str | None = None,
    ) -> Request:
        """To a colleague (who holds it at once) or back to the queue for a skill."""
        current = self._held(request_id, by)
        if to_listener is not None:
            if len(self.held_by(to_listener.username)) >= to_listener.capacity:
                raise CapacityReached(f"{to_listener.username} has no free place")
            self._set(current.id, listener=to_listener.username)
        elif to_skill is not None:
            self._set(current.id, status="waiting", listener=None, skill=to_skill, claimed_at=None)
        else:
            raise QueueError("a transfer needs a listener or a skill")
        return self.get(request_id)

    def close(self, request_id: int, by: Listener, outcome: str, note: str | None) -> Request:
        self._held(request_id, by)
        self._set(
            request_id,
            status="closed",
            outcome=outcome,
            close_note=note,
            closed_at=iso(self._clock()),
        )
        return self.get(request_id)

    def add_note(self, request_id: int, by: Listener, text: str) -> dict[str, Any]:
        self.get(request_id)
        note = {
            "request_id": request_id,
            "listener": by.username,
            "text": text,
            "created_at": iso(self._clock()),
        }
        note["id"] = self._db.table("handoff_notes").insert(note).last_pk
        return note

    def notes(self, request_id: int) -> list[dict[str, Any]]:
        return list(
            self._db.table("handoff_notes").rows_where(
                "request_id = ?", [request_id], order_by="id"
            )
        )

    def history(self, conversation: str) -> list[Request]:
        rows = self._table.rows_where("conversation = ?", [conversation], order_by="id")
        return [Request.from_row(row) for row in rows]

    def forget_ended_before(self, cutoff: str) -> int:
        """Closed and cancelled requests older than `cutoff` keep only what the figures need
        (channel, times, priority, signals, outcome): no quotes, no way back to the teen."""
        with self._db.conn:
            cursor = self._db.execute(
                "update handoff_requests set conversation = 'forgotten:' || id, evidence = '[]',"
                " reference = '{}', close_note = null, triage = '{}' where status in"
                " ('closed', 'cancelled') and coalesce(closed_at, updated_at) < ?"
                " and conversation not like 'forgotten:%'",
                [cutoff],
            )
            self._db.execute(
                "delete from handoff_notes where request_id in (select id from handoff_requests"
                " where conversation like 'forgotten:%')"
            )
        return cursor.rowcount

    def _held(self, request_id: int, by: Listener) -> Request:
        current = self.get(request_id)
        if current.status != "active":
            raise NotHolder(f"request {request_id} is {current.status}")
        if current.listener != by.username and by.role != "supervisor":
            raise NotHolder(f"request {request_id} is held by another listener")
        return current

    def _set(self, request_id: int, **values: Any) -> None:
        values["updated_at"] = iso(self._clock())
        self._table.update(request_id, values)
