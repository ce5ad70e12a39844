"""A listener using the console's JSON API over real HTTP (and its events over WebSocket)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from bot.appkeys import DATABASE
from handoff.listeners import Listeners

PASSWORD = "une phrase de passe"
_open_sessions: list[aiohttp.ClientSession] = []


async def close_sessions() -> None:
    """Called after each test (tests/conftest.py)."""
    while _open_sessions:
        await _open_sessions.pop().close()


# Cheap hashing for tests only; production uses argon2's defaults.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def add_listener(client: TestClient, username: str, role: str = "listener", **extra: Any):
    listeners = Listeners(client.app[DATABASE], hasher=FAST_HASHER)
    return listeners.add(
        username,
        extra.pop("display_name", username.title()),
        PASSWORD,
        extra.pop("skills", ["psy"]),
        role,
        **extra,
    )


class ListenerSession:
    """One listener's browser: its own cookie jar, so several can sign in side by side."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client = aiohttp.ClientSession(
            base_url=str(client.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        self.username = username
        self.csrf = ""
        _open_sessions.append(self.client)

    async def login(self, password: str = PASSWORD) -> int:
        response = await self.client.post(
            "/console/api/login", json={"username": self.username, "password": password}
        )
        if response.status == 200:
            self.csrf = (await response.json())["csrf_token"]
        return response.status

    async def get(self, path: str) -> tuple[int, Any]:
        response = await self.client.get(f"/console/api{path}")
        return response.status, await response.json()

    async def post(self, path: str, body: dict | None = None) -> tuple[int, Any]:
        response = await self.client.post(
            f"/console/api{path}", json=body or {}, headers={"X-CSRF-Token": self.csrf}
        )
        return response.status, await response.json()

    async def queue(self) -> dict[str, Any]:
        status, body = await self.get("/queue")
        assert status == 200, body
        return body

    async def events(self) -> ClientWebSocketResponse:
        return await self.client.ws_connect("/console/api/events")


async def next_event(ws: ClientWebSocketResponse, kind: str, timeout: float = 5.0) -> dict:
    async def read() -> dict:
        while True:
            event = await ws.receive_json()
            if event["type"] == kind:
                return event

    return await asyncio.wait_for(read(), timeout)
