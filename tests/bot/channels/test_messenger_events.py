"""Translation between Meta's shapes and activities."""

from __future__ import annotations

import pytest
from botbuilder.schema import ActionTypes, Activity, CardAction, SuggestedActions

from bot.channels.messenger_events import (
    MalformedWebhook,
    parse_webhook,
    split_text,
    to_activity,
    to_send_requests,
)
from tests.support.messenger import APP_ID, body, postback_event, quick_reply_event, text_event


def test_text_quick_reply_postback_and_attachment_become_activities():
    text = to_activity(text_event("p", "salut", mid="m_1"))
    assert (text.type, text.text, text.id, text.channel_id) == (
        "message",
        "salut",
        "m_1",
        "facebook",
    )
    assert text.conversation.id == "p" and text.from_property.id == "p"
    quick = to_activity(quick_reply_event("p", "On me harcèle", "VICTIM"))
    assert quick.value == {"payload": "VICTIM"}
    postback = to_activity(postback_event("p", "Commencer", "GET_STARTED"))
    assert (postback.type, postback.value) == ("message", {"payload": "GET_STARTED"})
    image = text_event(
        "p", "", attachments=[{"type": "image", "payload": {"url": "https://x/y.jpg"}}]
    )
    del image["message"]["text"]
    attachment = to_activity(image).attachments[0]
    assert (attachment.content_type, attachment.content_url) == ("image", "https://x/y.jpg")


def test_malformed_bodies_are_rejected_with_a_reason():
    with pytest.raises(MalformedWebhook, match="object"):
        parse_webhook({"entry": []}, APP_ID)
    with pytest.raises(MalformedWebhook, match=r"sender\.id"):
        parse_webhook(body({"timestamp": 1, "message": {"mid": "m", "text": "x"}}), APP_ID)


def test_identical_events_get_identical_keys_so_duplicates_are_dropped():
    event = {
        "sender": {"id": "p"},
        "recipient": {"id": "q"},
        "timestamp": 5,
        "read": {"watermark": 5},
    }
    first, second = parse_webhook(body(event, dict(event)), APP_ID)
    assert first.event_key == second.event_key and first.body is None


def test_long_text_is_split_at_natural_breaks_within_2000_characters():
    paragraph = "Une phrase de conseil assez longue pour remplir. " * 30
    text = "\n\n".join([paragraph.strip()] * 4)
    parts = split_text(text)
    assert len(parts) >= 3
    assert all(len(p) <= 2000 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts).split() == text.split()  # nothing lost, nothing repeated
    assert split_text("x" * 4500) == ["x" * 2000, "x" * 2000, "x" * 500]


def test_quick_replies_stay_within_metas_limits_on_the_last_part():
    actions = [
        CardAction(
            type=ActionTypes.message_back,
            title=f"Choix numéro {i} très long",
            value={"payload": f"P{i}"},
        )
        for i in range(15)
    ]
    activity = Activity(
        type="message", text="a " * 1500, suggested_actions=SuggestedActions(actions=actions)
    )
    first, last = to_send_requests(activity, "p")
    assert "quick_replies" not in first["message"]
    replies = last["message"]["quick_replies"]
    assert len(replies) == 13
    assert all(len(r["title"]) <= 20 for r in replies)
    assert replies[0]["payload"] == "P0"
