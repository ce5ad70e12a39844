"""The application factory: the one place where Relais's objects are built and wired.

Order as in the Bot Framework samples: settings → storage → state → dialogs → bot → channels →
routes. Resources that must be opened and closed (the database, the HTTP client, workers) each
have one cleanup context.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import aiohttp
from aiohttp import web
from botbuilder.core import BotAdapter, ConversationState, TurnContext
from sqlite_utils import Database

import nlu
from bot.announcer import Announcer
from bot.appkeys import ANNOUNCER, DATABASE, DIRECTLINE, MESSENGER, MESSENGER_OUTBOX, SETTINGS
from bot.channels.directline import CHANNEL_ID as DIRECTLINE_CHANNEL
from bot.channels.directline import DirectLineAdapter, DirectLineChannel, directline_errors
from bot.channels.directline_log import ActivityLog
from bot.channels.directline_tokens import Tokens
from bot.channels.graph import GraphClient
from bot.channels.messenger import MessengerAdapter, MessengerChannel, graph_sender
from bot.channels.messenger_events import CHANNEL_ID as MESSENGER_CHANNEL
from bot.channels.messenger_handover import PageInbox
from bot.console.api import ConsoleApi
from bot.console.pages import ConsolePages, setup_console_pages
from bot.cors import cors_middleware
from bot.database import open_database
from bot.dialogs.crisis import CrisisAnswer
from bot.dialogs.desk import Desk
from bot.dialogs.greeting import Greeting
from bot.dialogs.listener import ListenerRequest
from bot.dialogs.platforms import PlatformSteps
from bot.dialogs.replies import Replies
from bot.dialogs.root import RootDialog
from bot.dialogs.turn import FACTS_KEY
from bot.log_safety import describe
from bot.outbox import Outbox, RetryPolicy
from bot.relais_bot import RelaisBot
from bot.relay import Relay
from bot.retention import Retention
from bot.settings import Settings
from bot.state_storage import SqliteStorage
from bot.texts import Texts, load_texts
from bot.transcript import Transcript, TranscriptMiddleware
from bot.webchat import Webchat
from handoff.audit import Audit
from handoff.clock import utc_now
from handoff.events import EventBus
from handoff.listeners import Listeners
from handoff.queue import HandoffQueue
from handoff.sessions import Sessions

log = logging.getLogger(__name__)

PURGE_EVERY_S = 3600.0
WAIT_NOTICES_EVERY_S = 15.0
DIRECTLINE_PREFIX = "/v3/directline"
# What a page on another origin calls: the chat's protocol, its token and the widget's words.
CORS_PATHS = (DIRECTLINE_PREFIX, "/webchat/token", "/webchat/config.json")


def create_app(settings: Settings, clock: Callable[[], datetime] = utc_now) -> web.Application:
    """Build Relais. `clock` (aware UTC datetimes) is only ever replaced by tests."""
    texts = load_texts(settings.config_dir / "locales", settings.languages, settings.helpline)
    nlu.analyze("")  # load lexicons and model now, not during a teen's first message
    db = open_database(settings.database)

    storage = SqliteStorage(db)
    conversation_state = ConversationState(storage)
    transcript = Transcript(db, clock)
    desk = Desk(HandoffQueue(db, clock), settings.hours, EventBus(), settings.handoff, clock)
    replies = Replies(texts)
    listener = ListenerRequest(replies, desk)
    root = RootDialog(
        replies,
        Greeting(replies),
        CrisisAnswer(replies, listener, desk),
        listener,
        PlatformSteps(replies),
        desk,
    )
    bot = RelaisBot(conversation_state, root, transcript, texts, nlu.analyze)
    relay = Relay(clock)
    announcer = Announcer(relay, texts, desk, storage)
    console = ConsoleApi(
        desk=desk,
        listeners=Listeners(db, settings.handoff.skills),
        sessions=Sessions(db, settings.handoff.session_idle_s, clock),
        audit=Audit(db, clock),
        transcript=transcript,
        relay=relay,
        announcer=announcer,
        outcomes=settings.handoff.outcomes,
        skills=settings.handoff.skills,
    )

    def prepare(channel_id: str, adapter: BotAdapter) -> BotAdapter:
        """What every channel's adapter shares: the transcript, the safe error answer, and
        the relay that lets listeners write through it."""
        adapter.use(TranscriptMiddleware(transcript))
        adapter.on_turn_error = _turn_error_handler(texts, conversation_state, storage)
        relay.register(channel_id, adapter)
        return adapter

    activity_log = ActivityLog(db)
    directline = DirectLineChannel(
        db=db,
        activities=activity_log,
        tokens=Tokens.from_database(db, settings.webchat.token_ttl_s, settings.webchat_token_key),
        adapter=prepare(
            DIRECTLINE_CHANNEL,
            DirectLineAdapter(activity_log, texts.get(texts.default_language, "widget.bot_name")),
        ),
        logic=bot.on_turn,
        settings=settings.webchat,
        secret=settings.webchat_secret,
    )

    app = web.Application(
        middlewares=[
            cors_middleware(settings.webchat.allowed_origins, CORS_PATHS),
            directline_errors,
        ]
    )
    app[SETTINGS] = settings
    app[DATABASE] = db
    app[DIRECTLINE] = directline
    app[ANNOUNCER] = announcer
    app.cleanup_ctx.append(_database(db))
    app.cleanup_ctx.append(
        _retention(
            Retention(
                db, settings.privacy.transcript_days, desk.queue, settings.handoff.session_idle_s
            )
        )
    )
    app.cleanup_ctx.append(_inbox_workers(directline))
    app.cleanup_ctx.append(_every(WAIT_NOTICES_EVERY_S, announcer.notify_waiting))
    _directline_routes(app.router, directline)
    setup_console_pages(app, texts, settings)
    _console_routes(app.router, console)
    Webchat(texts, settings.webchat).add_routes(app.router)
    app.router.add_get("/healthz", healthz)

    secrets = settings.messenger_secrets
    if secrets is None:
        log.warning(
            "Messenger channel off: set MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN,"
            " MESSENGER_PAGE_TOKEN and MESSENGER_APP_ID to turn it on"
        )
        return app

    async def messenger_ctx(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            graph = GraphClient(session, settings.messenger, secrets.page_token)
            policy = RetryPolicy(
                settings.messenger.retry_base_delay_s,
                settings.messenger.retry_max_delay_s,
                settings.messenger.retry_max_attempts,
            )
            outbox = Outbox(db, "messenger", graph_sender(graph), policy)
            adapter = prepare(MESSENGER_CHANNEL, MessengerAdapter(outbox))
            page_inbox = None
            if settings.handoff.messenger_page_inbox:
                page_inbox = PageInbox(graph, desk.queue, desk.events, storage)
            channel = MessengerChannel(
                db=db,
                secrets=secrets,
                adapter=adapter,
                logic=bot.on_turn,
                on_thread_returned=page_inbox.thread_returned if page_inbox else None,
            )
            app[MESSENGER] = channel
            app[MESSENGER_OUTBOX] = outbox
            outbox.resume()
            channel.inbox.resume()
            handing_over = asyncio.create_task(page_inbox.run()) if page_inbox else None
            yield
            if handing_over is not None:
                handing_over.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await handing_over
            await channel.inbox.close()
            await outbox.close()

    app.cleanup_ctx.append(messenger_ctx)
    app.router.add_get("/webhooks/messenger", _messenger_view("verify"))
    app.router.add_post("/webhooks/messenger", _messenger_view("receive"))
    log.info("Messenger channel on: webhook at /webhooks/messenger")
    return app


def _directline_routes(router: web.UrlDispatcher, channel: DirectLineChannel) -> None:
    conversation = DIRECTLINE_PREFIX + "/conversations/{conversation_id}"
    router.add_post("/webchat/token", channel.webchat_token)
    router.add_post(DIRECTLINE_PREFIX + "/tokens/generate", channel.generate_token)
    router.add_post(DIRECTLINE_PREFIX + "/tokens/refresh", channel.refresh_token)
    router.add_post(DIRECTLINE_PREFIX + "/conversations", channel.start_conversation)
    router.add_get(conversation, channel.get_conversation)
    router.add_post(conversation + "/activities", channel.post_activity)
    router.add_get(conversation + "/activities", channel.get_activities)
    router.add_get(conversation + "/stream", channel.stream)


def _console_routes(router: web.UrlDispatcher, api: ConsoleApi) -> None:
    base = "/console/api"
    conversation = base + "/conversations/{request_id}"
    router.add_post(base + "/login", api.login)
    router.add_post(base + "/logout", api.logout)
    router.add_get(base + "/me", api.me)
    router.add_get(base + "/queue", api.queue)
    router.add_get(conversation, api.conversation)
    router.add_post(conversation + "/claim", api.claim)
    router.add_post(conversation + "/messages", api.message)
    router.add_post(conversation + "/notes", api.note)
    router.add_post(conversation + "/transfer", api.transfer)
    router.add_post(conversation + "/close", api.close)
    router.add_post(base + "/presence", api.presence)
    router.add_get(base + "/events", api.events)
    router.add_get(conversation + "/messages", api.new_messages)
    router.add_post(conversation + "/reveal", api.reveal)
    router.add_get(base + "/stats", api.stats)
    router.add_get(base + "/stats.csv", api.stats_csv)
    pages = ConsolePages(api)
    router.add_get("/console", pages.console)
    router.add_get("/console/login", pages.login)
    router.add_get("/console/supervision", pages.supervision)
    router.add_get("/console/static/{name}", pages.asset)


def _turn_error_handler(
    texts: Texts, conversation_state: ConversationState, storage: SqliteStorage
) -> Callable[[TurnContext, Exception], object]:
    async def on_turn_error(turn: TurnContext, error: Exception) -> None:
        # The type only: an exception message could quote what the teen wrote.
        log.error("turn failed: %s", describe(error))
        facts = turn.turn_state.get(FACTS_KEY)
        lang = facts.lang if facts else texts.default_language
        # A broken dialog must not trap the teen's next message: start that conversation afresh.
        await storage.delete([conversation_state.get_storage_key(turn)])
        await turn.send_activity(texts.get(lang, "error.turn"))

    return on_turn_error


def _messenger_view(name: str):
    async def view(request: web.Request) -> web.StreamResponse:
        return await getattr(request.app[MESSENGER], name)(request)

    return view


def _database(db: Database):
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        yield
        db.close()

    return ctx


def _inbox_workers(channel: DirectLineChannel):
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        channel.inbox.resume()
        yield
        await channel.inbox.close()

    return ctx


def _every(seconds: float, job: Callable[[], Awaitable[object]], at_start: bool = False):
    """Run `job` every `seconds` while the app runs (and once at start-up if `at_start`);
    a failure is logged, not fatal."""

    async def forever() -> None:
        first = at_start
        while True:
            if not first:
                await asyncio.sleep(seconds)
            first = False
            try:
                await job()
            except Exception as error:
                log.error(
                    "periodic job %s failed: %s", getattr(job, "__qualname__", job), describe(error)
                )

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(forever())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return ctx


def _retention(retention: Retention):
    """Delete what is past its time at start-up and every hour after."""

    async def purge() -> None:
        counts = retention.purge()
        if counts:
            log.info("retention: %s", ", ".join(f"{n} {table}" for table, n in counts.items()))

    return _every(PURGE_EVERY_S, purge, at_start=True)


async def healthz(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    channels = ["directline"] + (["messenger"] if settings.messenger_secrets else [])
    return web.json_response({"status": "ok", "channels": channels})
