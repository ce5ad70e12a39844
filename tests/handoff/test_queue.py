"""The hand-off queue: one open request per conversation, urgent first, claims, transfers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from handoff.listeners import Listener
from handoff.queue import (
    PRIORITY_NORMAL,
    PRIORITY_SUICIDE,
    PRIORITY_URGENT,
    AlreadyClaimed,
    CapacityReached,
    HandoffNeed,
    HandoffQueue,
    NotHolder,
)
from handoff.store import MIGRATIONS


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(tmp_path, clock) -> HandoffQueue:
    db = Database(tmp_path / "q.db")
    MIGRATIONS.apply(db)
    return HandoffQueue(db, clock)


def person(username: str, skills=("psy",), role="listener", capacity=2) -> Listener:
    return Listener(
        username,
        username.title(),
        tuple(skills),
        role,
        "available",
        capacity,
        datetime(2026, 1, 1, tzinfo=UTC),
    )


def need(conversation, signals=(), reason="asked", harassment=()):
    return HandoffNeed(
        conversation,
        "facebook",
        reason,
        "fr",
        {"conversation": {"id": conversation}},
        signals,
        triage={"harassment": list(harassment)},
    )


def test_asking_twice_keeps_one_open_request(queue):
    first = queue.request(need("facebook:a"))
    second = queue.request(need("facebook:a"))
    assert first.created and not second.created and first.id == second.id
    assert len(queue.waiting()) == 1


def test_an_urgent_signal_raises_the_priority_and_never_lowers_it(queue):
    queue.request(need("facebook:a"))
    raised = queue.request(need("facebook:a", ("suicidal_ideation",), "urgent"))
    assert raised.priority == PRIORITY_SUICIDE
    again = queue.request(need("facebook:a"))
    assert again.priority == PRIORITY_SUICIDE
    request = queue.waiting()[0]
    assert request.signals == ["suicidal_ideation"] and request.urgent


def test_waiting_requests_come_most_urgent_first_then_longest_waiting(queue, clock):
    queue.request(need("facebook:calm"))
    clock.now += timedelta(minutes=1)
    queue.request(need("facebook:threat", ("violence_threat",)))
    clock.now += timedelta(minutes=1)
    queue.request(need("facebook:suicide", ("suicide_incitement",)))
    clock.now += timedelta(minutes=1)
    queue.request(need("facebook:calm2"))
    order = [(r.conversation, r.priority) for r in queue.waiting()]
    assert order == [
        ("facebook:suicide", PRIORITY_SUICIDE),
        ("facebook:threat", PRIORITY_URGENT),
        ("facebook:calm", PRIORITY_NORMAL),
        ("facebook:calm2", PRIORITY_NORMAL),
    ]
    assert queue.position(queue.waiting()[2].id) == 3


def test_a_listener_sees_requests_for_their_skill_first_within_a_priority(queue):
    queue.request(need("facebook:legal"))
    queue.request(need("facebook:hacked", harassment=("hacked_account",)))
    technicians_view = [r.conversation for r in queue.waiting(("technique",))]
    assert technicians_view == ["facebook:hacked", "facebook:legal"]
    assert queue.waiting()[1].skill == "technique"
    distress = queue.request(need("facebook:sad", ("self_harm",)))
    assert queue.get(distress.id).skill == "psy"


def test_claim_then_close(queue):
    record = queue.request(need("facebook:a"))
    lea = person("lea")
    claimed = queue.claim(record.id, lea)
    assert (claimed.status, claimed.listener) == ("active", "lea")
    assert queue.open_for("facebook:a").status == "active"
    closed = queue.close(record.id, lea, "advice_given", "ok")
    assert (closed.status, closed.outcome) == ("closed", "advice_given")
    assert queue.open_for("facebook:a") is None
    again = queue.request(need("facebook:a"))  # handed off again later: a new request
    assert again.created and again.id != record.id
    assert [r.status for r in queue.history("facebook:a")] == ["closed", "waiting"]


async def test_two_listeners_claiming_at_once_one_wins(queue):
    record = queue.request(need("facebook:a"))

    async def claim(name):
        await asyncio.sleep(0)
        try:
            return queue.claim(record.id, person(name)).listener
        except AlreadyClaimed as error:
            return error

    results = await asyncio.gather(claim("lea"), claim("sam"))
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1
    assert any(isinstance(r, AlreadyClaimed) for r in results)


def test_capacity_limits_claims(queue):
    lea = person("lea", capacity=1)
    queue.claim(queue.request(need("facebook:a")).id, lea)
    with pytest.raises(CapacityReached):
        queue.claim(queue.request(need("facebook:b")).id, lea)


def test_transfer_to_a_colleague_or_back_to_the_queue_for_a_skill(queue):
    lea, sam = person("lea"), person("sam", skills=("juridique",))
    record = queue.request(need("facebook:a"))
    queue.claim(record.id, lea)
    assert queue.transfer(record.id, lea, to_listener=sam).listener == "sam"
    with pytest.raises(NotHolder):
        queue.transfer(record.id, lea, to_skill="technique")
    back = queue.transfer(record.id, sam, to_skill="technique")
    assert (back.status, back.listener, back.skill) == ("waiting", None, "technique")


def test_only_the_holder_or_a_supervisor_closes(queue):
    record = queue.request(need("facebook:a"))
    queue.claim(record.id, person("lea"))
    with pytest.raises(NotHolder):
        queue.close(record.id, person("sam"), "other", None)
    assert (
        queue.close(record.id, person("boss", role="supervisor"), "other", None).status == "closed"
    )


def test_the_teen_can_cancel_while_waiting_only(queue):
    record = queue.request(need("facebook:a"))
    assert queue.cancel("facebook:a").status == "cancelled"
    assert queue.cancel("facebook:a") is None
    queue.claim(queue.request(need("facebook:a")).id, person("lea"))
    assert queue.cancel("facebook:a") is None
    assert queue.get(record.id).status == "cancelled"


def test_the_estimated_wait_comes_from_recent_hand_offs(queue, clock):
    assert queue.estimated_wait_s(1, sample=20) is None  # nothing to estimate from yet
    for minutes in (2, 4, 6):
        record = queue.request(need(f"facebook:{minutes}"))
        clock.now += timedelta(minutes=minutes)
        queue.claim(record.id, person(f"l{minutes}"))
    assert queue.estimated_wait_s(2, sample=20) == 2 * 4 * 60


def test_notes_stay_with_the_request(queue):
    record = queue.request(need("facebook:a"))
    queue.add_note(record.id, person("lea"), "parle d'un groupe de classe")
    assert [n["text"] for n in queue.notes(record.id)] == ["parle d'un groupe de classe"]
