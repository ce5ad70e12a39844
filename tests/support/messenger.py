"""Webhook bodies shaped exactly like Meta's, signed as Meta signs them, posted over HTTP."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from typing import Any

from aiohttp.test_utils import TestClient

from bot.appkeys import MESSENGER, MESSENGER_OUTBOX

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
APP_ID = "1517776481860111"
PAGE_ID = "106000000000001"
ENV = {
    "MESSENGER_APP_SECRET": APP_SECRET,
    "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN,
    "MESSENGER_APP_ID": APP_ID,
}

_mids = itertools.count(1)
_clock = itertools.count(1_700_000_000_000, 1000)


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def text_event(psid: str, text: str, mid: str | None = None, **message: Any) -> dict:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": next(_clock),
        "message": {"mid": mid or f"m_in_{next(_mids)}", "text": text, **message},
    }


def quick_reply_event(psid: str, title: str, payload: str) -> dict:
    return text_event(psid, title, quick_reply={"payload": payload})


def postback_event(psid: str, title: str, payload: str) -> dict:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": next(_clock),
        "postback": {"mid": f"m_pb_{next(_mids)}", "title": title, "payload": payload},
    }


def echo_event(psid: str, text: str, app_id: str = APP_ID) -> dict:
    return {
        "sender": {"id": PAGE_ID},
        "recipient": {"id": psid},
        "timestamp": next(_clock),
        "message": {
            "is_echo": True,
            "app_id": int(app_id),
            "mid": f"m_echo_{next(_mids)}",
            "text": text,
        },
    }


def body(*events: dict, standby: tuple[dict, ...] = ()) -> dict:
    entry: dict[str, Any] = {"id": PAGE_ID, "time": next(_clock), "messaging": list(events)}
    if standby:
        entry["standby"] = list(standby)
    return {"object": "page", "entry": [entry]}


class Messenger:
    """Posts to the running app's webhook and waits until every turn and send is done."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    async def post(self, payload: dict, signature: str | None = None, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is None:
            signature = sign(data)
        if signature:
            headers["X-Hub-Signature-256"] = signature
        return await self.client.post("/webhooks/messenger", data=data, headers=headers)

    async def say(self, *events: dict) -> None:
        response = await self.post(body(*events))
        assert response.status == 200, await response.text()
        await self.settle()

    async def settle(self) -> None:
        app = self.client.app
        await app[MESSENGER].inbox.idle()
        await app[MESSENGER_OUTBOX].idle()
