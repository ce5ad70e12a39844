"""The one bot behind every channel: analyse each message, then let the dialogs answer.

Kept thin on purpose (as in the Bot Framework samples): it reads the message once through the
safety and language analysis, records it in the transcript, picks the language, runs the root
dialog and saves the conversation state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from botbuilder.core import ActivityHandler, ConversationState, TurnContext
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import ChannelAccount

from bot.dialogs.root import RootDialog
from bot.dialogs.turn import FACTS_KEY, Profile, TurnFacts, payload_of
from bot.texts import Texts
from bot.transcript import Transcript
from nlu import Analysis

# A message this long (in words) is enough to switch language; shorter ones ("ok") are not.
SWITCH_LANGUAGE_WORDS = 3


class RelaisBot(ActivityHandler):
    def __init__(
        self,
        conversation_state: ConversationState,
        root: RootDialog,
        transcript: Transcript,
        texts: Texts,
        analyze: Callable[[str], Analysis],
    ) -> None:
        self._state = conversation_state
        self._profile = conversation_state.create_property("Profile")
        self._dialogs = DialogSet(conversation_state.create_property("DialogState"))
        self._dialogs.add(root)
        self._root_id = root.id
        self._transcript = transcript
        self._texts = texts
        self._analyze = analyze

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self._state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        text = (turn_context.activity.text or "").strip()
        analysis = self._analyze(text) if text else None
        self._transcript.record(
            turn_context.activity, "user", analysis.to_dict() if analysis else None
        )
        await self._run(turn_context, analysis)

    async def on_event_activity(self, turn_context: TurnContext) -> None:
        await self._run(turn_context, None)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """The site chat opened: greet before the visitor types."""
        await self._run(turn_context, None)

    async def _run(self, turn: TurnContext, analysis: Analysis | None) -> None:
        stored = await self._profile.get(turn, dict)
        profile = Profile(**stored) if stored else Profile(lang=self._first_language(turn))
        if analysis is not None:
            profile.learn(analysis)
            profile.lang = self._language(profile, analysis, turn.activity.text or "")
        turn.turn_state[FACTS_KEY] = TurnFacts(profile.lang, payload_of(turn), analysis, profile)
        dc = await self._dialogs.create_context(turn)
        result = await dc.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dc.begin_dialog(self._root_id)
        await self._profile.set(turn, dataclasses.asdict(profile))

    def _first_language(self, turn: TurnContext) -> str:
        """The page's language when the site chat says it (`locale` "en-GB"), else the default."""
        locale = (turn.activity.locale or "").split("-")[0].lower()
        return self._texts.language(locale)

    def _language(self, profile: Profile, analysis: Analysis, text: str) -> str:
        """Follow the teen's language, but not on a word or two that any language shares."""
        detected = analysis.language
        if detected == profile.lang or detected not in self._texts.languages:
            return profile.lang
        if not profile.greeted or len(text.split()) >= SWITCH_LANGUAGE_WORDS:
            return detected
        return profile.lang
