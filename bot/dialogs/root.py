"""The root of every conversation: interruptions first, then the running dialog, then routing.

Order of precedence on each message, safety first:
1. an urgent signal: whatever was running is dropped and the crisis answer goes out at once;
2. "Get Started", or a button or words asking for a listener, a role or a platform: a fresh start
   on that;
3. the running advice dialog, if any, takes the message;
4. otherwise the message is routed by its button or its intent and entities.
The root never ends: a conversation always has somewhere to go.
"""

from __future__ import annotations

from botbuilder.dialogs import ComponentDialog, Dialog, DialogContext, DialogTurnResult
from botbuilder.dialogs.dialog_turn_status import DialogTurnStatus
from botbuilder.schema import ActivityTypes

from bot.dialogs.advice import UNHANDLED, ParentDialog, VictimDialog, WitnessDialog
from bot.dialogs.crisis import CrisisAnswer
from bot.dialogs.greeting import Greeting
from bot.dialogs.listener import ListenerRequest
from bot.dialogs.platforms import PlatformSteps
from bot.dialogs.replies import Replies
from bot.dialogs.turn import (
    ASK_LISTENER,
    GET_STARTED,
    NO_THANKS,
    PARENT,
    PLATFORM_PREFIX,
    VICTIM,
    WITNESS,
    facts,
)

INFO_ANSWERS = {
    "ask_hours": "info.hours",
    "ask_anonymity": "info.anonymity",
    "ask_is_bot": "info.is_bot",
    "delete_my_data": "info.data",
    "thanks": "info.thanks",
    "goodbye": "info.goodbye",
}
ROLE_DIALOGS = {VICTIM: VictimDialog, WITNESS: WitnessDialog, PARENT: ParentDialog}
ROLE_INTENTS = {"witness_concern": WITNESS, "parent_concern": PARENT}
STEP_INTENTS = frozenset({"ask_how_to_report", "ask_how_to_block", "ask_evidence"})
# Attachment types the teen may send as evidence; the bot explains it does not keep images.
MEDIA = frozenset({"image", "video", "file", "audio"})


class RootDialog(ComponentDialog):
    def __init__(
        self,
        replies: Replies,
        greeting: Greeting,
        crisis: CrisisAnswer,
        listener: ListenerRequest,
        platforms: PlatformSteps,
    ) -> None:
        super().__init__(RootDialog.__name__)
        self._replies = replies
        self._greeting = greeting
        self._crisis = crisis
        self._listener = listener
        self.add_dialog(VictimDialog(replies, listener, platforms))
        self.add_dialog(WitnessDialog(replies, listener))
        self.add_dialog(ParentDialog(replies, listener))

    async def on_begin_dialog(self, inner_dc: DialogContext, options: object) -> DialogTurnResult:
        return await self._turn(inner_dc)

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await self._turn(inner_dc)

    async def _turn(self, dc: DialogContext) -> DialogTurnResult:
        turn = dc.context
        info = facts(turn)
        if turn.activity.type != ActivityTypes.message:  # a referral opened the conversation
            if not info.profile.greeted:
                await self._greeting.run(turn)
            return Dialog.end_of_turn
        if info.analysis is not None and info.analysis.urgent:
            await dc.cancel_all_dialogs()
            await self._crisis.run(turn)
            if not info.profile.greeted:
                await self._greeting.introduce(turn)
            return Dialog.end_of_turn
        if info.payload == GET_STARTED:
            await dc.cancel_all_dialogs()
            await self._greeting.run(turn)
            return Dialog.end_of_turn
        first_contact = not info.profile.greeted
        if first_contact:
            await self._greeting.introduce(turn)
        if dc.active_dialog is not None and not self._starts_afresh(dc):
            result = await dc.continue_dialog()
            if not (result.status == DialogTurnStatus.Complete and result.result == UNHANDLED):
                return Dialog.end_of_turn
        await dc.cancel_all_dialogs()
        await self._route(dc, first_contact)
        return Dialog.end_of_turn

    def _starts_afresh(self, dc: DialogContext) -> bool:
        info = facts(dc.context)
        payload = info.payload or ""
        intent = info.analysis.intent if info.analysis else None
        return (
            payload in ROLE_DIALOGS
            or payload == ASK_LISTENER
            or intent == "ask_listener"
            or (
                payload.startswith(PLATFORM_PREFIX) and dc.active_dialog.id != VictimDialog.__name__
            )
        )

    async def _route(self, dc: DialogContext, first_contact: bool) -> None:
        turn = dc.context
        info = facts(turn)
        payload = info.payload
        analysis = info.analysis
        intent = analysis.intent if analysis else None
        role = ROLE_INTENTS.get(intent or "")
        if intent == "describe_harassment" and info.profile.role in ("witness", "parent"):
            role = info.profile.role.upper()
        if payload in ROLE_DIALOGS:
            await dc.begin_dialog(ROLE_DIALOGS[payload].__name__)
        elif role:
            await dc.begin_dialog(ROLE_DIALOGS[role].__name__)
        elif intent == "describe_harassment":
            await dc.begin_dialog(VictimDialog.__name__)
        elif payload == ASK_LISTENER or intent == "ask_listener":
            await self._listener.run(turn)
        elif payload == NO_THANKS:
            await self._replies.say(turn, "info.no_thanks")
        elif (payload or "").startswith(PLATFORM_PREFIX) or intent in STEP_INTENTS:
            await dc.begin_dialog(VictimDialog.__name__, {"steps_only": True})
        elif intent in INFO_ANSWERS:
            await self._replies.say(turn, INFO_ANSWERS[intent])
        elif self._has_media(dc) and not turn.activity.text:
            await self._replies.say(turn, "info.attachment")
        elif first_contact:
            await self._greeting.menu(turn, "greeting.ask")
        elif intent == "greeting":
            await self._greeting.menu(turn, "greeting.again")
        else:
            await self._greeting.menu(turn, "info.fallback")

    @staticmethod
    def _has_media(dc: DialogContext) -> bool:
        return any(a.content_type in MEDIA for a in dc.context.activity.attachments or [])
