"""French or English: the bot answers in the language the young person wrote in."""

from __future__ import annotations

from functools import cache

from nlu.resources import load_yaml


@cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    data = load_yaml("language.yml")
    french = frozenset(str(w) for w in data["fr"])
    english = frozenset(str(w) for w in data["en"])
    return french - english, english - french


def detect_language(tokens: list[str]) -> str:
    """ "en" when English marker words outnumber French ones, else "fr" (the default)."""
    french, english = _words()
    fr = sum(1 for t in tokens if t in french)
    en = sum(1 for t in tokens if t in english)
    return "en" if en > fr else "fr"
