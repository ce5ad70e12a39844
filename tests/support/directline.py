"""A site-chat visitor speaking Direct Line 3.0 over real HTTP and WebSocket on loopback."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from bot.appkeys import DIRECTLINE

_client_ids = itertools.count(1)


class Visitor:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token = ""
        self.conversation_id = ""
        self.user_id = ""
        self.stream_url = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def start(self, locale: str | None = None) -> int:
        response = await self.client.post("/webchat/token")
        assert response.status == 200, await response.text()
        grant = await response.json()
        self.token, self.user_id = grant["token"], grant["userId"]
        body = {"locale": locale} if locale else None
        response = await self.client.post(
            "/v3/directline/conversations", json=body, headers=self.auth
        )
        started = await response.json()
        self.conversation_id, self.stream_url = started["conversationId"], started["streamUrl"]
        await self.settle()
        return response.status

    def path(self, suffix: str = "") -> str:
        return f"/v3/directline/conversations/{self.conversation_id}{suffix}"

    async def post(self, text: str | None = None, **fields: Any) -> dict[str, Any]:
        activity = {
            "type": "message",
            "from": {"id": "forged-user-id"},
            "channelData": {"clientActivityID": f"client-{next(_client_ids)}"},
            **({"text": text} if text is not None else {}),
            **fields,
        }
        response = await self.client.post(
            self.path("/activities"), json=activity, headers=self.auth
        )
        assert response.status == 200, await response.text()
        return await response.json()

    async def say(self, text: str | None = None, **fields: Any) -> dict[str, Any]:
        posted = await self.post(text, **fields)
        await self.settle()
        return posted

    async def activities(self, watermark: int | None = None) -> tuple[list[dict], str]:
        query = {} if watermark is None else {"watermark": str(watermark)}
        response = await self.client.get(self.path("/activities"), params=query, headers=self.auth)
        assert response.status == 200, await response.text()
        body = await response.json()
        return body["activities"], body["watermark"]

    async def bot_texts(self) -> list[str]:
        activities, _ = await self.activities()
        return [
            a["text"] for a in activities if a["from"]["role"] == "bot" and a["type"] == "message"
        ]

    async def open_stream(self, watermark: int | None = None) -> ClientWebSocketResponse:
        url = self.stream_url.split("/v3/", 1)[1]
        query = f"&watermark={watermark}" if watermark is not None else ""
        return await self.client.ws_connect(f"/v3/{url}{query}")

    async def settle(self) -> None:
        await self.client.app[DIRECTLINE].inbox.idle()


async def read_frames(ws: ClientWebSocketResponse, until, timeout: float = 5.0) -> list[dict]:
    """Activities from stream frames until `until(activities)` is true."""
    seen: list[dict] = []

    async def read() -> None:
        while not until(seen):
            message = await ws.receive()
            if message.data:
                seen.extend(message.json()["activities"])

    await asyncio.wait_for(read(), timeout)
    return seen
