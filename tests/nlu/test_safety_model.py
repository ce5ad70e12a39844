"""The learned half of the detector and how it is combined with the rules."""

from __future__ import annotations

import json

import pytest

from nlu import Evidence, analyze
from nlu.normalize import normalize
from nlu.resources import DATA_DIR, SAFETY_MODEL_PATH
from nlu.safety import detect, model_hit
from nlu.safety_model import LABELS, SafetyModel, load_model, train, training_pairs

# a wording no rule lists and no labelled file holds: pills counted to "not wake up"
PARAPHRASE = "jsuis allée voir combien de medocs ca prend pour pas se reveiller"


def _toy_model() -> SafetyModel:
    """A model that (wrongly) reads "meurs" as suicidal and "lame" as self-harm."""
    row = {label: [0.0] * len(LABELS) for label in ("w:meurs", "w:lame", "bias")}
    row["w:meurs"][LABELS.index("suicidal_ideation")] = 6.0
    row["w:lame"][LABELS.index("self_harm")] = 6.0
    row["bias"][0] = 2.0
    return SafetyModel(LABELS, 0.6, row)


def test_model_catches_a_paraphrase_the_rules_miss() -> None:
    assert detect(normalize(PARAPHRASE), use_model=False) == []
    result = analyze(PARAPHRASE)
    assert result.urgent
    assert result.signals == ("suicidal_ideation",)
    assert result.evidence


def test_evidence_of_the_model_maps_to_the_original_text() -> None:
    result = analyze(PARAPHRASE.upper().replace("A", "À", 1))
    assert result.evidence
    for evidence in result.evidence:
        assert evidence.text
        assert result_text(PARAPHRASE.upper().replace("A", "À", 1), evidence) == evidence.text
        assert evidence.signal == result.signals[0]


def result_text(text: str, evidence: Evidence) -> str:
    return text[evidence.start : evidence.end]


def test_evidence_is_made_of_whole_words_that_push_the_signal() -> None:
    norm = normalize("ptdr je meurs, jai cache une Lame")
    hit = model_hit(norm, _toy_model())
    assert hit is not None and hit.learned and hit.signal == "self_harm"
    (start, end), *_ = hit.spans
    a, b = norm.span(start, end)
    assert norm.original[a:b] == "Lame"


@pytest.mark.parametrize(
    "text", ["ptdr je meurs", "je meurs de rire 😂", "mdr je meurs trop", "je meurs de faim"]
)
def test_an_explicit_idiom_silences_the_model(text: str) -> None:
    model = _toy_model()
    assert model.alarm(normalize(text).text) is not None, "the toy model fires on its own"
    assert model_hit(normalize(text), model) is None


def test_an_idiom_silences_only_its_own_words() -> None:
    hit = model_hit(normalize("ptdr je meurs, jai une lame au cas ou"), _toy_model())
    assert hit is not None and hit.signal == "self_harm"


def test_a_negation_does_not_silence_the_model() -> None:
    # "je veux pas mourir" is an "unless" of the rules, not an idiom: the model still decides
    hit = model_hit(normalize("je veux pas mourir mais je meurs a petit feu"), _toy_model())
    assert hit is not None


@pytest.mark.parametrize(
    "text",
    ["ptdr je meurs", "mdr jsuis morte 😂", "ma daronne va me tuer si elle voit ca", "bonjour"],
)
def test_idioms_and_small_talk_stay_quiet(text: str) -> None:
    assert not analyze(text).urgent


def test_rules_keep_the_main_signal_when_they_fire() -> None:
    result = analyze("ils me disent de me suicider")
    assert result.signals[0] == "suicide_incitement"
    assert not detect(normalize("ils me disent de me suicider"))[0].learned


def test_training_is_deterministic() -> None:
    pairs = training_pairs()[::7]
    assert json.dumps(train(pairs)) == json.dumps(train(list(pairs)))


def test_committed_model_is_what_train_builds() -> None:
    built = train(training_pairs(DATA_DIR))
    committed = json.loads(SAFETY_MODEL_PATH.read_text(encoding="utf-8"))
    assert built == committed, "run `python -m nlu train` and commit nlu/model/safety.json"


def test_model_file_is_small_and_loads() -> None:
    assert SAFETY_MODEL_PATH.stat().st_size < 3_000_000
    model = load_model()
    assert model is not None and model.labels == LABELS
    assert 0.0 < model.threshold < 1.0


def test_sentence_cues_and_skip_pairs_are_features() -> None:
    from nlu.safety_model import features

    feats = features("je serai plus un poids demain")
    assert "s:je_plus" in feats  # two words with one between
    assert "c:burden" in feats and "c:final+self" in feats


def test_suggested_threshold_is_the_lowest_under_the_false_alarm_limit() -> None:
    from nlu.evaluation import CrossValidation, suggested_threshold

    scores = [("none", 0.2, False)] * 90 + [("none", 0.7, False)] * 10
    scores += [("self_harm", 0.9, False)] * 50
    cv = CrossValidation([], scores)
    assert suggested_threshold(cv, limit=0.04) == 0.725  # first grid step above 0.7
    assert suggested_threshold(cv, limit=0.2) == 0.3
