"""A local stand-in for Meta's Graph API, as Meta documents it (shared/reference/messenger.md).

It validates Send API and Messenger Profile bodies against Meta's limits and answers with
Meta's success and error shapes; tests can script the next answers (rate limits, outages,
blocked users) and read what was received. It runs as a real HTTP server on loopback.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

PAGE_TOKEN = "test-page-token"
SENDER_ACTIONS = {"typing_on", "typing_off", "mark_seen"}
MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}


@dataclass
class Scripted:
    status: int
    error: dict[str, Any]


def meta_error(code: int, message: str, subcode: int | None = None, **extra: Any) -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return error


# Meta's answers for the failures the outbox must tell apart.
RATE_LIMITED = Scripted(400, meta_error(613, "Calls to this api have exceeded the rate limit."))
OUTAGE = Scripted(
    500,
    meta_error(
        2, "An unexpected error has occurred. Please retry your request later.", is_transient=True
    ),
)
USER_UNAVAILABLE = Scripted(400, meta_error(551, "This person isn't available right now."))
OUTSIDE_WINDOW = Scripted(
    400,
    meta_error(10, "(#10) This message is sent outside of allowed window.", subcode=2018278),
)
BAD_TOKEN = Scripted(400, meta_error(190, "Invalid OAuth access token - Cannot parse access token"))


@dataclass
class GraphStandIn:
    token: str = PAGE_TOKEN
    messages: list[dict[str, Any]] = field(default_factory=list)  # accepted Send API messages
    actions: list[dict[str, Any]] = field(default_factory=list)  # accepted sender actions
    profiles: list[dict[str, Any]] = field(default_factory=list)
    handovers: list[dict[str, Any]] = field(default_factory=list)  # pass_thread_control bodies
    handover_script: list[Scripted] = field(default_factory=list)  # answers for the next ones
    attempts: int = 0  # every Send API call, accepted or not
    script: list[Scripted] = field(default_factory=list)
    stalls: list[float] = field(default_factory=list)  # seconds to hang before answering
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def stall_next(self, seconds: float, times: int = 1) -> None:
        """Hang the next `times` calls for `seconds` before answering, like an overloaded Graph."""
        self.stalls.extend([seconds] * times)

    def fail_next(self, answer: Scripted, times: int = 1) -> None:
        """Answer the next `times` messages (not sender actions) with `answer`."""
        self.script.extend([answer] * times)

    def texts_to(self, psid: str) -> list[str]:
        return [m["message"]["text"] for m in self.messages if m["recipient"]["id"] == psid]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/me/messages", self._send)
        app.router.add_post("/me/messenger_profile", self._profile)
        app.router.add_post("/me/pass_thread_control", self._pass_thread_control)
        return app

    async def wait_for(self, count: int, psid: str | None = None, timeout: float = 5.0) -> None:
        """Wait until `count` messages (to `psid`, if given) were accepted."""

        async def reached() -> None:
            while len(self.texts_to(psid) if psid else self.messages) < count:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(reached(), timeout)

    def _auth_error(self, request: web.Request) -> web.Response | None:
        if request.query.get("access_token") != self.token:
            return _error(BAD_TOKEN)
        return None

    async def _send(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.stalls:
            await asyncio.sleep(self.stalls.pop(0))
        denied = self._auth_error(request)
        if denied:
            return denied
        body = await request.json()
        problem = _check_send(body)
        if problem:
            return _error(Scripted(400, meta_error(100, f"(#100) {problem}")))
        if "sender_action" in body:
            self.actions.append(body)
            return web.json_response({"recipient_id": body["recipient"]["id"]})
        if self.script:
            return _error(self.script.pop(0))
        self.messages.append(body)
        return web.json_response(
            {"recipient_id": body["recipient"]["id"], "message_id": f"m_{next(self._ids)}"}
        )

    async def _profile(self, request: web.Request) -> web.Response:
        denied = self._auth_error(request)
        if denied:
            return denied
        body = await request.json()
        problem = _check_profile(body)
        if problem:
            return _error(Scripted(400, meta_error(100, f"(#100) {problem}")))
        self.profiles.append(body)
        return web.json_response({"result": "success"})

    async def _pass_thread_control(self, request: web.Request) -> web.Response:
        denied = self._auth_error(request)
        if denied:
            return denied
        body = await request.json()
        if not (body.get("recipient") or {}).get("id") or not body.get("target_app_id"):
            return _error(
                Scripted(400, meta_error(100, "(#100) recipient and target_app_id required"))
            )
        if self.handover_script:
            return _error(self.handover_script.pop(0))
        self.handovers.append(body)
        return web.json_response({"success": True})


def _error(answer: Scripted) -> web.Response:
    return web.json_response({"error": answer.error}, status=answer.status)


def _check_send(body: Any) -> str | None:
    if not isinstance(body, dict) or not (body.get("recipient") or {}).get("id"):
        return "param recipient must be non-empty."
    if "sender_action" in body:
        return None if body["sender_action"] in SENDER_ACTIONS else "Invalid sender_action"
    if body.get("messaging_type") not in MESSAGING_TYPES:
        return "param messaging_type must be one of RESPONSE, UPDATE, MESSAGE_TAG"
    if body["messaging_type"] == "MESSAGE_TAG" and body.get("tag") != "HUMAN_AGENT":
        return "param tag must be HUMAN_AGENT"
    message = body.get("message")
    if not isinstance(message, dict) or not (message.get("text") or message.get("attachment")):
        return "param message must contain text or attachment"
    if len(message.get("text") or "") > 2000:
        return "param message[text] must be UTF-8 encoded and less than 2000 characters"
    replies = message.get("quick_replies") or []
    if len(replies) > 13:
        return "param message[quick_replies] must have at most 13 elements"
    for reply in replies:
        if reply.get("content_type") == "text":
            if not reply.get("title") or len(reply["title"]) > 20:
                return "param title must be at most 20 characters"
            if not reply.get("payload") or len(reply["payload"]) > 1000:
                return "param payload must be at most 1000 characters"
    return None


def _check_profile(body: Any) -> str | None:
    if not isinstance(body, dict) or not body:
        return "param must be non-empty"
    greetings = body.get("greeting") or []
    if greetings and not any(g.get("locale") == "default" for g in greetings):
        return "greeting must have a default locale"
    if any(len(g.get("text", "")) > 160 for g in greetings):
        return "greeting text must be at most 160 characters"
    if body.get("persistent_menu") and "get_started" not in body:
        return "persistent_menu requires get_started"
    for menu in body.get("persistent_menu") or []:
        if any(len(item.get("title", "")) > 30 for item in menu.get("call_to_actions", [])):
            return "menu item title must be at most 30 characters"
    for breakers in body.get("ice_breakers") or []:
        if len(breakers.get("call_to_actions", [])) > 4:
            return "ice_breakers must have at most 4 questions"
    return None
