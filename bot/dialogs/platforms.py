"""Platform-specific steps to keep evidence, block and report, from `platforms.*` in the locales."""

from __future__ import annotations

from botbuilder.core import TurnContext

from bot.dialogs.replies import Choice, Replies
from bot.dialogs.turn import PLATFORM_PREFIX, facts, payload_of

GENERIC = "generic"
# The buttons offered when the teen has not named a platform (Messenger shows at most 13).
OFFERED = ("instagram", "snapchat", "tiktok", "whatsapp", "discord", "facebook", "x", "youtube")
STEPS = ("evidence", "block", "report")


class PlatformSteps:
    def __init__(self, replies: Replies) -> None:
        self._replies = replies

    def known(self, platform: str) -> bool:
        return self._replies.texts.has(f"platforms.{platform}.name")

    def named(self, turn: TurnContext) -> str | None:
        """The platform this message names: a button's payload, else the first one written."""
        payload = payload_of(turn)
        if payload and payload.startswith(PLATFORM_PREFIX):
            platform = payload.removeprefix(PLATFORM_PREFIX)
            return platform if self.known(platform) else GENERIC
        analysis = facts(turn).analysis
        for platform in analysis.entities.get("platform", []) if analysis else []:
            if self.known(platform):
                return platform
        return None

    async def ask(self, turn: TurnContext) -> None:
        choices: list[Choice] = [
            (f"platforms.{platform}.name", PLATFORM_PREFIX + platform) for platform in OFFERED
        ]
        choices.append(("choices.other_platform", PLATFORM_PREFIX + GENERIC))
        await self._replies.ask(turn, "victim.ask_platform", choices)

    async def send(self, turn: TurnContext, platform: str) -> None:
        name = self._replies.text(turn, f"platforms.{platform}.name")
        await self._replies.typing(turn)
        for step in STEPS:
            title = self._replies.text(turn, f"platform.{step}", platform=name)
            steps = self._replies.text(turn, f"platforms.{platform}.{step}")
            await self._replies.say_text(turn, f"{title}\n{steps}")
