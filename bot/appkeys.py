"""Typed keys for what the application holds (aiohttp warns on plain string keys)."""

from __future__ import annotations

from aiohttp import web
from sqlite_utils import Database

from bot.announcer import Announcer
from bot.channels.directline import DirectLineChannel
from bot.channels.messenger import MessengerChannel
from bot.outbox import Outbox
from bot.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
DIRECTLINE = web.AppKey("directline", DirectLineChannel)
MESSENGER = web.AppKey("messenger", MessengerChannel)
MESSENGER_OUTBOX = web.AppKey("messenger_outbox", Outbox)
ANNOUNCER = web.AppKey("announcer", Announcer)
