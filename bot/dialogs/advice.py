"""Immediate safety advice for the three people who write: the teen targeted, a witness, a parent.

Each is a waterfall: the advice, one idea per message, evidence always before blocking; then
the offer of a listener, whose answer closes the dialog. Anything else the teen writes at that
point ends the dialog as `UNHANDLED`, so the root dialog answers it as a new message.
"""

from __future__ import annotations

from botbuilder.dialogs import Dialog, DialogTurnResult, WaterfallDialog, WaterfallStepContext

from bot.dialogs.listener import ListenerRequest
from bot.dialogs.platforms import GENERIC, PlatformSteps
from bot.dialogs.replies import Choice, Replies
from bot.dialogs.turn import ASK_LISTENER, NO_THANKS, facts, payload_of

UNHANDLED = "unhandled"
OFFER: list[Choice] = [("choices.listener", ASK_LISTENER), ("choices.no_thanks", NO_THANKS)]
# Intents that change the subject while the bot waits for a platform's name.
OTHER_TOPICS = frozenset(
    {
        "ask_hours",
        "ask_anonymity",
        "ask_is_bot",
        "delete_my_data",
        "parent_concern",
        "witness_concern",
        "greeting",
        "thanks",
        "goodbye",
    }
)


class AdviceDialog(WaterfallDialog):
    """The shared ending: offer a listener, then act on the answer."""

    def __init__(self, dialog_id: str, replies: Replies, listener: ListenerRequest, steps) -> None:
        super().__init__(dialog_id, [*steps, self._offer_answered])
        self.replies = replies
        self._listener = listener

    async def _offer_answered(self, step: WaterfallStepContext) -> DialogTurnResult:
        turn = step.context
        analysis = facts(turn).analysis
        intent = analysis.intent if analysis else None
        if payload_of(turn) == NO_THANKS or intent == "deny":
            await self.replies.say(turn, "info.no_thanks")
            return await step.end_dialog()
        if intent == "affirm":
            await self._listener.run(turn)
            return await step.end_dialog()
        return await step.end_dialog(UNHANDLED)


class VictimDialog(AdviceDialog):
    """Options: `{"steps_only": True}` skips the general advice (the teen asked how to report)."""

    def __init__(self, replies: Replies, listener: ListenerRequest, platforms: PlatformSteps):
        super().__init__(VictimDialog.__name__, replies, listener, [self._advise, self._platform])
        self._platforms = platforms

    async def _advise(self, step: WaterfallStepContext) -> DialogTurnResult:
        turn = step.context
        profile = facts(turn).profile
        profile.role = profile.role or "victim"
        if not (step.options or {}).get("steps_only"):
            await self.replies.say(turn, "victim.stop", "victim.evidence")
        if "images_shared" in profile.harassment:
            await self.replies.say(turn, "victim.images")
        platform = self._platforms.named(turn)
        if platform is None and (step.options or {}).get("steps_only") and profile.platforms:
            platform = profile.platforms[-1]  # "how do I report it?" about the app named before
        if platform:
            return await step.next(platform)
        await self._platforms.ask(turn)
        return Dialog.end_of_turn

    async def _platform(self, step: WaterfallStepContext) -> DialogTurnResult:
        turn = step.context
        chosen = step.result if isinstance(step.result, str) else ""
        platform = self._platforms.named(turn) or (
            chosen if self._platforms.known(chosen) else None  # passed on by the first step
        )
        analysis = facts(turn).analysis
        if platform is None and analysis is not None and analysis.intent in OTHER_TOPICS:
            return await step.end_dialog(UNHANDLED)
        await self._platforms.send(turn, platform or GENERIC)
        await self.replies.say(turn, "victim.adult")
        await self.replies.ask(turn, "info.offer_listener", OFFER)
        return Dialog.end_of_turn


class WitnessDialog(AdviceDialog):
    def __init__(self, replies: Replies, listener: ListenerRequest) -> None:
        super().__init__(WitnessDialog.__name__, replies, listener, [self._advise])

    async def _advise(self, step: WaterfallStepContext) -> DialogTurnResult:
        facts(step.context).profile.role = "witness"
        await self.replies.say(
            step.context, "witness.intro", "witness.dont", "witness.act", "witness.support"
        )
        await self.replies.ask(step.context, "info.offer_listener", OFFER)
        return Dialog.end_of_turn


class ParentDialog(AdviceDialog):
    def __init__(self, replies: Replies, listener: ListenerRequest) -> None:
        super().__init__(ParentDialog.__name__, replies, listener, [self._advise])

    async def _advise(self, step: WaterfallStepContext) -> DialogTurnResult:
        facts(step.context).profile.role = "parent"
        await self.replies.say(
            step.context,
            "parent.intro",
            "parent.listen",
            "parent.evidence",
            "parent.act",
            "parent.help",
        )
        await self.replies.ask(step.context, "info.offer_listener", OFFER)
        return Dialog.end_of_turn
