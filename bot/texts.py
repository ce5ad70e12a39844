"""Every sentence the bot says, from `config/locales/<lang>.yaml`.

The helpline's staff edit those files without touching code. Sentences name numbers and links
from the settings (`{numbers.suicide}`, `{links.pharos}`, `{hours}`) so that a number is
written once. Loading checks that every language has every key and that every placeholder
resolves, so a broken edit stops start-up instead of a sentence failing in front of a teen.
"""

from __future__ import annotations

import string
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from bot.settings import HelplineSettings, SettingsError

# Meta's limits, which the shortest channel imposes on every channel.
QUICK_REPLY_MAX = 20
MENU_TITLE_MAX = 30
PROFILE_GREETING_MAX = 160
# Placeholders filled per sentence at run time rather than from the settings.
RUNTIME_FIELDS = {
    "platform",
    "position",
    "wait",
    "when",
    "name",
    "time",
    "day",
    "date",
    "h24",
    "h12",
    "mm",
    "ampm",
    "n",
}


class Texts:
    """Sentences by language and dotted key: `texts.get("fr", "greeting.hello")`."""

    def __init__(self, sentences: dict[str, dict[str, str]], default_language: str) -> None:
        self._sentences = sentences
        self.default_language = default_language

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._sentences)

    def language(self, lang: str | None) -> str:
        """`lang` if the bot speaks it, else the default language."""
        return lang if lang in self._sentences else self.default_language

    def get(self, lang: str, key: str, **values: str) -> str:
        sentence = self._sentences[self.language(lang)][key]
        return sentence.format(**values) if values else sentence

    def has(self, key: str) -> bool:
        return key in self._sentences[self.default_language]

    def keys(self, prefix: str) -> list[str]:
        """Keys under `prefix.` in file order, e.g. every platform's steps."""
        return [k for k in self._sentences[self.default_language] if k.startswith(prefix + ".")]


def load_texts(locales_dir: Path, languages: tuple[str, ...], helpline: HelplineSettings) -> Texts:
    sentences: dict[str, dict[str, str]] = {}
    for lang in languages:
        path = locales_dir / f"{lang}.yaml"
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise SettingsError(f"locale file {path} cannot be read: {error}") from None
        flat = _flatten(raw, "", path)
        context = _context(helpline, lang)
        sentences[lang] = {key: _resolve(text, context, path, key) for key, text in flat.items()}
    default = languages[0]
    for lang in languages[1:]:
        for key in sentences[default].keys() - sentences[lang].keys():
            raise SettingsError(f"locales/{lang}.yaml is missing '{key}'")
        for key in sentences[lang].keys() - sentences[default].keys():
            raise SettingsError(f"locales/{lang}.yaml has '{key}', unknown in {default}.yaml")
    for lang, table in sentences.items():
        _check_lengths(lang, table)
    return Texts(sentences, default)


def _flatten(node: Any, prefix: str, path: Path) -> dict[str, str]:
    if isinstance(node, str):
        return {prefix: node.strip()}
    if not isinstance(node, dict):
        raise SettingsError(f"locale file {path}: '{prefix}' must be text or a mapping")
    flat: dict[str, str] = {}
    for key, value in node.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key), path))
    return flat


def _context(helpline: HelplineSettings, lang: str) -> dict[str, Any]:
    return {
        "numbers": SimpleNamespace(**helpline.numbers),
        "links": SimpleNamespace(**helpline.links),
        "hours": helpline.hours.get(lang, ""),
        "helpline": helpline.name,
    }


def _resolve(text: str, context: dict[str, Any], path: Path, key: str) -> str:
    """Fill the settings' placeholders now; leave run-time ones (`{platform}`) for later."""
    values = dict(context)
    for _, field, _, _ in string.Formatter().parse(text):
        if field in RUNTIME_FIELDS:
            values[field] = "{" + field + "}"
    try:
        return text.format(**values)
    except (KeyError, AttributeError, IndexError, ValueError) as error:
        raise SettingsError(
            f"locale file {path}: '{key}' has a bad placeholder ({error})"
        ) from None


def _check_lengths(lang: str, table: dict[str, str]) -> None:
    for key, text in table.items():
        limit = _limit(key)
        if limit is not None and len(text) > limit:
            raise SettingsError(
                f"locales/{lang}.yaml '{key}' has {len(text)} characters; Messenger allows {limit}"
            )


def _limit(key: str) -> int | None:
    """Buttons (choices and platform names), menu items and the Page greeting have limits."""
    if key.startswith("choices.") or (key.startswith("platforms.") and key.endswith(".name")):
        return QUICK_REPLY_MAX
    if key.startswith("menu."):
        return MENU_TITLE_MAX
    if key == "profile.greeting":
        return PROFILE_GREETING_MAX
    return None
