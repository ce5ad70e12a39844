"""Entities: platforms by nickname, kinds of harassment, who is writing; and the language."""

from __future__ import annotations

import pytest

from nlu import analyze


@pytest.mark.parametrize(
    ("text", "platforms"),
    [
        ("on m'insulte sur insta et sur snap", ["instagram", "snapchat"]),
        ("sur tik tok", ["tiktok"]),
        ("mon fb", ["facebook"]),
        ("un groupe wtsp", ["whatsapp"]),
        ("ils me clashent sur twitter", ["x"]),
        ("une video yt", ["youtube"]),
        ("on fortnite and roblox", ["fortnite", "roblox"]),
        ("rien a voir", []),
    ],
)
def test_platforms(text: str, platforms: list[str]) -> None:
    assert analyze(text).entities["platform"] == platforms


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ils m'insultent", "insults"),
        ("une rumeur court sur moi", "rumours"),
        ("quelqu'un a fait un faux compte à mon nom", "fake_account"),
        ("mon compte a été piraté", "hacked_account"),
        ("ils m'ont viré du groupe", "exclusion"),
        ("ils ont partagé une photo de moi", "images_shared"),
        ("il me menace", "threats"),
    ],
)
def test_harassment_kinds(text: str, kind: str) -> None:
    assert kind in analyze(text).entities["harassment"]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("ma fille est harcelée", "parent"),
        ("my son is being bullied", "parent"),
        ("mon pote se fait harceler", "witness"),
        ("on me harcèle", "victim"),
    ],
)
def test_roles(text: str, role: str) -> None:
    assert role in analyze(text).entities["role"]


def test_entity_keys_are_always_present() -> None:
    assert set(analyze("").entities) == {"platform", "harassment", "role"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je veux parler à quelqu'un", "fr"),
        ("i want to talk to someone", "en"),
        ("slt", "fr"),
        ("they keep insulting me", "en"),
        ("", "fr"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert analyze(text).language == language


@pytest.mark.parametrize(
    "text",
    [
        "on m'insulte sur snap",
        "il m'a envoyé un snap",
        "j'ai vu sa story",
        "je regarde des videos sur yt",
        "il a changé sa photo de profil",
    ],
)
def test_a_mere_picture_or_snapchat_is_not_images_shared(text: str) -> None:
    assert "images_shared" not in analyze(text).entities["harassment"]


@pytest.mark.parametrize(
    "text",
    ["ils font tourner une vidéo de moi", "they posted pics of me", "on m'a filmée"],
)
def test_pictures_of_the_person_are_images_shared(text: str) -> None:
    assert "images_shared" in analyze(text).entities["harassment"]


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("je vais au fort avec mes potes", "platform", "fortnite"),
        ("ce matin au mc do", "platform", "minecraft"),
        ("on va en disco samedi", "platform", "discord"),
        ("gros t'es ou", "harassment", "insults"),
        ("spreading butter on toast", "harassment", "rumours"),
    ],
)
def test_common_words_are_not_entities(text: str, field: str, value: str) -> None:
    assert value not in analyze(text).entities[field]
