"""The Page's Messenger Profile: Get Started button, greeting, persistent menu, ice breakers.

All words come from the locales (`profile.*`, `menu.*`, `ice_breakers.*`); the default
language is Meta's `default` locale, the others are sent under Meta's locale names.
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.turn import ASK_LISTENER, GET_STARTED, PARENT, VICTIM, WITNESS
from bot.texts import Texts

META_LOCALES = {"en": "en_US", "fr": "fr_FR", "es": "es_ES", "de": "de_DE", "it": "it_IT"}
MENU = (
    ("menu.listener", ASK_LISTENER),
    ("menu.victim", VICTIM),
    ("menu.witness", WITNESS),
    ("menu.parent", PARENT),
)
ICE_BREAKERS = (
    ("ice_breakers.victim", VICTIM),
    ("ice_breakers.witness", WITNESS),
    ("ice_breakers.parent", PARENT),
    ("ice_breakers.listener", ASK_LISTENER),
)


def profile_body(texts: Texts) -> dict[str, Any]:
    locales = [("default", texts.default_language)] + [
        (META_LOCALES.get(lang, lang), lang)
        for lang in texts.languages
        if lang != texts.default_language
    ]
    return {
        "get_started": {"payload": GET_STARTED},
        "greeting": [
            {"locale": meta, "text": texts.get(lang, "profile.greeting")} for meta, lang in locales
        ],
        "persistent_menu": [
            {
                "locale": meta,
                "composer_input_disabled": False,
                "call_to_actions": [
                    {"type": "postback", "title": texts.get(lang, key), "payload": payload}
                    for key, payload in MENU
                ],
            }
            for meta, lang in locales
        ],
        "ice_breakers": [
            {
                "locale": meta,
                "call_to_actions": [
                    {"question": texts.get(lang, key), "payload": payload}
                    for key, payload in ICE_BREAKERS
                ],
            }
            for meta, lang in locales
        ],
    }
