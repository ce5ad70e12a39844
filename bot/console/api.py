"""The listeners' JSON API under `/console/api` (documented in docs/openapi.yaml).

A session cookie (HttpOnly, SameSite=Strict) says who is calling; every state-changing call also
sends the session's CSRF token as `X-CSRF-Token`. A listener sees the queue and the
conversations they hold; supervisors see all. Every read of a conversation is audited. Domain
errors from `handoff/` become status codes here and only here.
"""

from __future__ import annotations

import asyncio
import csv
import hmac
import io
import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from bot.announcer import Announcer
from bot.appkeys import DATABASE, SETTINGS
from bot.dialogs.desk import Desk, seconds_since
from bot.rate_limit import RateLimiter
from bot.relay import CannotReach, Relay
from bot.transcript import Transcript
from handoff.audit import Audit
from handoff.listeners import PRESENCES, Listener, Listeners
from handoff.queue import AlreadyClaimed, CapacityReached, NotFound, NotHolder, QueueError, Request
from handoff.sessions import Sessions
from handoff.stats import csv_rows, last_weeks

log = logging.getLogger(__name__)

COOKIE = "relais_session"
# A failed sign-in always takes this long, so timing tells nothing about which part was wrong.
FAILED_LOGIN_DELAY_S = 0.5
MAX_TEXT = 4000
# How often a live event stream checks that its session still exists.
SESSION_CHECK_S = 15.0
# How far back the supervisors' figures go, in weeks.
DEFAULT_STATS_WEEKS = 4
MAX_STATS_WEEKS = 26


def api_error(status: int, message: str) -> web.HTTPException:
    cls = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        409: web.HTTPConflict,
        429: web.HTTPTooManyRequests,
    }[status]
    return cls(text=json.dumps({"error": message}), content_type="application/json")


class ConsoleApi:
    def __init__(
        self,
        *,
        desk: Desk,
        listeners: Listeners,
        sessions: Sessions,
        audit: Audit,
        transcript: Transcript,
        relay: Relay,
        announcer: Announcer,
        outcomes: tuple[str, ...],
        skills: tuple[str, ...],
    ) -> None:
        self._desk = desk
        self._queue = desk.queue
        self._listeners = listeners
        self._sessions = sessions
        self._audit = audit
        self._transcript = transcript
        self._relay = relay
        self._announcer = announcer
        self._outcomes = outcomes
        self._skills = skills
        self._failures = RateLimiter(10)
        self._watching: dict[str, int] = {}  # open event streams per listener

    # Sessions ----------------------------------------------------------------------------

    async def login(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        if request.content_type != "application/json":
            # A form on another site cannot send JSON without asking first (CORS preflight).
            raise api_error(400, "send the sign-in as JSON")
        body = await _json(request)
        username, password = str(body.get("username", "")), str(body.get("password", ""))
        remote = request.remote or "unknown"
        if not self._failures.allow(f"ip:{remote}") or not self._failures.allow(f"user:{username}"):
            raise api_error(429, "too many sign-in attempts: wait a minute")
        listener = self._listeners.verify(username, password)
        if listener is None:
            await asyncio.sleep(max(0.0, FAILED_LOGIN_DELAY_S - (time.monotonic() - started)))
            raise api_error(401, "wrong username or password")
        token, session = self._sessions.open(listener.username)
        self._audit.record(listener.username, "login")
        response = web.json_response(
            {"csrf_token": session.csrf_token, "listener": _listener_json(listener)}
        )
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="Strict", path="/console", secure=request.secure
        )
        return response

    async def logout(self, request: web.Request) -> web.Response:
        listener = self._caller(request, write=True)
        self._sessions.close(request.cookies.get(COOKIE, ""))
        self._audit.record(listener.username, "logout")
        self._desk.events.publish("signed_out", listener=listener.username)  # ends its streams
        response = web.json_response({"ok": True})
        response.del_cookie(COOKIE, path="/console")
        return response

    async def me(self, request: web.Request) -> web.Response:
        listener = self._caller(request)
        held = self._queue.held_by(listener.username)
        return web.json_response({"listener": _listener_json(listener), "holding": len(held)})

    def signed_in(self, request: web.Request) -> tuple[Listener, str] | None:
        """For the console's pages: who is signed in, with their session's CSRF token."""
        session = self._sessions.find(request.cookies.get(COOKIE, ""))
        listener = self._listeners.get(session.username) if session else None
        if session is None or listener is None:
            return None
        return listener, session.csrf_token

    def colleagues(self) -> list[dict[str, Any]]:
        """Everyone a conversation can be transferred to (no passwords: `Listener` has none)."""
        return [_listener_json(other) for other in self._listeners.all()]

    def _caller(self, request: web.Request, write: bool = False) -> Listener:
        session = self._sessions.find(request.cookies.get(COOKIE, ""))
        listener = self._listeners.get(session.username) if session else None
        if session is None or listener is None:
            raise api_error(401, "sign in first")
        if write and not hmac.compare_digest(
            request.headers.get("X-CSRF-Token", "").encode(), session.csrf_token.encode()
        ):
            raise api_error(403, "missing or wrong X-CSRF-Token")
        return listener

    # The queue and conversations ---------------------------------------------------------

    async def queue(self, request: web.Request) -> web.Response:
        listener = self._caller(request)
        now = self._desk.clock()
        waiting = [
            {**r.public(), "position": i, "waited_s": int(seconds_since(r.created_at, now))}
            for i, r in enumerate(self._queue.waiting(listener.skills), start=1)
        ]
        body: dict[str, Any] = {
            "open": self._desk.is_open(),
            "waiting": waiting,
            "holding": [r.public() for r in self._queue.held_by(listener.username)],
        }
        if listener.role == "supervisor":
            body["active"] = [r.public() for r in self._queue.active()]
            body["listeners"] = [_listener_json(other) for other in self._listeners.all()]
        return web.json_response(body)

    async def conversation(self, request: web.Request) -> web.Response:
        listener = self._caller(request)
        handoff = self._request(request)
        if handoff.listener != listener.username and listener.role != "supervisor":
            raise api_error(403, "only the listener holding this conversation can read it")
        self._audit.record(listener.username, "read", f"request:{handoff.id}")
        return web.json_response(
            {
                "request": handoff.public(),
                "transcript": _without_addresses(self._transcript.messages(handoff.conversation)),
                "notes": self._queue.notes(handoff.id),
                "history": [r.public() for r in self._queue.history(handoff.conversation)],
                "can_reply": self._relay.can_reach(handoff, human=True),
            }
        )

    async def new_messages(self, request: web.Request) -> web.Response:
        """What was said since message `after`, and the request's state: the console's update
        after a live event. Reading the whole conversation (audited) comes first."""
        listener = self._caller(request)
        handoff = self._readable(request, listener)
        try:
            after = int(request.query.get("after", "0"))
        except ValueError:
            raise api_error(400, "after must be a message id") from None
        messages = self._transcript.messages(handoff.conversation)
        return web.json_response(
            {
                "request": handoff.public(),
                "transcript": _without_addresses([m for m in messages if m["id"] > after]),
                "can_reply": self._relay.can_reach(handoff, human=True),
            }
        )

    async def reveal(self, request: web.Request) -> web.Response:
        """A listener chose to see an attachment (an image is never shown by default): the
        audit log keeps who looked at what, then the console opens the address itself.
        Relais never downloads or stores the file."""
        listener = self._caller(request, write=True)
        handoff = self._readable(request, listener)
        body = await _json(request)
        message_id, index = body.get("message_id"), body.get("index", 0)
        if not isinstance(message_id, int) or not isinstance(index, int) or index < 0:
            raise api_error(400, "message_id and index must be whole numbers")
        message = next(
            (m for m in self._transcript.messages(handoff.conversation) if m["id"] == message_id),
            None,
        )
        attachments = json.loads(message["attachments"] or "[]") if message else []
        if index >= len(attachments):
            raise api_error(404, "no such attachment in this conversation")
        attachment = attachments[index]
        self._audit.record(
            listener.username, "reveal", f"request:{handoff.id}:message:{message_id}:{index}"
        )
        return web.json_response({"type": attachment.get("type"), "url": attachment.get("url")})

    async def stats(self, request: web.Request) -> web.Response:
        self._supervisor(request)
        days = self._days(request)
        return web.json_response(
            {
                "today": days[-1].to_dict(self._outcomes),
                "days": [figures.to_dict(self._outcomes) for figures in days],
                "outcomes": list(self._outcomes),
                "timezone": str(request.app[SETTINGS].hours.timezone),
            }
        )

    async def stats_csv(self, request: web.Request) -> web.Response:
        listener = self._supervisor(request)
        days = self._days(request)
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(csv_rows(days, self._outcomes))
        self._audit.record(listener.username, "export", "stats.csv")
        name = f"relais-{days[0].day.isoformat()}-{days[-1].day.isoformat()}.csv"
        return web.Response(
            text=out.getvalue(),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def claim(self, request: web.Request) -> web.Response:
        listener = self._caller(request, write=True)
        handoff = self._apply(lambda: self._queue.claim(self._id(request), listener))
        self._audit.record(listener.username, "claim", f"request:{handoff.id}")
        self._desk.events.publish("claimed", request=handoff.public())
        await self._tell_teen(self._announcer.joined(handoff, listener))
        return web.json_response({"request": handoff.public()})

    async def message(self, request: web.Request) -> web.Response:
        listener = self._caller(request, write=True)
        text = _text(await _json(request), "text")
        handoff = self._request(request)
        if handoff.status != "active" or handoff.listener != listener.username:
            raise api_error(409, "claim this conversation before writing to the teen")
        try:
            await self._relay.from_listener(handoff, text, listener.display_name)
        except CannotReach as error:
            raise api_error(409, f"cannot be sent: {error}") from None
        self._desk.events.publish(
            "listener_message", request_id=handoff.id, listener=listener.username
        )
        return web.json_response({"ok": True})

    async def note(self, request: web.Request) -> web.Response:
        listener = self._caller(request, write=True)
        text = _text(await _json(request), "text")
        handoff = self._request(request)
        if handoff.listener != listener.username and listener.role != "supervisor":
            raise api_error(403, "only the listener holding this conversation can add notes")
        note = self._queue.add_note(handoff.id, listener, text)
        return web.json_response({"note": note})

    async def transfer(self, request: web.Request) -> web.Response:
        listener = self._caller(request, write=True)
        body = await _json(request)
        to_listener = None
        if body.get("to_listener"):
            to_listener = self._listeners.get(str(body["to_listener"]))
            if to_listener is None:
                raise api_error(400, f"no listener named {body['to_listener']!r}")
        to_skill = body.get("to_skill")
        if to_skill is not None and to_skill not in self._skills:
            raise api_error(400, f"to_skill must be one of {', '.join(self._skills)}")
        handoff = self._apply(
            lambda: self._queue.transfer(self._id(request), listener, to_listener, to_skill)
        )
        self._audit.record(listener.username, "transfer", f"request:{handoff.id}")
        self._desk.events.publish("transferred", request=handoff.public())
        await self._tell_teen(self._announcer.transferred(handoff, listener, to_listener))
        return web.json_response({"request": handoff.public()})

    async def close(self, request: web.Request) -> web.Response:
        listener = self._caller(request, write=True)
        body = await _json(request)
        outcome = body.get("outcome")
        if outcome not in self._outcomes:
            raise api_error(400, f"outcome must be one of {', '.join(self._outcomes)}")
        note = body.get("note")
        if note is not None and not isinstance(note, str):
            raise api_error(400, "note must be text")
        handoff = self._apply(lambda: self._queue.close(self._id(request), listener, outcome, note))
        self._audit.record(listener.username, "close", f"request:{handoff.id}")
        self._desk.events.publish("closed", request=handoff.public())
        await self._tell_teen(self._announcer.closed(handoff, listener))
        return web.json_response({"request": handoff.public()})

    async def presence(self, request: web.Request) -> web.Response:
        listener = self._caller(request, write=True)
        status = (await _json(request)).get("status")
        if status not in PRESENCES:
            raise api_error(400, f"status must be one of {', '.join(PRESENCES)}")
        updated = self._listeners.set_presence(listener.username, status)
        self._desk.events.publish("presence", listener=_listener_json(updated))
        return web.json_response({"listener": _listener_json(updated)})

    async def events(self, request: web.Request) -> web.WebSocketResponse:
        """Live events for a signed-in listener's console. The stream ends when the session
        does (sign-out or inactivity); when a listener's last console closes, they are shown
        offline rather than available to a queue nobody is watching."""
        listener = self._caller(request)
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise api_error(403, "events are only for the console's own pages")
        token = request.cookies.get(COOKIE, "")
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        queue = self._desk.events.subscribe()
        self._watching[listener.username] = self._watching.get(listener.username, 0) + 1
        reader = asyncio.ensure_future(_until_closed(ws))
        try:
            while not reader.done() and self._sessions.alive(token):
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait(
                    {getter, reader}, timeout=SESSION_CHECK_S, return_when=asyncio.FIRST_COMPLETED
                )
                if getter in done:
                    await ws.send_json(getter.result())
                else:
                    getter.cancel()
        finally:
            reader.cancel()
            self._desk.events.unsubscribe(queue)
            self._stopped_watching(listener.username)
            await ws.close()
        return ws

    def _stopped_watching(self, username: str) -> None:
        self._watching[username] -= 1
        if self._watching[username]:
            return
        del self._watching[username]
        if (person := self._listeners.get(username)) and person.presence != "offline":
            updated = self._listeners.set_presence(username, "offline")
            self._desk.events.publish("presence", listener=_listener_json(updated))

    # Helpers -----------------------------------------------------------------------------

    def _readable(self, request: web.Request, listener: Listener) -> Request:
        handoff = self._request(request)
        if handoff.listener != listener.username and listener.role != "supervisor":
            raise api_error(403, "only the listener holding this conversation can read it")
        return handoff

    def _supervisor(self, request: web.Request) -> Listener:
        listener = self._caller(request)
        if listener.role != "supervisor":
            raise api_error(403, "only supervisors see the figures")
        return listener

    def _days(self, request: web.Request):
        try:
            weeks = int(request.query.get("weeks", DEFAULT_STATS_WEEKS))
        except ValueError:
            raise api_error(400, "weeks must be a whole number") from None
        if not 1 <= weeks <= MAX_STATS_WEEKS:
            raise api_error(400, f"weeks must be from 1 to {MAX_STATS_WEEKS}")
        hours = request.app[SETTINGS].hours
        return last_weeks(request.app[DATABASE], hours, self._desk.clock(), weeks)

    @staticmethod
    def _id(request: web.Request) -> int:
        try:
            return int(request.match_info["request_id"])
        except ValueError:
            raise api_error(404, "no such conversation") from None

    def _request(self, request: web.Request) -> Request:
        return self._apply(lambda: self._queue.get(self._id(request)))

    @staticmethod
    def _apply(action):
        try:
            return action()
        except NotFound as error:
            raise api_error(404, str(error)) from None
        except (AlreadyClaimed, CapacityReached) as error:
            raise api_error(409, str(error)) from None
        except NotHolder as error:
            raise api_error(403, str(error)) from None
        except QueueError as error:
            raise api_error(400, str(error)) from None

    @staticmethod
    async def _tell_teen(announcement) -> None:
        """The listener's action stands even if the teen's channel refuses the notice."""
        try:
            await announcement
        except CannotReach as error:
            log.info("teen not told: %s", error)


def _without_addresses(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attachments by type only: an image's address is given by `reveal`, which audits it."""
    shown = []
    for message in messages:
        attachments = json.loads(message["attachments"] or "null")
        if attachments:
            kinds = [{"type": attachment.get("type")} for attachment in attachments]
            message = {**message, "attachments": json.dumps(kinds)}
        shown.append(message)
    return shown


def _listener_json(listener: Listener) -> dict[str, Any]:
    return {
        "username": listener.username,
        "display_name": listener.display_name,
        "skills": list(listener.skills),
        "role": listener.role,
        "presence": listener.presence,
        "capacity": listener.capacity,
    }


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise api_error(400, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise api_error(400, "the body must be a JSON object")
    return body


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise api_error(400, f"{key} must be non-empty text")
    if len(value) > MAX_TEXT:
        raise api_error(400, f"{key} is limited to {MAX_TEXT} characters")
    return value.strip()


async def _until_closed(ws: web.WebSocketResponse) -> None:
    async for message in ws:
        if message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
            return
