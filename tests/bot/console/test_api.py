"""The hand-off loop through the console's JSON API: real HTTP and WebSocket on loopback, the
Graph stand-in for Messenger, the site chat through Direct Line, a fixed clock."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import create_app
from bot.appkeys import ANNOUNCER, DATABASE
from tests.support.console import ListenerSession, add_listener, next_event
from tests.support.directline import Visitor
from tests.support.messenger import Messenger, quick_reply_event, text_event


async def ask_for_listener(meta: Messenger, psid: str) -> int:
    await meta.say(quick_reply_event(psid, "Parler à quelqu'un", "ASK_LISTENER"))
    (row,) = meta.client.app[DATABASE]["handoff_requests"].rows_where(
        "conversation = ?", [f"facebook:{psid}"]
    )
    return row["id"]


@pytest.fixture
async def lea(meta: Messenger) -> ListenerSession:
    add_listener(meta.client, "lea", display_name="Léa")
    session = ListenerSession(meta.client, "lea")
    assert await session.login() == 200
    return session


async def test_the_whole_loop_on_messenger(meta: Messenger, graph, lea: ListenerSession):
    events = await lea.events()
    request_id = await ask_for_listener(meta, "teen1")
    assert (await next_event(events, "request"))["request"]["id"] == request_id
    queue = await lea.queue()
    assert [r["id"] for r in queue["waiting"]] == [request_id]
    assert "reference" not in queue["waiting"][0]

    status, body = await lea.post(f"/conversations/{request_id}/claim")
    assert status == 200 and body["request"]["listener"] == "lea"
    await meta.settle()
    assert "Léa, écoutant·e du 3018, a rejoint" in graph.texts_to("teen1")[-1]

    graph.messages.clear()
    await meta.say(text_event("teen1", "merci, en fait c'est dans mon groupe de classe"))
    assert graph.messages == []  # the bot stays silent: a person is answering
    assert (await next_event(events, "teen_message"))["request_id"] == request_id

    status, _ = await lea.post(
        f"/conversations/{request_id}/messages", {"text": "Je suis là. Tu veux m'en dire plus ?"}
    )
    assert status == 200
    await meta.settle()
    (sent,) = graph.messages
    assert sent["message"]["text"] == "Léa : Je suis là. Tu veux m'en dire plus ?"
    assert sent["messaging_type"] == "RESPONSE"

    status, conversation = await lea.get(f"/conversations/{request_id}")
    roles = [m["role"] for m in conversation["transcript"]]
    assert "listener" in roles and roles.count("user") >= 2
    assert conversation["transcript"][-1]["sender"] == "Léa"

    status, note = await lea.post(f"/conversations/{request_id}/notes", {"text": "groupe de 3e B"})
    assert status == 200 and note["note"]["text"] == "groupe de 3e B"

    graph.messages.clear()
    status, body = await lea.post(f"/conversations/{request_id}/close", {"outcome": "advice_given"})
    assert status == 200 and body["request"]["status"] == "closed"
    await meta.settle()
    assert "C'est de nouveau moi, le robot" in graph.texts_to("teen1")[-1]

    graph.messages.clear()
    await meta.say(text_event("teen1", "bonjour"))
    assert "robot" in graph.texts_to("teen1")[0]  # the bot again, starting afresh
    await events.close()


async def test_the_whole_loop_on_the_site_chat(aiohttp_client, settings_for, clock):
    client = await aiohttp_client(create_app(settings_for(with_messenger=False), clock))
    visitor = Visitor(client)
    await visitor.start()
    await visitor.say("Parler à quelqu'un", value={"payload": "ASK_LISTENER"})
    add_listener(client, "sam", display_name="Sam")
    sam = ListenerSession(client, "sam")
    await sam.login()
    (waiting,) = (await sam.queue())["waiting"]
    assert waiting["channel"] == "directline"
    ws = await visitor.open_stream(watermark=int((await visitor.activities())[1]))
    assert (await sam.post(f"/conversations/{waiting['id']}/claim"))[0] == 200
    assert (
        await sam.post(
            f"/conversations/{waiting['id']}/messages", {"text": "Coucou, moi c'est Sam."}
        )
    )[0] == 200
    frames = []
    while not any(a.get("text") == "Coucou, moi c'est Sam." for a in frames):
        message = await asyncio.wait_for(ws.receive(), 5)
        if message.data:
            frames.extend(message.json()["activities"])
    joined = next(a for a in frames if a["type"] == "event")
    assert joined["name"] == "relais.listener" and joined["value"] == {
        "status": "joined",
        "name": "Sam",
    }
    said = frames[-1]
    assert said["from"] == {"id": "listener", "name": "Sam", "role": "bot"}
    assert said["channelData"]["relais"]["sender"] == "listener"
    before = len(await visitor.bot_texts())
    await visitor.say("ok merci")
    assert len(await visitor.bot_texts()) == before  # silent bot
    await ws.close()


async def test_urgent_while_waiting_goes_first_and_alerts(meta: Messenger, graph, lea):
    events = await lea.events()
    first = await ask_for_listener(meta, "calm")
    second = await ask_for_listener(meta, "worried")
    graph.messages.clear()
    await meta.say(text_event("worried", "en vrai jveux plus vivre"))
    assert (await lea.queue())["waiting"][0]["triage"]["summary"] == "en vrai jveux plus vivre"
    assert any("3114" in t for t in graph.texts_to("worried"))
    assert (await next_event(events, "urgent"))["request"]["id"] == second
    order = [r["id"] for r in (await lea.queue())["waiting"]]
    assert order == [second, first]


async def test_an_urgent_message_during_the_relay_alerts_the_listener(meta: Messenger, graph, lea):
    request_id = await ask_for_listener(meta, "teen2")
    await lea.post(f"/conversations/{request_id}/claim")
    events = await lea.events()
    graph.messages.clear()
    await meta.say(text_event("teen2", "ils disent que je devrais me pendre"))
    assert graph.messages == []  # still the listener's conversation
    alert = await next_event(events, "urgent")
    assert "suicide_incitement" in alert["request"]["signals"]


async def test_outside_hours_the_teen_hears_when_and_can_leave_a_message(
    meta: Messenger, graph, clock
):
    clock.now = clock.now.replace(day=6, hour=12)  # Sunday 6 December, 13:00 in Paris: closed
    await meta.say(quick_reply_event("night", "Parler à quelqu'un", "ASK_LISTENER"))
    texts = graph.texts_to("night")
    assert any("reviennent demain à 9h00" in t for t in texts)
    assert any("3114" in t for t in texts)
    assert meta.client.app[DATABASE]["handoff_requests"].count == 0
    await meta.say(quick_reply_event("night", "Laisser un message", "LEAVE_MESSAGE"))
    (row,) = meta.client.app[DATABASE]["handoff_requests"].rows
    assert row["kind"] == "message" and row["status"] == "waiting"


async def test_urgent_outside_hours_gets_the_crisis_answer_every_time(
    meta: Messenger, graph, clock
):
    clock.now = clock.now.replace(day=6, hour=22)  # Sunday night
    for _ in range(2):
        graph.messages.clear()
        await meta.say(text_event("late", "je veux mourir"))
        texts = graph.texts_to("late")
        assert "3114" in texts[1] and "112" in texts[1]
        assert any("reviennent demain à 9h00" in t for t in texts)


async def test_messenger_windows_for_a_listeners_reply(meta: Messenger, graph, clock, lea):
    request_id = await ask_for_listener(meta, "old")
    await lea.post(f"/conversations/{request_id}/claim")
    clock.advance(days=2)
    assert await lea.login() == 200  # the console session ended with two days of inactivity
    graph.messages.clear()
    status, _ = await lea.post(
        f"/conversations/{request_id}/messages", {"text": "Bonjour, je reviens vers toi."}
    )
    assert status == 200
    await meta.settle()
    assert (graph.messages[0]["messaging_type"], graph.messages[0]["tag"]) == (
        "MESSAGE_TAG",
        "HUMAN_AGENT",
    )
    clock.advance(days=6)
    await lea.login()
    status, body = await lea.post(f"/conversations/{request_id}/messages", {"text": "Tu es là ?"})
    assert status == 409 and "7 days" in body["error"]


async def test_two_listeners_claiming_at_once_one_gets_409(meta: Messenger, lea):
    add_listener(meta.client, "sam")
    sam = ListenerSession(meta.client, "sam")
    await sam.login()
    request_id = await ask_for_listener(meta, "teen3")
    results = await asyncio.gather(
        lea.post(f"/conversations/{request_id}/claim"),
        sam.post(f"/conversations/{request_id}/claim"),
    )
    assert sorted(status for status, _ in results) == [200, 409]


async def test_transfer_to_a_colleague_and_to_a_skill(meta: Messenger, graph, lea):
    add_listener(meta.client, "sam", display_name="Sam", skills=["technique"])
    request_id = await ask_for_listener(meta, "teen4")
    await lea.post(f"/conversations/{request_id}/claim")
    status, body = await lea.post(f"/conversations/{request_id}/transfer", {"to_listener": "sam"})
    assert status == 200 and body["request"]["listener"] == "sam"
    await meta.settle()
    assert any("Sam, écoutant·e" in t for t in graph.texts_to("teen4"))
    sam = ListenerSession(meta.client, "sam")
    await sam.login()
    status, body = await sam.post(
        f"/conversations/{request_id}/transfer", {"to_skill": "juridique"}
    )
    assert status == 200 and body["request"]["status"] == "waiting"
    assert (await lea.post(f"/conversations/{request_id}/transfer", {"to_skill": "nope"}))[0] == 400


async def test_sign_in_sessions_csrf_and_permissions(meta: Messenger, lea):
    add_listener(meta.client, "sam")
    sam = ListenerSession(meta.client, "sam")
    assert await sam.login("wrong password") == 401
    request_id = await ask_for_listener(meta, "teen5")
    await lea.post(f"/conversations/{request_id}/claim")
    await sam.login()
    assert (await sam.get(f"/conversations/{request_id}"))[0] == 403  # not theirs
    lea.csrf = "forged"
    assert (await lea.post(f"/conversations/{request_id}/messages", {"text": "x"}))[0] == 403
    meta.client.session.cookie_jar.clear()
    assert (await meta.client.get("/console/api/queue")).status == 401
    reads = list(meta.client.app[DATABASE]["audit_log"].rows_where("action = 'read'"))
    assert reads == []  # the refused read was not a read


async def test_repeated_wrong_passwords_are_rate_limited(meta: Messenger):
    add_listener(meta.client, "lea")
    session = ListenerSession(meta.client, "lea")
    statuses = [await session.login("nope nope nope") for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


async def test_every_read_is_audited_and_supervisors_see_everything(meta: Messenger, lea):
    add_listener(meta.client, "boss", role="supervisor")
    boss = ListenerSession(meta.client, "boss")
    await boss.login()
    request_id = await ask_for_listener(meta, "teen6")
    await lea.post(f"/conversations/{request_id}/claim")
    assert (await boss.get(f"/conversations/{request_id}"))[0] == 200
    queue = await boss.queue()
    assert [r["id"] for r in queue["active"]] == [request_id]
    assert {entry["username"] for entry in queue["listeners"]} == {"lea", "boss"}
    audit = list(meta.client.app[DATABASE]["audit_log"].rows_where("action = 'read'"))
    assert [(a["username"], a["target"]) for a in audit] == [("boss", f"request:{request_id}")]


async def test_bad_requests_get_one_clear_line(meta: Messenger, lea):
    assert (await lea.post("/conversations/999/claim"))[0] == 404
    status, body = await lea.post("/presence", {"status": "asleep"})
    assert status == 400 and "available" in body["error"]
    request_id = await ask_for_listener(meta, "teen7")
    await lea.post(f"/conversations/{request_id}/claim")
    status, body = await lea.post(f"/conversations/{request_id}/close", {"outcome": "bof"})
    assert status == 400 and "advice_given" in body["error"]
    status, body = await lea.post(f"/conversations/{request_id}/messages", {"text": "   "})
    assert status == 400


async def test_a_restart_in_the_middle_of_a_hand_off_loses_nothing(
    aiohttp_client, settings_for, graph_url, graph, clock
):
    settings = settings_for(graph_url)
    first = Messenger(await aiohttp_client(create_app(settings, clock)))
    add_listener(first.client, "lea", display_name="Léa")
    lea = ListenerSession(first.client, "lea")
    await lea.login()
    request_id = await ask_for_listener(first, "teen8")
    await lea.post(f"/conversations/{request_id}/claim")
    await first.client.close()

    second = Messenger(await aiohttp_client(create_app(settings, clock)))
    lea = ListenerSession(second.client, "lea")
    await lea.login()
    assert [r["id"] for r in (await lea.queue())["holding"]] == [request_id]
    graph.messages.clear()
    await second.say(text_event("teen8", "t'es toujours là ?"))
    assert graph.messages == []  # still relayed to the listener, not answered by the bot
    assert (await lea.post(f"/conversations/{request_id}/messages", {"text": "Oui, je suis là."}))[
        0
    ] == 200
    await second.settle()
    assert graph.texts_to("teen8") == ["Léa : Oui, je suis là."]


async def test_waiting_teens_hear_their_place_and_honest_notices(
    meta: Messenger, graph, clock, lea
):
    first = await ask_for_listener(meta, "w1")
    await ask_for_listener(meta, "w2")
    assert "n°2" in graph.texts_to("w2")[-2]
    announcer = meta.client.app[ANNOUNCER]
    await lea.post(f"/conversations/{first}/claim")
    clock.advance(minutes=4)
    graph.messages.clear()
    await announcer.notify_waiting()
    await meta.settle()
    (update,) = graph.texts_to("w2")
    assert update.startswith("Ça avance : tu es maintenant n°1 dans la file")
    clock.advance(minutes=2)  # six minutes of waiting: the emergency numbers
    graph.messages.clear()
    await announcer.notify_waiting()
    await meta.settle()
    assert "3114" in graph.texts_to("w2")[0]
    clock.advance(minutes=5)  # no listener after ten minutes: said plainly, once
    graph.messages.clear()
    await announcer.notify_waiting()
    await announcer.notify_waiting()
    await meta.settle()
    (no_listener,) = graph.texts_to("w2")
    assert "aucun·e écoutant·e n'est libre" in no_listener


async def test_closing_time_is_announced_and_nothing_is_dropped(meta: Messenger, graph, clock):
    clock.now = clock.now.replace(hour=18, minute=50)  # Tuesday 19:50 in Paris, closing at 20:00
    request_id = await ask_for_listener(meta, "late1")
    announcer = meta.client.app[ANNOUNCER]
    graph.messages.clear()
    await announcer.notify_waiting()
    await meta.settle()
    assert "terminent bientôt" in graph.texts_to("late1")[0]
    clock.advance(minutes=15)  # 20:05: closed
    graph.messages.clear()
    await announcer.notify_waiting()
    await meta.settle()
    assert "demain à 9h00" in graph.texts_to("late1")[0]
    row = meta.client.app[DATABASE]["handoff_requests"].get(request_id)
    assert (row["status"], row["kind"]) == ("waiting", "message")


async def test_the_teen_can_cancel_while_waiting(meta: Messenger, graph):
    request_id = await ask_for_listener(meta, "c1")
    graph.messages.clear()
    await meta.say(text_event("c1", "c'est long"))
    assert graph.texts_to("c1")[0].startswith("Je garde ton message")
    await meta.say(quick_reply_event("c1", "Annuler ma demande", "CANCEL_REQUEST"))
    assert graph.texts_to("c1")[-1].startswith("D'accord, ta demande est annulée")
    assert meta.client.app[DATABASE]["handoff_requests"].get(request_id)["status"] == "cancelled"


async def test_an_image_address_is_only_given_by_an_audited_reveal(meta: Messenger, lea):
    request_id = await ask_for_listener(meta, "img1")
    await lea.post(f"/conversations/{request_id}/claim")
    image = text_event(
        "img1", "", attachments=[{"type": "image", "payload": {"url": "https://cdn.example/p.jpg"}}]
    )
    del image["message"]["text"]
    await meta.say(image)
    status, conversation = await lea.get(f"/conversations/{request_id}")
    assert status == 200 and "cdn.example" not in str(conversation)
    shared = next(m for m in conversation["transcript"] if m["attachments"])
    assert shared["attachments"] == '[{"type": "image"}]'
    status, revealed = await lea.post(
        f"/conversations/{request_id}/reveal", {"message_id": shared["id"], "index": 0}
    )
    assert status == 200 and revealed["url"] == "https://cdn.example/p.jpg"
    actions = [a["action"] for a in meta.client.app[DATABASE]["audit_log"].rows]
    assert "reveal" in actions


async def test_signing_out_ends_the_live_events_and_shows_the_listener_offline(
    meta: Messenger, lea
):
    await lea.post("/presence", {"status": "available"})
    events = await lea.events()
    assert (await lea.post("/logout"))[0] == 200
    for _ in range(5):  # the stream may deliver the sign-out itself before closing
        message = await asyncio.wait_for(events.receive(), 5)
        if message.type.name in ("CLOSE", "CLOSED", "CLOSING"):
            break
    assert events.closed or message.type.name in ("CLOSE", "CLOSED", "CLOSING")
    row = meta.client.app[DATABASE]["listeners"].get("lea")
    assert row["presence"] == "offline"


async def test_events_refuse_another_origin(meta: Messenger, lea):
    response = await lea.client.get(
        "/console/api/events",
        headers={
            "Origin": "https://evil.example",
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert response.status == 403
