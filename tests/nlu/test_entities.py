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
