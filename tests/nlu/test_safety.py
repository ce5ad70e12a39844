"""Urgent signals: each one, its idioms and negations, evidence in the original text."""

from __future__ import annotations

import pytest

from nlu import SIGNALS, analyze


def main_signal(text: str) -> str:
    result = analyze(text)
    return result.signals[0] if result.signals else "none"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        # suicidal ideation, in SMS spelling, English, and about a friend
        ("jveux plu vivre", "suicidal_ideation"),
        ("g envi de disparaitre pour de bon", "suicidal_ideation"),
        ("jsuis fatiguee de vivre", "suicidal_ideation"),
        ("je vais m0urir ce soir, j'ai tout préparé", "suicidal_ideation"),
        ("j'ai avalé toute une plaquette de somnifères", "suicidal_ideation"),
        ("i just wanna die", "suicidal_ideation"),
        ("ma pote veut se suicider", "suicidal_ideation"),
        ("my bro talks about killing himself", "suicidal_ideation"),
        # incitement: what others tell the young person
        ("on me dit kys en mp", "suicide_incitement"),
        ("ils m'écrivent pends-toi", "suicide_incitement"),
        ("ils disent que je devrais me foutre en l'air", "suicide_incitement"),
        ("they keep telling me to kill myself", "suicide_incitement"),
        # self-harm
        ("je me scarifie le soir", "self_harm"),
        ("jme suis coupée les poignets", "self_harm"),
        ("i burn myself with a lighter", "self_harm"),
        # sextortion
        ("il menace de balancer mes nudes", "sextortion"),
        ("il veut 100 euros sinon il poste la video", "sextortion"),
        ("he's blackmailing me with my pics", "sextortion"),
        # violence
        ("ils vont me tabasser demain", "violence_threat"),
        ("on a mis mon adresse en ligne avec des menaces", "violence_threat"),
        ("he said he's gonna stab me", "violence_threat"),
        ("je vais tuer mon frère s'il touche à ma console", "violence_threat"),
        # grooming
        ("un homme de 40 ans veut me voir en secret", "grooming"),
        ("a grown man keeps asking for pics of me", "grooming"),
    ],
)
def test_signal_is_raised(text: str, signal: str) -> None:
    assert main_signal(text) == signal


@pytest.mark.parametrize(
    "text",
    [
        "ptdr je meurs",
        "je suis morte de rire",
        "je crève de chaud",
        "jsuis crevé",
        "mon père va me tuer si je rentre tard",
        "ma mère va me tuer quand elle verra mes notes",
        "ce boss m'a tué",
        "j'ai tué tout le monde à la partie d'hier",
        "i'm dying of laughter",
        "that joke killed me",
        "this homework is killing me",
        "je me suis coupé le doigt en cuisinant",
        "je me coupe les cheveux",
        "il m'a menacé de me bloquer",
        "je veux en finir avec ce harcèlement",
        "je veux disparaître des réseaux",
        "on a fait un exposé sur le suicide",
        "une photo de moi moche circule",
        "ils m'insultent sur snap",
    ],
)
def test_idioms_and_ordinary_harassment_raise_no_alarm(text: str) -> None:
    assert analyze(text).signals == ()


@pytest.mark.parametrize(
    "text",
    [
        "je veux pas mourir",
        "t'inquiète je vais pas me suicider",
        "i'm not going to kill myself",
        "je suis pas suicidaire",
    ],
)
def test_a_negated_phrase_is_not_an_alarm(text: str) -> None:
    assert not analyze(text).urgent


@pytest.mark.parametrize(
    "text",
    [
        "je veux pas vivre comme ça",  # negating life is the alarm itself
        "je ne veux plus vivre",
        "je suis pas suicidaire mais je pense à mourir",  # the rest of the message still counts
        "je veux pas mourir mais j'ai envie de me pendre",
    ],
)
def test_negation_does_not_hide_what_is_said_around_it(text: str) -> None:
    assert analyze(text).signals[0] == "suicidal_ideation"


def test_a_joke_cancels_a_weak_phrase_but_not_a_strong_one() -> None:
    assert not analyze("je vais mourir si je rate le bus mdr").urgent
    assert analyze("mdr je veux me suicider").urgent


def test_incitement_is_not_read_as_the_writers_own_wish() -> None:
    assert analyze("ils me disent de me suicider").signals == ("suicide_incitement",)


def test_the_main_signal_comes_first() -> None:
    result = analyze("on me dit kys et franchement je veux mourir")
    assert result.signals == ("suicidal_ideation", "suicide_incitement")


def test_evidence_points_into_the_original_text() -> None:
    text = "bon ben jveux plu vivre 😭"
    result = analyze(text)
    assert result.evidence
    for evidence in result.evidence:
        assert evidence.signal in SIGNALS
        assert text[evidence.start : evidence.end] == evidence.text
    assert "jveux plu vivre" in result.evidence[0].text


def test_every_signal_has_evidence() -> None:
    result = analyze("il menace de publier mes nudes et dit qu'il va me frapper")
    assert set(result.signals) == {"sextortion", "violence_threat"}
    assert {e.signal for e in result.evidence} == set(result.signals)
