"""The Messenger channel end to end: signed webhooks in over HTTP, Send API calls out to the
Graph stand-in over HTTP, SQLite files on disk."""

from __future__ import annotations

import asyncio
import json

from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.appkeys import DATABASE
from tests.support.graph_api import (
    BAD_TOKEN,
    OUTAGE,
    OUTSIDE_WINDOW,
    RATE_LIMITED,
    USER_UNAVAILABLE,
)
from tests.support.messenger import (
    VERIFY_TOKEN,
    Messenger,
    body,
    echo_event,
    postback_event,
    quick_reply_event,
    sign,
    text_event,
)


def replies_of(graph, psid):
    return [m["message"] for m in graph.messages if m["recipient"]["id"] == psid]


async def test_verification_echoes_the_challenge(meta: Messenger):
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = await meta.client.get("/webhooks/messenger", params=params)
    assert response.status == 200
    assert await response.text() == "1158201444"


async def test_verification_with_a_wrong_token_is_refused(meta: Messenger):
    params = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    response = await meta.client.get("/webhooks/messenger", params=params)
    assert response.status == 403


async def test_bonjour_gets_the_greeting_with_quick_replies(meta: Messenger, graph):
    await meta.say(text_event("psid-1", "bonjour"))
    messages = replies_of(graph, "psid-1")
    text = " ".join(m["text"] for m in messages)
    assert "robot" in text and "anonyme" in text
    quick = messages[-1]["quick_replies"]
    assert [q["title"] for q in quick] == [
        "On me harcèle",
        "Je suis témoin",
        "Je suis parent",
        "Parler à quelqu'un",
    ]
    assert all(m["recipient"]["id"] == "psid-1" for m in graph.messages)
    assert {m["messaging_type"] for m in graph.messages} == {"RESPONSE"}


async def test_incitement_gets_the_crisis_answer_and_an_urgent_handoff(meta: Messenger, graph):
    await meta.say(text_event("psid-2", "ils me disent tous les jours d'aller me pendre"))
    texts = graph.texts_to("psid-2")
    assert "3114" in texts[0] + texts[1]
    assert "112" in " ".join(texts)
    assert texts[0].startswith("Personne n'a le droit")  # answered first, before any greeting
    rows = list(meta.client.app[DATABASE]["handoff_requests"].rows)
    assert len(rows) == 1
    assert rows[0]["urgent"] == 1 and rows[0]["priority"] == 0
    assert "suicide_incitement" in json.loads(rows[0]["signals"])
    assert json.loads(rows[0]["evidence"])[0]["text"]  # the words that raised the alarm


async def test_bad_or_missing_signature_gets_403_and_nothing_happens(meta: Messenger, graph):
    payload = body(text_event("psid-3", "bonjour"))
    wrong = await meta.post(payload, signature=sign(b"something else"))
    missing = await meta.post(payload, signature="")
    sha1 = await meta.post(payload, signature="sha1=0123")
    assert (wrong.status, missing.status, sha1.status) == (403, 403, 403)
    await asyncio.sleep(0.1)
    db = meta.client.app[DATABASE]
    assert db["inbound_events"].count == 0
    assert graph.attempts == 0


async def test_malformed_json_with_a_good_signature_is_a_clear_400(meta: Messenger):
    response = await meta.post({}, raw=b"{not json")
    assert response.status == 400
    assert "JSON" in await response.text()
    wrong_shape = await meta.post({"object": "instagram", "entry": []})
    assert wrong_shape.status == 400


async def test_every_event_of_every_entry_is_handled(meta: Messenger, graph):
    payload = body(text_event("a", "bonjour"), text_event("b", "hello"))
    payload["entry"].append(body(text_event("c", "salut"))["entry"][0])
    response = await meta.post(payload)
    assert response.status == 200
    await meta.settle()
    assert {m["recipient"]["id"] for m in graph.messages} == {"a", "b", "c"}
    assert "bot" in graph.texts_to("b")[0]  # English to the teen who wrote English


async def test_a_duplicate_delivery_is_handled_once(meta: Messenger, graph):
    event = text_event("psid-4", "bonjour", mid="m_same")
    await meta.say(event)
    first = len(graph.messages)
    await meta.say(event)
    assert len(graph.messages) == first
    assert meta.client.app[DATABASE]["inbound_events"].count == 1


async def test_echoes_never_trigger_a_turn(meta: Messenger, graph):
    await meta.say(
        echo_event("psid-5", "Salut 👋"), echo_event("psid-5", "hi", app_id="263902037430900")
    )
    assert graph.messages == []
    kinds = {row["kind"] for row in meta.client.app[DATABASE]["inbound_events"].rows}
    assert kinds == {"echo", "page_reply"}


async def test_reads_deliveries_reactions_and_standby_are_stored_not_answered(
    meta: Messenger, graph
):
    base = {"sender": {"id": "psid-6"}, "recipient": {"id": "page"}, "timestamp": 1}
    payload = body(
        {**base, "read": {"watermark": 1}},
        {**base, "timestamp": 2, "delivery": {"watermark": 2}},
        {
            **base,
            "timestamp": 3,
            "reaction": {"reaction": "love", "emoji": "❤️", "action": "react", "mid": "m_1"},
        },
        standby=(text_event("psid-6", "je suis là"),),
    )
    await meta.say(*payload["entry"][0]["messaging"])
    response = await meta.post(payload)
    assert response.status == 200
    await meta.settle()
    assert graph.messages == []
    rows = list(meta.client.app[DATABASE]["inbound_events"].rows)
    assert {r["kind"] for r in rows} == {"read", "delivery", "reaction", "standby"}
    assert all(r["body"] is None for r in rows)  # nothing kept that no one needs


async def test_events_stored_before_a_restart_are_processed_after_it(
    aiohttp_client, settings_for, graph_url, graph
):
    settings = settings_for(graph_url)
    first = create_app(settings)
    client: TestClient = await aiohttp_client(first)
    # Store without processing: what a crash right after the acknowledgement leaves behind.
    db = first[DATABASE]
    db["inbound_events"].insert(
        {
            "channel": "messenger",
            "event_key": "message:m_left",
            "user_key": "psid-7",
            "timestamp": 1,
            "kind": "message",
            "body": json.dumps(text_event("psid-7", "bonjour", mid="m_left")),
            "status": "pending",
            "received_at": "2026-01-01T00:00:00.000+00:00",
        }
    )
    await client.close()
    assert graph.messages == []
    second = await aiohttp_client(create_app(settings))
    await Messenger(second).settle()
    assert graph.texts_to("psid-7")
    row = next(second.app[DATABASE]["inbound_events"].rows)
    assert row["status"] == "done" and row["body"] is None


async def test_quick_replies_and_postbacks_drive_the_advice(meta: Messenger, graph):
    await meta.say(text_event("psid-8", "salut"))
    graph.messages.clear()
    await meta.say(quick_reply_event("psid-8", "On me harcèle", "VICTIM"))
    advice = graph.texts_to("psid-8")
    assert any("preuves" in t for t in advice)
    platforms = replies_of(graph, "psid-8")[-1]["quick_replies"]
    assert {
        "title": "Instagram",
        "payload": "PLATFORM:instagram",
        "content_type": "text",
    } in platforms
    graph.messages.clear()
    await meta.say(quick_reply_event("psid-8", "Instagram", "PLATFORM:instagram"))
    steps = graph.texts_to("psid-8")
    assert any("Instagram" in t and "Bloquer" in t for t in steps)
    assert any("Signaler" in t for t in steps)
    graph.messages.clear()
    await meta.say(postback_event("psid-8", "Parler à un·e écoutant·e", "ASK_LISTENER"))
    assert "écoutant" in graph.texts_to("psid-8")[0]
    assert meta.client.app[DATABASE]["handoff_requests"].count == 1


async def test_urgent_message_interrupts_a_running_dialog(meta: Messenger, graph):
    await meta.say(quick_reply_event("psid-9", "On me harcèle", "VICTIM"))
    graph.messages.clear()
    await meta.say(text_event("psid-9", "jveux plus vivre"))
    texts = graph.texts_to("psid-9")
    assert "3114" in " ".join(texts)
    assert not any("quel réseau" in t for t in texts)
    graph.messages.clear()
    await meta.say(text_event("psid-9", "bof"))  # the platform question was dropped
    assert not any("ton réseau" in t for t in graph.texts_to("psid-9"))


async def test_transient_graph_errors_are_retried_in_order(meta: Messenger, graph):
    graph.fail_next(OUTAGE)
    graph.fail_next(RATE_LIMITED)
    await meta.say(text_event("psid-10", "bonjour"))
    texts = graph.texts_to("psid-10")
    assert texts[0].startswith("Salut")  # the first message arrived, and arrived first
    assert len(texts) == 3
    rows = list(meta.client.app[DATABASE]["outbox"].rows_where("kind = 'message'", order_by="id"))
    assert rows[0]["attempts"] == 3 and rows[0]["status"] == "sent"
    assert all(r["payload"] is None for r in rows)  # sent text is not kept in the outbox


async def test_a_graph_timeout_is_retried(aiohttp_client, settings_for, graph_url, graph):
    settings = settings_for(graph_url, overrides={"messenger": {"send_timeout_s": 0.2}})
    client = await aiohttp_client(create_app(settings))
    graph.stall_next(1.0, times=2)  # the typing indicator, then the first message
    await Messenger(client).say(text_event("psid-12", "bonjour"))
    assert graph.texts_to("psid-12")[0].startswith("Salut")
    rows = list(client.app[DATABASE]["outbox"].rows_where("kind = 'message'", order_by="id"))
    assert rows[0]["attempts"] == 2 and rows[0]["status"] == "sent"


async def test_permanent_graph_errors_are_recorded_not_retried(meta: Messenger, graph):
    graph.fail_next(USER_UNAVAILABLE)
    graph.fail_next(BAD_TOKEN)
    graph.fail_next(OUTSIDE_WINDOW)
    await meta.say(text_event("psid-11", "bonjour"))
    rows = list(meta.client.app[DATABASE]["outbox"].rows_where("kind = 'message'", order_by="id"))
    assert [(r["status"], r["attempts"], r["error_code"], r["error_subcode"]) for r in rows] == [
        ("failed", 1, 551, None),
        ("failed", 1, 190, None),
        ("failed", 1, 10, 2018278),
    ]
    assert graph.messages == []


async def test_one_users_turns_run_in_order_many_users_at_once(meta: Messenger, graph):
    events = []
    for user in range(20):
        events.append(text_event(f"u{user}", "bonjour"))
        events.append(quick_reply_event(f"u{user}", "Je suis parent", "PARENT"))
    await meta.say(*events)
    for user in range(20):
        texts = graph.texts_to(f"u{user}")
        assert texts[0].startswith("Salut")
        assert "Merci de nous écrire" in texts[3]  # the parent advice came after the greeting
