"""Fixtures: the real app on loopback, the Graph API stand-in on loopback, fresh SQLite files."""

from __future__ import annotations

from collections.abc import Callable
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
async def meta(aiohttp_client, settings_for, graph_url) -> messenger.Messenger:
    """Relais with its Messenger channel, talking to the Graph stand-in."""
    client = await aiohttp_client(create_app(settings_for(graph_url)))
    return messenger.Messenger(client)
