"""The application factory: the one place where Relais's objects are built and wired.

Order as in the Bot Framework samples: settings → storage → state → dialogs → bot → channels →
routes. Resources that must be opened and closed (the database, the HTTP client, workers) each
have one cleanup context.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web
from botbuilder.core import BotAdapter, ConversationState, TurnContext
from sqlite_utils import Database

import nlu
from bot.appkeys import DATABASE, DIRECTLINE, MESSENGER, MESSENGER_OUTBOX, SETTINGS
from bot.channels.directline import DirectLineAdapter, DirectLineChannel, directline_errors
from bot.channels.directline_log import ActivityLog
from bot.channels.directline_tokens import Tokens
from bot.channels.graph import GraphClient
from bot.channels.messenger import MessengerAdapter, MessengerChannel, graph_sender
from bot.cors import cors_middleware
from bot.database import open_database
from bot.dialogs.crisis import CrisisAnswer
from bot.dialogs.greeting import Greeting
from bot.dialogs.listener import ListenerRequest
from bot.dialogs.platforms import PlatformSteps
from bot.dialogs.replies import Replies
from bot.dialogs.root import RootDialog
from bot.dialogs.turn import FACTS_KEY
from bot.outbox import Outbox, RetryPolicy
from bot.relais_bot import RelaisBot
from bot.settings import Settings
from bot.state_storage import SqliteStorage
from bot.texts import Texts, load_texts
from bot.transcript import Transcript, TranscriptMiddleware
from bot.webchat import Webchat
from handoff.requests import HandoffRequests

log = logging.getLogger(__name__)

PURGE_EVERY_S = 3600.0
DIRECTLINE_PREFIX = "/v3/directline"


def create_app(settings: Settings) -> web.Application:
    texts = load_texts(settings.config_dir / "locales", settings.languages, settings.helpline)
    nlu.analyze("")  # load lexicons and model now, not during a teen's first message
    db = open_database(settings.database)

    storage = SqliteStorage(db)
    conversation_state = ConversationState(storage)
    transcript = Transcript(db)
    replies = Replies(texts)
    listener = ListenerRequest(replies, HandoffRequests(db))
    root = RootDialog(
        replies,
        Greeting(replies),
        CrisisAnswer(replies, listener),
        listener,
        PlatformSteps(replies),
    )
    bot = RelaisBot(conversation_state, root, transcript, texts, nlu.analyze)

    def prepare(adapter: BotAdapter) -> BotAdapter:
        """What every channel's adapter shares: the transcript and the safe error answer."""
        adapter.use(TranscriptMiddleware(transcript))
        adapter.on_turn_error = _turn_error_handler(texts, conversation_state, storage)
        return adapter

    activity_log = ActivityLog(db)
    directline = DirectLineChannel(
        db=db,
        activities=activity_log,
        tokens=Tokens.from_database(db, settings.webchat.token_ttl_s, settings.webchat_token_key),
        adapter=prepare(
            DirectLineAdapter(activity_log, texts.get(texts.default_language, "widget.bot_name"))
        ),
        logic=bot.on_turn,
        settings=settings.webchat,
        secret=settings.webchat_secret,
    )

    app = web.Application(
        middlewares=[
            cors_middleware(
                settings.webchat.allowed_origins, (DIRECTLINE_PREFIX, "/webchat/token")
            ),
            directline_errors,
        ]
    )
    app[SETTINGS] = settings
    app[DATABASE] = db
    app[DIRECTLINE] = directline
    app.cleanup_ctx.append(_database(db))
    app.cleanup_ctx.append(
        _retention(settings.privacy.transcript_days, transcript.purge, activity_log.purge)
    )
    app.cleanup_ctx.append(_inbox_workers(directline))
    _directline_routes(app.router, directline)
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
            adapter = prepare(MessengerAdapter(outbox))
            channel = MessengerChannel(db=db, secrets=secrets, adapter=adapter, logic=bot.on_turn)
            app[MESSENGER] = channel
            app[MESSENGER_OUTBOX] = outbox
            outbox.resume()
            channel.inbox.resume()
            yield
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


def _turn_error_handler(
    texts: Texts, conversation_state: ConversationState, storage: SqliteStorage
) -> Callable[[TurnContext, Exception], object]:
    async def on_turn_error(turn: TurnContext, error: Exception) -> None:
        # The type only: an exception message could quote what the teen wrote.
        log.error("turn failed: %s", type(error).__name__, exc_info=error)
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


def _retention(days: int, *purges: Callable[[int], int]):
    """Delete conversations idle for more than `days` at start-up and every hour after."""

    async def purge_forever() -> None:
        while True:
            deleted = sum(purge(days) for purge in purges)
            if deleted:
                log.info("retention: deleted %d rows idle for more than %d days", deleted, days)
            await asyncio.sleep(PURGE_EVERY_S)

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(purge_forever())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return ctx


async def healthz(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    channels = ["directline"] + (["messenger"] if settings.messenger_secrets else [])
    return web.json_response({"status": "ok", "channels": channels})
