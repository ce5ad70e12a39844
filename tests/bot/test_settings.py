"""Settings: defaults, an operator's overrides, secrets from the environment, clear errors."""

from __future__ import annotations

import pytest
import yaml

from bot.settings import SettingsError, load_settings


def write(tmp_path, data) -> str:
    path = tmp_path / "override.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def test_defaults_load_without_messenger():
    settings = load_settings({})
    assert settings.server.port == 8080
    assert settings.default_language == "fr"
    assert settings.helpline.numbers["suicide"] == "3114"
    assert settings.messenger_secrets is None
    assert settings.messenger.graph_api_url == "https://graph.facebook.com/v25.0"


def test_operator_file_is_merged_over_the_defaults(tmp_path):
    env = {"RELAIS_CONFIG": write(tmp_path, {"helpline": {"numbers": {"suicide": "0800 000"}}})}
    settings = load_settings(env)
    assert settings.helpline.numbers["suicide"] == "0800 000"
    assert settings.helpline.numbers["emergency"] == "112"  # untouched keys keep defaults


def test_environment_names_the_database_and_graph_url():
    settings = load_settings({"RELAIS_DB": "/tmp/x.db", "GRAPH_API_URL": "http://127.0.0.1:9/v1"})
    assert settings.database == "/tmp/x.db"
    assert settings.messenger.graph_api_url == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"server": {"prot": 1}}, "unknown setting 'server.prot'"),
        ({"server": {"port": "eighty"}}, "setting 'server.port' must be a whole number"),
        (
            {"helpline": {"numbers": {"suicide": 3114}}},
            "'helpline.numbers.suicide' must be non-empty text",
        ),
        ({"languages": ["fr", "de"]}, "names 'de' but locales/de.yaml is missing"),
        (
            {"messenger": {"retry_max_attempts": 0}},
            "'messenger.retry_max_attempts' must be at least 1",
        ),
    ],
)
def test_a_wrong_setting_is_named_in_one_line(tmp_path, override, message):
    with pytest.raises(SettingsError) as error:
        load_settings({"RELAIS_CONFIG": write(tmp_path, override)})
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_missing_setting_is_named(tmp_path):
    config = tmp_path / "config"
    (config / "locales").mkdir(parents=True)
    (config / "settings.yaml").write_text("server: {host: 127.0.0.1}\n")
    with pytest.raises(SettingsError, match=r"missing setting 'server\.port'"):
        load_settings({}, config)


def test_a_missing_operator_file_is_named(tmp_path):
    with pytest.raises(SettingsError, match=r"cannot read settings file .*nope\.yaml"):
        load_settings({"RELAIS_CONFIG": str(tmp_path / "nope.yaml")})


def test_messenger_needs_all_its_variables_or_none():
    with pytest.raises(SettingsError) as error:
        load_settings({"MESSENGER_APP_SECRET": "s", "MESSENGER_PAGE_TOKEN": "t"})
    assert "MESSENGER_VERIFY_TOKEN, MESSENGER_APP_ID" in str(error.value)
    full = load_settings(
        {
            "MESSENGER_APP_SECRET": "s",
            "MESSENGER_PAGE_TOKEN": "t",
            "MESSENGER_VERIFY_TOKEN": "v",
            "MESSENGER_APP_ID": "1",
        }
    )
    assert full.messenger_secrets is not None
    assert "s" not in repr(full.messenger_secrets).replace("MessengerSecrets", "")
