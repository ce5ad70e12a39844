"""The site chat's Direct Line 3.0 endpoint over real HTTP and WebSocket on loopback."""

from __future__ import annotations

import time
from dataclasses import replace

import jwt
import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.appkeys import DATABASE
from tests.support.directline import Visitor, read_frames


@pytest.fixture
async def client(aiohttp_client, settings_for, clock) -> TestClient:
    return await aiohttp_client(create_app(settings_for(with_messenger=False), clock))


@pytest.fixture
async def visitor(client) -> Visitor:
    visitor = Visitor(client)
    assert await visitor.start() == 201
    return visitor


async def test_a_new_conversation_is_greeted_before_the_visitor_types(visitor: Visitor):
    texts = await visitor.bot_texts()
    assert "robot" in texts[0] and "anonyme" in texts[1]
    activities, watermark = await visitor.activities()
    last = activities[-1]
    assert last["suggestedActions"]["actions"][0]["title"] == "On me harcèle"
    assert watermark == str(len(activities))


async def test_a_posted_message_is_echoed_with_its_client_id_then_answered(visitor: Visitor):
    ws = await visitor.open_stream(watermark=3)
    posted = await visitor.post("on m'insulte sur insta")
    frames = await read_frames(
        ws, lambda seen: any("Bloquer sur Instagram" in (a.get("text") or "") for a in seen)
    )
    echo = frames[0]
    assert echo["id"] == posted["id"] and echo["id"].startswith(visitor.conversation_id + "|")
    assert echo["channelData"]["clientActivityID"].startswith("client-")
    assert echo["from"] == {"id": visitor.user_id, "role": "user"}  # never the client's from.id
    bot = [a for a in frames if a["from"]["role"] == "bot"]
    assert all(a["channelId"] == "directline" and a["timestamp"].endswith("Z") for a in bot)
    assert any(a["type"] == "typing" for a in bot)  # typing goes over the socket
    assert bot[-1]["replyToId"] == posted["id"]
    await ws.close()


async def test_polling_returns_only_what_follows_the_watermark(visitor: Visitor):
    _, watermark = await visitor.activities()
    await visitor.say("c'est anonyme ?")
    activities, new_watermark = await visitor.activities(int(watermark))
    assert [a["from"]["role"] for a in activities] == ["user", "bot"]
    assert activities[1]["text"].startswith("C'est anonyme")
    assert int(new_watermark) == int(watermark) + 2
    again, same = await visitor.activities(int(new_watermark))
    assert again == [] and same == new_watermark


async def test_a_stream_without_watermark_replays_everything(visitor: Visitor):
    ws = await visitor.open_stream()
    frames = await read_frames(ws, lambda seen: len(seen) >= 3)
    assert "robot" in frames[0]["text"]
    await ws.close()


async def test_reconnecting_after_a_restart_loses_and_repeats_nothing(aiohttp_client, settings_for):
    settings = settings_for(with_messenger=False)
    first = Visitor(await aiohttp_client(create_app(settings)))
    await first.start()
    await first.say("je suis témoin")
    before, watermark = await first.activities()
    await first.client.close()

    second = Visitor(await aiohttp_client(create_app(settings)))
    second.token, second.conversation_id = first.token, first.conversation_id
    response = await second.client.get(
        second.path(), params={"watermark": watermark}, headers=second.auth
    )
    assert response.status == 200
    second.stream_url = (await response.json())["streamUrl"]
    assert f"watermark={watermark}" in second.stream_url
    after, same = await second.activities()
    assert after == before and same == watermark
    ws = await second.open_stream(watermark=int(watermark))
    await second.post("merci")
    frames = await read_frames(ws, lambda seen: any(a["from"]["role"] == "bot" for a in seen))
    assert [a["from"]["role"] for a in frames][:1] == ["user"]
    assert frames[0]["text"] == "merci"
    await ws.close()


async def test_starting_again_with_the_same_token_resumes_the_conversation(visitor: Visitor):
    response = await visitor.client.post("/v3/directline/conversations", headers=visitor.auth)
    assert response.status == 200
    assert (await response.json())["conversationId"] == visitor.conversation_id
    texts = await visitor.bot_texts()
    assert sum("robot" in t for t in texts) == 1  # greeted once


async def test_a_refreshed_token_keeps_the_conversation_and_visitor(visitor: Visitor):
    response = await visitor.client.post("/v3/directline/tokens/refresh", headers=visitor.auth)
    refreshed = await response.json()
    assert refreshed["conversationId"] == visitor.conversation_id
    assert refreshed["expires_in"] > 15 * 60
    claims = jwt.decode(refreshed["token"], options={"verify_signature": False})
    assert claims["user"] == visitor.user_id
    visitor.token = refreshed["token"]
    await visitor.say("bonjour")


async def test_the_page_language_sets_the_greeting_language(client):
    visitor = Visitor(client)
    await visitor.start(locale="en-GB")
    assert (await visitor.bot_texts())[0].startswith("Hi")


async def test_urgent_message_on_the_site_gets_the_crisis_answer(visitor: Visitor):
    await visitor.say("g envie de disparaitre pour de bon")
    texts = await visitor.bot_texts()
    assert any("3114" in t for t in texts[3:])
    (row,) = visitor.client.app[DATABASE]["handoff_requests"].rows
    assert row["channel"] == "directline" and row["urgent"] == 1


async def test_buttons_work_through_their_value(visitor: Visitor):
    await visitor.say("Je suis parent", value={"payload": "PARENT"})
    assert any("confisquer" in t for t in await visitor.bot_texts())


# Bad input: a clear 4xx and nothing changed.


async def error_of(response) -> tuple[int, str]:
    body = await response.json()
    return response.status, body["error"]["code"]


async def test_unknown_conversation_is_404(client):
    response = await client.post("/webchat/token")
    grant = await response.json()  # a token whose conversation was never started
    headers = {"Authorization": f"Bearer {grant['token']}"}
    url = f"/v3/directline/conversations/{grant['conversationId']}/activities"
    assert await error_of(await client.get(url, headers=headers)) == (404, "NotFound")


async def test_wrong_foreign_or_expired_tokens_are_403(visitor: Visitor, client):
    other = Visitor(client)
    await other.start()
    for token in ("nonsense", other.token, ""):
        response = await client.get(
            visitor.path("/activities"), headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status == 403
    key = client.app[DATABASE].execute("select value from server_keys").fetchone()[0]
    expired = jwt.encode(
        {
            "iss": "relais",
            "conv": visitor.conversation_id,
            "user": visitor.user_id,
            "exp": int(time.time()) - 5,
        },
        key,
        algorithm="HS256",
    )
    response = await client.get(
        visitor.path("/activities"), headers={"Authorization": f"Bearer {expired}"}
    )
    assert await error_of(response) == (403, "TokenExpired")
    stream = await client.get(visitor.path("/stream"), params={"t": other.token})
    assert stream.status == 403


async def test_malformed_or_incomplete_activities_are_400_and_not_stored(visitor: Visitor, client):
    before, _ = await visitor.activities()
    url = visitor.path("/activities")
    headers = {**visitor.auth, "Content-Type": "application/json"}
    cases = [
        b"{not json",
        b"[1, 2]",
        b'{"text": "no type"}',
        b'{"type": "message"}',
        b'{"type": "message", "text": 5}',
    ]
    for body in cases:
        response = await client.post(url, data=body, headers=headers)
        assert response.status == 400, body
        assert (await response.json())["error"]["message"]
    bad_watermark = await client.get(url, params={"watermark": "abc"}, headers=visitor.auth)
    assert bad_watermark.status == 400
    after, _ = await visitor.activities()
    assert after == before


async def test_oversized_bodies_are_413(visitor: Visitor, client):
    url = visitor.path("/activities")
    response = await client.post(
        url, json={"type": "message", "text": "x" * 5000}, headers=visitor.auth
    )
    assert await error_of(response) == (413, "MessageSizeTooBig")
    padding = {"type": "message", "text": "x", "value": {"pad": "y" * 70_000}}
    response = await client.post(url, json=padding, headers=visitor.auth)
    assert response.status == 413


async def test_too_many_messages_from_one_visitor_are_429(aiohttp_client, settings_for):
    settings = settings_for(
        with_messenger=False,
        overrides={"webchat": {"messages_per_minute": 3, "tokens_per_minute": 2}},
    )
    client = await aiohttp_client(create_app(settings))
    visitor = Visitor(client)
    await visitor.start()
    for _ in range(3):
        await visitor.post("coucou")
    response = await client.post(
        visitor.path("/activities"),
        json={"type": "message", "text": "coucou"},
        headers=visitor.auth,
    )
    assert await error_of(response) == (429, "TooManyRequests")
    assert (await client.post("/webchat/token")).status == 200  # the second of two a minute
    assert (await client.post("/webchat/token")).status == 429


async def test_tokens_generate_needs_the_secret(aiohttp_client, settings_for):
    settings = replace(settings_for(with_messenger=False), webchat_secret="site-secret-value")
    client = await aiohttp_client(create_app(settings))
    url = "/v3/directline/tokens/generate"
    assert (await client.post(url, headers={"Authorization": "Bearer wrong"})).status == 403
    response = await client.post(url, headers={"Authorization": "Bearer site-secret-value"})
    assert response.status == 200
    assert (await response.json())["conversationId"]


async def test_cross_origin_pages_are_allowed_by_cors(client):
    response = await client.options(
        "/v3/directline/conversations",
        headers={"Origin": "https://www.example.org", "Access-Control-Request-Method": "POST"},
    )
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://www.example.org"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
