"""Normalisation: teen spellings become one canonical form; offsets lead back to the original."""

from __future__ import annotations

import pytest

from nlu.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Je VEUX", "je veux"),
        ("été à l'école", "ete a l ecole"),
        ("nooon", "non"),
        ("MOURRRRIR", "mourir"),
        ("jveux plu vivre", "je veux plus vivre"),
        ("g envi", "j ai envie"),
        ("pk tkt", "pourquoi t inquiete"),
        ("jai envi de mourrir", "j ai envie de mourir"),
        ("m0urir", "mourir"),
        ("su1c1de", "suicide"),
        ("j’ai", "j ai"),
        ("pends-toi", "pends toi"),
        ("  trop   d'espaces  ", "trop d espaces"),
        ("3114", "3114"),
        ("12 ans", "12 ans"),
        ("im gonna", "i m going to"),
        ("ptdr 😂", "ptdr mdr"),
        ("🔪", "couteau"),
        ("cœur", "coeur"),
        ("ｆｕｌｌ", "full"),
    ],
)
def test_canonical_form(raw: str, canonical: str) -> None:
    assert normalize(raw).text == canonical


@pytest.mark.parametrize(
    "raw", ["jveux plu vivre", "Je VEUX MOURRRIR 😭", "été", "g envi", "a 🔪 b", "a🔪b"]
)
def test_every_canonical_character_maps_into_the_original(raw: str) -> None:
    norm = normalize(raw)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for char, start, end in zip(norm.text, norm.starts, norm.ends, strict=True):
        assert 0 <= start <= end <= len(raw)
        assert char == " " or start < end  # a space between words may stand for nothing


def test_span_of_an_expanded_word_is_the_word_as_written() -> None:
    raw = "bon jveux plu vivre"
    norm = normalize(raw)
    start = norm.text.index("je veux")
    a, b = norm.span(start, start + len("je veux plus vivre"))
    assert raw[a:b] == "jveux plu vivre"


def test_span_keeps_accents_and_repeated_letters_of_the_original() -> None:
    raw = "J'ai envie de MOURRRIR !!"
    norm = normalize(raw)
    start = norm.text.index("mourir")
    a, b = norm.span(start, start + len("mourir"))
    assert raw[a:b] == "MOURRRIR"


def test_empty_text() -> None:
    norm = normalize("")
    assert norm.text == ""
    assert norm.span(0, 0) == (0, 0)
