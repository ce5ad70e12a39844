"""Hand-off requests: a teen asked for a listener, or the bot saw an urgent signal.

A conversation has at most one waiting request; asking again, or a new urgent signal, updates
it (an urgent signal only ever raises its priority). The queue, hours and listeners that act
on these rows come with the hand-off engine; this module only records them faithfully.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

# Lower number = taken first. Suicide risk before every other urgent signal, urgent before the rest.
PRIORITY_SUICIDE = 0
PRIORITY_URGENT = 1
PRIORITY_NORMAL = 2
SUICIDE_SIGNALS = frozenset({"suicidal_ideation", "suicide_incitement"})


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

    @property
    def priority(self) -> int:
        if SUICIDE_SIGNALS.intersection(self.signals):
            return PRIORITY_SUICIDE
        return PRIORITY_URGENT if self.signals else PRIORITY_NORMAL


@dataclass(frozen=True)
class HandoffRecord:
    id: int
    created: bool  # False when an already waiting request was updated
    priority: int


class HandoffRequests:
    """Records hand-off requests in the `handoff_requests` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def request(self, need: HandoffNeed) -> HandoffRecord:
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        table = self._db["handoff_requests"]
        waiting = next(
            table.rows_where(
                "conversation = ? and status = 'waiting'", [need.conversation], limit=1
            ),
            None,
        )
        if waiting is None:
            row_id = table.insert(
                {
                    "conversation": need.conversation,
                    "channel": need.channel,
                    "status": "waiting",
                    "urgent": int(bool(need.signals)),
                    "priority": need.priority,
                    "reason": need.reason,
                    "signals": json.dumps(list(need.signals)),
                    "evidence": json.dumps(list(need.evidence), ensure_ascii=False),
                    "triage": json.dumps(need.triage, ensure_ascii=False),
                    "language": need.language,
                    "reference": json.dumps(need.reference),
                    "created_at": now,
                    "updated_at": now,
                }
            ).last_pk
            return HandoffRecord(id=row_id, created=True, priority=need.priority)
        signals = list(dict.fromkeys([*json.loads(waiting["signals"]), *need.signals]))
        evidence = [*json.loads(waiting["evidence"]), *need.evidence]
        triage = {**json.loads(waiting["triage"] or "{}"), **need.triage}
        priority = min(waiting["priority"], need.priority)
        table.update(
            waiting["id"],
            {
                "urgent": int(bool(signals)),
                "priority": priority,
                "signals": json.dumps(signals),
                "evidence": json.dumps(evidence, ensure_ascii=False),
                "triage": json.dumps(triage, ensure_ascii=False),
                "reference": json.dumps(need.reference),
                "updated_at": now,
            },
        )
        return HandoffRecord(id=waiting["id"], created=False, priority=priority)

    def waiting(self) -> list[dict[str, Any]]:
        """Waiting requests in the order a listener should take them."""
        return list(
            self._db["handoff_requests"].rows_where(
                "status = 'waiting'", order_by="priority, created_at, id"
            )
        )
