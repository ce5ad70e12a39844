"""Sending the bot's sentences, in the teen's language, with buttons when there is a choice."""

from __future__ import annotations

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import ActionTypes, Activity, ActivityTypes, CardAction

from bot.dialogs.turn import ASK_LISTENER, PARENT, VICTIM, WITNESS, facts
from bot.texts import Texts

Choice = tuple[str, str]  # (text key of the button's label, payload)

MENU: list[Choice] = [
    ("choices.victim", VICTIM),
    ("choices.witness", WITNESS),
    ("choices.parent", PARENT),
    ("choices.listener", ASK_LISTENER),
]


class Replies:
    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def text(self, turn: TurnContext, key: str, **values: str) -> str:
        return self.texts.get(facts(turn).lang, key, **values)

    async def say(self, turn: TurnContext, *keys: str, **values: str) -> None:
        """One message per key: one idea per message. Several messages take a moment to arrive
        and read, so the teen sees the bot typing first."""
        if len(keys) > 1:
            await self.typing(turn)
        for key in keys:
            await self.say_text(turn, self.text(turn, key, **values))

    async def typing(self, turn: TurnContext) -> None:
        await turn.send_activity(Activity(type=ActivityTypes.typing))

    async def say_text(self, turn: TurnContext, text: str) -> None:
        await turn.send_activity(MessageFactory.text(text))

    async def ask(self, turn: TurnContext, key: str, choices: list[Choice], **values: str) -> None:
        await self.send_with_choices(turn, self.text(turn, key, **values), choices)

    async def send_with_choices(self, turn: TurnContext, text: str, choices: list[Choice]) -> None:
        actions = card_actions(self.texts, facts(turn).lang, choices)
        await turn.send_activity(MessageFactory.suggested_actions(actions, text))


def card_actions(texts: Texts, lang: str, choices: list[Choice]) -> list[CardAction]:
    """Buttons that show their label, send it as text, and carry the payload as their value
    (Messenger's quick replies, Web Chat's messageBack)."""
    return [
        CardAction(
            type=ActionTypes.message_back,
            title=texts.get(lang, label),
            text=texts.get(lang, label),
            display_text=texts.get(lang, label),
            value={"payload": payload},
        )
        for label, payload in choices
    ]
