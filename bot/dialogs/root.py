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
from bot.dialogs.desk import Desk
from bot.dialogs.greeting import Greeting
from bot.dialogs.listener import ListenerRequest
from bot.dialogs.platforms import PlatformSteps
from bot.dialogs.replies import Replies
from bot.dialogs.turn import (
    ASK_LISTENER,
    CANCEL_REQUEST,
    GET_STARTED,
    LEAVE_MESSAGE,
    NO_THANKS,
    PARENT,
    PLATFORM_PREFIX,
    VICTIM,
    WITNESS,
    facts,
)
from bot.transcript import conversation_key

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
        desk: Desk,
    ) -> None:
        super().__init__(RootDialog.__name__)
        self._replies = replies
        self._greeting = greeting
        self._crisis = crisis
        self._listener = listener
        self._desk = desk
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
        request = self._desk.queue.open_for(conversation_key(turn.activity))
        if request is not None:
            self._desk.queue.teen_wrote(request.id)
            self._desk.events.publish(
                "teen_message", request_id=request.id, conversation=request.conversation
            )
            if request.status == "active":  # a listener has it: the bot stays silent
                if info.analysis is not None and info.analysis.urgent:
                    self._listener.record(turn, "urgent")  # the listener is alerted
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
        if request is not None and await self._waiting(turn, request.id):
            return Dialog.end_of_turn
        first_contact = not info.profile.greeted
        if first_contact:
            await self._greeting.introduce(turn)
        if dc.active_dialog is not None and not self._starts_afresh(dc):
            result = await dc.continue_dialog()
            if not (result.status == DialogTurnStatus.Complete and result.result == UNHANDLED):
                return Dialog.end_of_turn
        await dc.cancel_all_dialogs()
        await self._route(dc, first_contact, waiting=request is not None)
        return Dialog.end_of_turn

    async def _waiting(self, turn, request_id: int) -> bool:
        """While the teen waits for a listener: cancel, or where they are in the queue."""
        info = facts(turn)
        intent = info.analysis.intent if info.analysis else None
        if info.payload == CANCEL_REQUEST:
            cancelled = self._desk.queue.cancel(conversation_key(turn.activity))
            if cancelled is not None:
                self._desk.events.publish("cancelled", request=cancelled.public())
            await self._replies.say(turn, "handoff.cancelled")
            return True
        if info.payload == ASK_LISTENER or intent == "ask_listener":
            await self._replies.say(turn, "handoff.already")
            await self._replies.say_text(
                turn, self._desk.position_notice(self._replies.texts, info.lang, request_id)
            )
            return True
        return False

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

    async def _route(self, dc: DialogContext, first_contact: bool, waiting: bool) -> None:
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
        elif payload == LEAVE_MESSAGE:
            await self._listener.leave_message(turn)
        elif (payload or "").startswith(PLATFORM_PREFIX) or intent in STEP_INTENTS:
            await dc.begin_dialog(VictimDialog.__name__, {"steps_only": True})
        elif intent in INFO_ANSWERS:
            await self._replies.say(turn, INFO_ANSWERS[intent])
        elif self._has_media(dc) and not turn.activity.text:
            await self._replies.say(turn, "info.attachment")
        elif waiting:  # words for the listener: keep them, say so once
            await self._acknowledge_kept(turn)
        elif first_contact:
            await self._greeting.menu(turn, "greeting.ask")
        elif intent == "greeting":
            await self._greeting.menu(turn, "greeting.again")
        else:
            await self._greeting.menu(turn, "info.fallback")

    async def _acknowledge_kept(self, turn) -> None:
        request = self._desk.queue.open_for(conversation_key(turn.activity))
        if request is None or "kept" in request.told:
            return
        self._desk.queue.remember_told(request.id, "kept")
        await self._replies.ask(turn, "handoff.kept", [("choices.cancel_request", CANCEL_REQUEST)])

    @staticmethod
    def _has_media(dc: DialogContext) -> bool:
        return any(a.content_type in MEDIA for a in dc.context.activity.attachments or [])
