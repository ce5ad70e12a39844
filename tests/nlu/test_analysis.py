"""analyze() never raises, whatever the text; its result is frozen and JSON-ready."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu import INTENTS, SIGNALS, Analysis, analyze


def check(result: Analysis, text: str) -> None:
    assert isinstance(result, Analysis)
    assert result.urgent == bool(result.signals)
    assert set(result.signals) <= set(SIGNALS)
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0
    assert result.language in ("fr", "en")
    for evidence in result.evidence:
        assert 0 <= evidence.start <= evidence.end <= len(text)
        assert text[evidence.start : evidence.end] == evidence.text
    json.dumps(result.to_dict())


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text(text: str) -> None:
    check(analyze(text), text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["So", "Sk", "Cc", "Cf", "Zs"])))
def test_emoji_symbols_and_control_characters(text: str) -> None:
    check(analyze(text), text)


MIXED = [
    "je",
    "veux",
    "mourir",
    "pas",
    "😂",
    "кys",
    "死",
    "مرحبا",
    "\x00",
    "kys",
    "ptdr",
    "\u200d",
    "é",
    "'",
    "…",
    "me",
    "tuer",
]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(MIXED), max_size=30))
def test_mixed_scripts_and_lexicon_words(words: list[str]) -> None:
    text = " ".join(words)
    check(analyze(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\t",
        "😂" * 50,
        "\x00\x01\x1b[31m",
        "a" * 10_000,
        "je veux mourir " * 700,
        "İ̇stanbul ǅ ß ﬁ",
        "\ud800",
        "jveux\u200bplu\u200bvivre",
    ],
)
def test_edge_cases(text: str) -> None:
    check(analyze(text), text)


def test_a_long_message_is_still_read() -> None:
    text = "blabla " * 1400 + "je veux mourir"
    assert analyze(text).urgent


def test_result_is_frozen() -> None:
    result = analyze("salut")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.urgent = True  # type: ignore[misc]


def test_to_dict_shape() -> None:
    data = analyze("jveux plu vivre, ils m'insultent sur insta").to_dict()
    assert set(data) == {
        "urgent",
        "signals",
        "evidence",
        "intent",
        "confidence",
        "entities",
        "language",
    }
    assert data["urgent"] is True
    assert data["evidence"][0]["signal"] == "suicidal_ideation"
    assert data["entities"]["platform"] == ["instagram"]
