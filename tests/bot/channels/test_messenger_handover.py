"""Optional hand-over of Messenger conversations to the Page Inbox (Meta Business Suite)."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import create_app
from bot.appkeys import DATABASE
from tests.support.graph_api import USER_UNAVAILABLE
from tests.support.messenger import APP_ID, PAGE_ID, Messenger, body, quick_reply_event, text_event


@pytest.fixture
async def meta_inbox(aiohttp_client, settings_for, graph_url, clock) -> Messenger:
    settings = settings_for(graph_url, overrides={"handoff": {"messenger_page_inbox": True}})
    return Messenger(await aiohttp_client(create_app(settings, clock)))


async def handed_over(graph, count: int = 1) -> None:
    for _ in range(200):
        if len(graph.handovers) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no pass_thread_control reached the Graph stand-in")


async def test_a_request_goes_to_the_page_inbox_and_comes_back(meta_inbox: Messenger, graph):
    await meta_inbox.say(quick_reply_event("pi1", "Parler à quelqu'un", "ASK_LISTENER"))
    await handed_over(graph)
    (handover,) = graph.handovers
    assert handover["recipient"] == {"id": "pi1"}
    assert handover["target_app_id"] == "263902037430900"
    db = meta_inbox.client.app[DATABASE]
    (request,) = db["handoff_requests"].rows
    assert (request["status"], request["listener"]) == ("active", "page_inbox")

    graph.messages.clear()
    await meta_inbox.say(text_event("pi1", "vous êtes là ?"))
    assert graph.messages == []  # people in the Page Inbox answer, not the bot

    returned = {
        "sender": {"id": "pi1"},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1_800_000_000_000,
        "pass_thread_control": {
            "previous_owner_app_id": "263902037430900",
            "new_owner_app_id": APP_ID,
            "metadata": "done",
        },
    }
    response = await meta_inbox.post(body(returned))
    assert response.status == 200
    await meta_inbox.settle()
    (request,) = db["handoff_requests"].rows
    assert (request["status"], request["outcome"]) == ("closed", "page_inbox")
    await meta_inbox.say(text_event("pi1", "bonjour"))
    assert "robot" in graph.texts_to("pi1")[0]  # the bot again, from the start


async def test_if_meta_refuses_the_request_stays_in_the_console_queue(meta_inbox, graph):
    graph.handover_script.append(USER_UNAVAILABLE)
    await meta_inbox.say(quick_reply_event("pi2", "Parler à quelqu'un", "ASK_LISTENER"))
    for _ in range(100):
        if not graph.handover_script:
            break
        await asyncio.sleep(0.01)
    (request,) = meta_inbox.client.app[DATABASE]["handoff_requests"].rows
    assert request["status"] == "waiting" and request["listener"] is None
