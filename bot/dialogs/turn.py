"""What the bot learned about the current message, shared by every dialog of the turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import TurnContext

from nlu import Analysis

FACTS_KEY = "relais.turn_facts"

# Button payloads; Messenger's quick replies, postbacks and menu carry them, so do the web chat's.
GET_STARTED = "GET_STARTED"
VICTIM = "VICTIM"
WITNESS = "WITNESS"
PARENT = "PARENT"
ASK_LISTENER = "ASK_LISTENER"
NO_THANKS = "NO_THANKS"
CANCEL_REQUEST = "CANCEL_REQUEST"
LEAVE_MESSAGE = "LEAVE_MESSAGE"
PLATFORM_PREFIX = "PLATFORM:"


@dataclass
class Profile:
    """What the bot keeps about a conversation: nothing that identifies the teen."""

    lang: str
    greeted: bool = False
    role: str | None = None
    platforms: list[str] = field(default_factory=list)
    harassment: list[str] = field(default_factory=list)

    def learn(self, analysis: Analysis) -> None:
        for platform in analysis.entities.get("platform", []):
            if platform not in self.platforms:
                self.platforms.append(platform)
        for kind in analysis.entities.get("harassment", []):
            if kind not in self.harassment:
                self.harassment.append(kind)
        roles = analysis.entities.get("role", [])
        if roles:
            self.role = roles[0]

    def triage(self) -> dict[str, Any]:
        return {"role": self.role, "platforms": self.platforms, "harassment": self.harassment}


@dataclass
class TurnFacts:
    lang: str
    payload: str | None
    analysis: Analysis | None
    profile: Profile


def facts(turn: TurnContext) -> TurnFacts:
    return turn.turn_state[FACTS_KEY]


def payload_of(turn: TurnContext) -> str | None:
    value = turn.activity.value
    if isinstance(value, dict) and isinstance(value.get("payload"), str):
        return value["payload"]
    return None
