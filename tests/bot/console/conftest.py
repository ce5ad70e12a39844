"""Listener sessions open their own HTTP clients; close them after each test."""

import pytest

from tests.support.console import close_sessions


@pytest.fixture(autouse=True)
async def _close_listener_sessions():
    yield
    await close_sessions()
