"""Settings: `config/settings.yaml`, an operator's overrides, and secrets from the environment.

Settings are declared as frozen dataclasses; loading checks every key against them so that a
typo or a missing value stops start-up with one line that names it, instead of surfacing later
as a confusing failure in front of a teen.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from handoff.hours import OpeningHours

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

MESSENGER_ENV = (
    "MESSENGER_APP_SECRET",
    "MESSENGER_VERIFY_TOKEN",
    "MESSENGER_PAGE_TOKEN",
    "MESSENGER_APP_ID",
)


class SettingsError(Exception):
    """A setting is wrong or missing; the message is one line that names it."""


@dataclasses.dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int


@dataclasses.dataclass(frozen=True)
class HelplineSettings:
    name: str
    numbers: dict[str, str]
    links: dict[str, str]
    hours: dict[str, str]


@dataclasses.dataclass(frozen=True)
class MessengerSettings:
    graph_api_url: str
    send_timeout_s: float
    retry_base_delay_s: float
    retry_max_delay_s: float
    retry_max_attempts: int


@dataclasses.dataclass(frozen=True)
class WebchatSettings:
    token_ttl_s: int
    allowed_origins: tuple[str, ...]
    max_text_length: int
    max_body_bytes: int
    tokens_per_minute: int
    messages_per_minute: int
    quick_exit_url: str


@dataclasses.dataclass(frozen=True)
class HandoffSettings:
    skills: tuple[str, ...]
    outcomes: tuple[str, ...]
    no_listener_after_s: int
    long_wait_s: int
    update_every_s: int
    closing_notice_s: int
    wait_sample: int
    session_idle_s: int
    messenger_page_inbox: bool


@dataclasses.dataclass(frozen=True)
class PrivacySettings:
    transcript_days: int


@dataclasses.dataclass(frozen=True)
class MessengerSecrets:
    """The Page's credentials; present only when every Messenger variable is set."""

    app_secret: str
    verify_token: str
    page_token: str
    app_id: str

    def __repr__(self) -> str:  # never print secrets in a traceback or a log line
        return f"MessengerSecrets(app_id={self.app_id!r}, ...)"


@dataclasses.dataclass(frozen=True)
class Settings:
    server: ServerSettings
    database: str
    languages: tuple[str, ...]
    helpline: HelplineSettings
    hours: OpeningHours
    handoff: HandoffSettings
    messenger: MessengerSettings
    webchat: WebchatSettings
    privacy: PrivacySettings
    config_dir: Path = CONFIG_DIR
    messenger_secrets: MessengerSecrets | None = None
    webchat_secret: str | None = None  # WEBCHAT_SECRET: lets a site's server mint tokens
    webchat_token_key: str | None = None  # WEBCHAT_TOKEN_KEY: signs the chat's tokens

    @property
    def default_language(self) -> str:
        return self.languages[0]


# Keys filled in from outside the YAML files, not settable there.
_NOT_FROM_FILES = {"config_dir", "messenger_secrets", "webchat_secret", "webchat_token_key"}


def load_settings(env: Mapping[str, str] | None = None, config_dir: Path = CONFIG_DIR) -> Settings:
    """Build the settings from the defaults, `RELAIS_CONFIG`, `RELAIS_DB`, `GRAPH_API_URL` and
    the Messenger secrets; raise `SettingsError` naming the first wrong or missing one."""
    env = os.environ if env is None else env
    data = _read_yaml(config_dir / "settings.yaml")
    override_path = env.get("RELAIS_CONFIG")
    if override_path:
        data = _merge(data, _read_yaml(Path(override_path)))
    if env.get("RELAIS_DB"):
        data["database"] = env["RELAIS_DB"]
    if env.get("GRAPH_API_URL"):
        data.setdefault("messenger", {})["graph_api_url"] = env["GRAPH_API_URL"]
    settings = _build(Settings, data, "")
    settings = dataclasses.replace(
        settings,
        config_dir=config_dir,
        messenger_secrets=_messenger_secrets(env),
        webchat_secret=env.get("WEBCHAT_SECRET") or None,
        webchat_token_key=env.get("WEBCHAT_TOKEN_KEY") or None,
    )
    _check(settings)
    return settings


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"cannot read settings file {path}: {error.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise SettingsError(f"settings file {path}{where} is not valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"settings file {path} must hold a mapping of settings")
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; any other value in `override` replaces the default."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise SettingsError(f"setting '{path}' must be a mapping of settings")
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.name not in _NOT_FROM_FILES]
    names = {f.name for f in fields}
    for key in data:
        if key not in names:
            raise SettingsError(f"unknown setting '{_join(path, str(key))}'")
    values = {}
    for field in fields:
        key = _join(path, field.name)
        if field.name not in data:
            raise SettingsError(f"missing setting '{key}'")
        values[field.name] = _convert(hints[field.name], data[field.name], key)
    return cls(**values)


def _convert(hint: Any, value: Any, path: str) -> Any:
    if hasattr(hint, "from_dict"):  # a domain type that validates its own settings
        try:
            return hint.from_dict(value)
        except ValueError as error:
            raise SettingsError(f"setting {error}") from None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, path)
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list) or not value:
            raise SettingsError(f"setting '{path}' must be a non-empty list")
        return tuple(_convert(str, item, f"{path}[{i}]") for i, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise SettingsError(f"setting '{path}' must be a mapping")
        return {str(k): _convert(str, v, _join(path, str(k))) for k, v in value.items()}
    if hint is str:
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f"setting '{path}' must be non-empty text (quote numbers)")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"setting '{path}' must be true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"setting '{path}' must be a whole number")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"setting '{path}' must be a number")
        return float(value)
    raise SettingsError(f"setting '{path}' has an unsupported type")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _messenger_secrets(env: Mapping[str, str]) -> MessengerSecrets | None:
    present = [name for name in MESSENGER_ENV if env.get(name)]
    if not present:
        return None
    missing = [name for name in MESSENGER_ENV if not env.get(name)]
    if missing:
        raise SettingsError(
            f"Messenger needs {', '.join(missing)} too (set all of {', '.join(MESSENGER_ENV)}"
            " or none)"
        )
    return MessengerSecrets(
        app_secret=env["MESSENGER_APP_SECRET"],
        verify_token=env["MESSENGER_VERIFY_TOKEN"],
        page_token=env["MESSENGER_PAGE_TOKEN"],
        app_id=env["MESSENGER_APP_ID"],
    )


def _check(settings: Settings) -> None:
    """Rules that span several settings."""
    if not 0 < settings.server.port < 65536:
        raise SettingsError("setting 'server.port' must be between 1 and 65535")
    for lang in settings.languages:
        if not (settings.config_dir / "locales" / f"{lang}.yaml").is_file():
            raise SettingsError(
                f"setting 'languages' names '{lang}' but locales/{lang}.yaml is missing"
            )
        if lang not in settings.helpline.hours:
            raise SettingsError(f"missing setting 'helpline.hours.{lang}'")
    for name in ("send_timeout_s", "retry_base_delay_s", "retry_max_delay_s"):
        if getattr(settings.messenger, name) <= 0:
            raise SettingsError(f"setting 'messenger.{name}' must be greater than 0")
    if settings.messenger.retry_max_attempts < 1:
        raise SettingsError("setting 'messenger.retry_max_attempts' must be at least 1")
    if not settings.messenger.graph_api_url.startswith(("http://", "https://")):
        raise SettingsError("setting 'messenger.graph_api_url' must be an http(s) URL")
    webchat = settings.webchat
    if webchat.token_ttl_s <= 15 * 60:
        raise SettingsError(
            "setting 'webchat.token_ttl_s' must exceed 900 (clients refresh every 15 minutes)"
        )
    for name in ("max_text_length", "max_body_bytes", "tokens_per_minute", "messages_per_minute"):
        if getattr(webchat, name) < 1:
            raise SettingsError(f"setting 'webchat.{name}' must be at least 1")
    if settings.webchat_token_key is not None and len(settings.webchat_token_key) < 32:
        raise SettingsError("WEBCHAT_TOKEN_KEY must be at least 32 characters")
    for name in (
        "no_listener_after_s",
        "long_wait_s",
        "update_every_s",
        "closing_notice_s",
        "wait_sample",
        "session_idle_s",
    ):
        if getattr(settings.handoff, name) < 1:
            raise SettingsError(f"setting 'handoff.{name}' must be at least 1")
    if settings.privacy.transcript_days < 1:
        raise SettingsError("setting 'privacy.transcript_days' must be at least 1")
