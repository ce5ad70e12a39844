"""Fixtures: the real app on loopback, the Graph API stand-in on loopback, fresh SQLite files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import create_app
from bot.settings import CONFIG_DIR, Settings, load_settings
from tests.support import messenger
from tests.support.graph_api import PAGE_TOKEN, GraphStandIn

# Fast retries for tests.
TEST_OVERRIDES: dict[str, Any] = {
    "messenger": {"retry_base_delay_s": 0.01, "retry_max_delay_s": 0.05, "send_timeout_s": 2},
}


# Tuesday 1 December 2026, 10:30 in Paris: the helpline is open.
OPEN_TIME = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


class FakeClock:
    """The only clock tests use: it moves when a test says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(OPEN_TIME)


@pytest.fixture
def graph() -> GraphStandIn:
    return GraphStandIn()


@pytest.fixture
async def graph_url(aiohttp_server, graph: GraphStandIn) -> str:
    server = await aiohttp_server(graph.app())
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    def build(
        graph_url: str | None = None,
        with_messenger: bool = True,
        overrides: dict[str, Any] | None = None,
        config_dir: Path = CONFIG_DIR,
    ) -> Settings:
        override_file = tmp_path / "override.yaml"
        override_file.write_text(yaml.safe_dump({**TEST_OVERRIDES, **(overrides or {})}))
        env = {"RELAIS_CONFIG": str(override_file), "RELAIS_DB": str(tmp_path / "relais.db")}
        if graph_url:
            env["GRAPH_API_URL"] = graph_url
        if with_messenger:
            env.update(messenger.ENV, MESSENGER_PAGE_TOKEN=PAGE_TOKEN)
        return load_settings(env, config_dir)

    return build


@pytest.fixture
async def meta(aiohttp_client, settings_for, graph_url, clock) -> messenger.Messenger:
    """Relais with its Messenger channel, talking to the Graph stand-in, at `clock`'s time."""
    client = await aiohttp_client(create_app(settings_for(graph_url), clock))
    return messenger.Messenger(client)
