"""The locales: every sentence in every language, numbers from the settings, Meta's limits."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from bot.settings import CONFIG_DIR, SettingsError, load_settings
from bot.texts import RUNTIME_FIELDS, load_texts


def flat_keys(node, prefix=""):
    if isinstance(node, str):
        return {prefix}
    return set().union(*(flat_keys(v, f"{prefix}.{k}" if prefix else k) for k, v in node.items()))


@pytest.fixture
def texts():
    settings = load_settings({})
    return load_texts(CONFIG_DIR / "locales", settings.languages, settings.helpline)


def test_every_sentence_exists_in_both_languages():
    fr = flat_keys(yaml.safe_load((CONFIG_DIR / "locales" / "fr.yaml").read_text()))
    en = flat_keys(yaml.safe_load((CONFIG_DIR / "locales" / "en.yaml").read_text()))
    assert fr == en
    assert len(fr) > 60


def test_sentences_are_non_empty_and_every_placeholder_is_filled(texts):
    for lang in texts.languages:
        for key in flat_keys(yaml.safe_load((CONFIG_DIR / "locales" / f"{lang}.yaml").read_text())):
            sentence = texts.get(lang, key)
            assert sentence.strip(), key
            leftovers = set(re.findall(r"{(\w[\w.]*)}", sentence)) - RUNTIME_FIELDS
            assert not leftovers, (lang, key, leftovers)


def test_numbers_come_from_the_settings(tmp_path):
    override = tmp_path / "o.yaml"
    override.write_text(yaml.safe_dump({"helpline": {"numbers": {"suicide": "0 800 123 456"}}}))
    settings = load_settings({"RELAIS_CONFIG": str(override)})
    texts = load_texts(CONFIG_DIR / "locales", settings.languages, settings.helpline)
    assert "0 800 123 456" in texts.get("fr", "crisis.numbers")
    assert "3114" not in texts.get("en", "crisis.numbers")


def test_crisis_numbers_are_given_in_both_languages(texts):
    for lang in texts.languages:
        numbers = texts.get(lang, "crisis.numbers")
        assert "3114" in numbers and "112" in numbers and "119" in numbers


def test_buttons_fit_messenger_limits(texts):
    for lang in texts.languages:
        for key in texts.keys("choices"):
            assert len(texts.get(lang, key)) <= 20, key
        for key in texts.keys("platforms"):
            if key.endswith(".name"):
                assert len(texts.get(lang, key)) <= 20, key
            else:
                assert len(texts.get(lang, key)) <= 1000, key


def copy_config(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    return config


def test_a_sentence_missing_in_one_language_stops_start_up(tmp_path):
    config = copy_config(tmp_path)
    en = config / "locales" / "en.yaml"
    en.write_text(en.read_text().replace('  ask: "What brings you here?"\n', ""))
    settings = load_settings({}, config)
    with pytest.raises(SettingsError, match=r"locales/en\.yaml is missing 'greeting\.ask'"):
        load_texts(config / "locales", settings.languages, settings.helpline)


def test_a_too_long_button_or_unknown_number_stops_start_up(tmp_path):
    config = copy_config(tmp_path)
    fr = config / "locales" / "fr.yaml"
    original = fr.read_text()
    settings = load_settings({}, config)
    fr.write_text(
        original.replace('victim: "On me harcèle"', 'victim: "On me harcèle tous les jours"')
    )
    with pytest.raises(SettingsError, match=r"'choices\.victim' has 28 characters"):
        load_texts(config / "locales", settings.languages, settings.helpline)
    fr.write_text(original.replace("📞 {numbers.suicide}", "📞 {numbers.suicid}"))
    with pytest.raises(SettingsError, match="bad placeholder"):
        load_texts(config / "locales", settings.languages, settings.helpline)
