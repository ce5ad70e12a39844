"""Intent model: accuracy on held-out examples, deterministic training, the committed model."""

from __future__ import annotations

import json

import pytest

from nlu import INTENTS, analyze
from nlu.evaluation import TARGET_INTENT_ACCURACY, evaluate_intents
from nlu.intents import load_examples, train
from nlu.resources import MODEL_PATH


def test_every_intent_has_examples() -> None:
    counts = {intent: 0 for intent in INTENTS}
    for intent, _ in load_examples():
        counts[intent] += 1
    assert min(counts.values()) >= 25, counts


def test_held_out_accuracy() -> None:
    report = evaluate_intents()
    assert report.accuracy >= TARGET_INTENT_ACCURACY, report.errors


def test_committed_model_is_what_train_builds() -> None:
    built = train(load_examples())
    committed = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert built == committed, "run `python -m nlu train` and commit nlu/model/intents.json"


def test_typical_messages() -> None:
    assert analyze("slt").intent == "greeting"
    assert analyze("comment bloquer qqn sur insta").intent == "ask_how_to_block"
    assert analyze("vous etes ouverts le dimanche ?").intent == "ask_hours"
    assert analyze("ma fille est harcelée sur snap").intent == "parent_concern"
    assert analyze("are you a bot").intent == "ask_is_bot"
    assert 0.0 <= analyze("blabla").confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i need a real person", "ask_listener"),
        ("je veux parler a un humain", "ask_listener"),
        ("je peux parler a qqn ?", "ask_listener"),
        ("besoin d'aide", "ask_listener"),
        ("are you open on weekends", "ask_hours"),
        ("c'est ouvert le dimanche ?", "ask_hours"),
        ("je veux rester anonyme", "ask_anonymity"),
        ("t'es un robot ?", "ask_is_bot"),
        ("on m'insulte sur snap", "describe_harassment"),
    ],
)
def test_messages_that_matter_most(text: str, intent: str) -> None:
    assert analyze(text).intent == intent
