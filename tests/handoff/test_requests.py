"""Hand-off requests: one waiting request per conversation, urgent ones first."""

from __future__ import annotations

import json

import pytest

from bot.database import open_database
from handoff.requests import (
    PRIORITY_NORMAL,
    PRIORITY_SUICIDE,
    PRIORITY_URGENT,
    HandoffNeed,
    HandoffRequests,
)


@pytest.fixture
def requests(tmp_path):
    return HandoffRequests(open_database(tmp_path / "r.db"))


def need(conversation, signals=(), reason="asked"):
    return HandoffNeed(
        conversation, "facebook", reason, "fr", {"conversation": {"id": conversation}}, signals
    )


def test_asking_twice_keeps_one_waiting_request(requests):
    first = requests.request(need("facebook:a"))
    second = requests.request(need("facebook:a"))
    assert first.created and not second.created and first.id == second.id
    assert len(requests.waiting()) == 1


def test_an_urgent_signal_raises_the_priority_and_never_lowers_it(requests):
    requests.request(need("facebook:a"))
    raised = requests.request(need("facebook:a", ("suicidal_ideation",), "urgent"))
    assert raised.priority == PRIORITY_SUICIDE
    again = requests.request(need("facebook:a"))
    assert again.priority == PRIORITY_SUICIDE
    row = requests.waiting()[0]
    assert json.loads(row["signals"]) == ["suicidal_ideation"] and row["urgent"] == 1


def test_waiting_requests_come_urgent_first_then_oldest(requests):
    requests.request(need("facebook:calm"))
    requests.request(need("facebook:threat", ("violence_threat",)))
    requests.request(need("facebook:suicide", ("suicide_incitement",)))
    order = [(r["conversation"], r["priority"]) for r in requests.waiting()]
    assert order == [
        ("facebook:suicide", PRIORITY_SUICIDE),
        ("facebook:threat", PRIORITY_URGENT),
        ("facebook:calm", PRIORITY_NORMAL),
    ]
