"""Errors are logged without what the teen wrote."""

from __future__ import annotations

import logging

import nlu
from bot.app import create_app
from bot.log_safety import describe
from tests.support.messenger import Messenger, text_event


def fail_with(text: str) -> None:
    raise ValueError(f"cannot parse {text!r}")


def test_an_error_is_described_by_type_and_place_only():
    try:
        fail_with("je veux mourir")
    except ValueError as error:
        described = describe(error)
    assert described.startswith("ValueError at test_log_safety.py:")
    assert "fail_with" in described and "mourir" not in described


async def test_a_failing_turn_logs_no_message_text(
    aiohttp_client, settings_for, graph_url, graph, clock, caplog, monkeypatch
):
    def broken(text: str):
        if text:
            raise RuntimeError(f"boom on {text}")
        return real(text)

    real = nlu.analyze
    monkeypatch.setattr(nlu, "analyze", broken)
    client = await aiohttp_client(create_app(settings_for(graph_url), clock))
    caplog.set_level(logging.INFO)
    await Messenger(client).say(text_event("log1", "mon secret: ils me frappent"))
    assert "turn failed: RuntimeError" in caplog.text
    assert "frappent" not in caplog.text
    assert "problème technique" in graph.texts_to("log1")[0]  # the teen still gets an answer
