"""First contact: who the bot is, that it is anonymous and where that ends, and the choices."""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.dialogs.replies import MENU, Replies
from bot.dialogs.turn import facts


class Greeting:
    def __init__(self, replies: Replies) -> None:
        self._replies = replies

    async def introduce(self, turn: TurnContext) -> None:
        """Say it is a bot and that it is anonymous, once per conversation."""
        await self._replies.say(turn, "greeting.hello", "greeting.anonymous")
        facts(turn).profile.greeted = True

    async def run(self, turn: TurnContext) -> None:
        await self.introduce(turn)
        await self._replies.ask(turn, "greeting.ask", MENU)

    async def menu(self, turn: TurnContext, key: str) -> None:
        await self._replies.ask(turn, key, MENU)
