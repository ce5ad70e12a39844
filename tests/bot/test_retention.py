"""Old data goes: text after `privacy.transcript_days`, identifying details of ended hand-offs."""

from __future__ import annotations

import json

from bot.database import days_ago, open_database, utcnow
from bot.retention import Retention
from handoff.queue import HandoffQueue


def test_old_conversations_are_deleted_and_ended_hand_offs_forgotten(tmp_path):
    db = open_database(tmp_path / "r.db")
    old, recent = days_ago(31), utcnow()
    for conversation, at in (("facebook:old", old), ("facebook:new", recent)):
        db["transcript"].insert(
            {
                "conversation": conversation,
                "channel": "facebook",
                "role": "user",
                "text": "on se moque de moi",
                "created_at": at,
            }
        )
        db["bot_state"].insert({"key": conversation, "data": "{}", "etag": 1, "updated_at": at})
    db["inbound_events"].insert(
        {
            "channel": "messenger",
            "event_key": "message:m1",
            "user_key": "old",
            "kind": "message",
            "status": "done",
            "received_at": old,
        }
    )
    db["handoff_requests"].insert(
        {
            "conversation": "facebook:old",
            "channel": "facebook",
            "status": "closed",
            "urgent": 1,
            "priority": 0,
            "reason": "urgent",
            "signals": '["suicidal_ideation"]',
            "evidence": json.dumps([{"text": "je veux mourir"}]),
            "triage": "{}",
            "language": "fr",
            "reference": json.dumps({"user": {"id": "psid"}}),
            "created_at": old,
            "updated_at": old,
            "closed_at": old,
            "outcome": "referred_emergency",
            "kind": "live",
            "told": "[]",
        }
    )
    counts = Retention(db, 30, HandoffQueue(db), session_idle_s=1800).purge()
    assert counts == {"transcript": 1, "bot_state": 1, "inbound_events": 1, "handoff_requests": 1}
    assert [r["conversation"] for r in db["transcript"].rows] == ["facebook:new"]
    (request,) = db["handoff_requests"].rows
    assert request["evidence"] == "[]" and request["reference"] == "{}"
    assert request["conversation"].startswith("forgotten:")
    assert (request["outcome"], request["signals"]) == (
        "referred_emergency",
        '["suicidal_ideation"]',
    )
    assert Retention(db, 30, HandoffQueue(db), session_idle_s=1800).purge() == {}
