"""Conversation state in SQLite: survives reopening, refuses stale writes."""

from __future__ import annotations

import pytest

from bot.database import open_database
from bot.state_storage import SqliteStorage, StateConflictError


async def test_state_survives_reopening_the_database(tmp_path):
    storage = SqliteStorage(open_database(tmp_path / "s.db"))
    await storage.write({"conv": {"Profile": {"lang": "en"}}})
    reopened = SqliteStorage(open_database(tmp_path / "s.db"))
    items = await reopened.read(["conv", "missing"])
    assert items["conv"]["Profile"] == {"lang": "en"}
    assert "missing" not in items


async def test_a_write_based_on_stale_state_is_refused(tmp_path):
    storage = SqliteStorage(open_database(tmp_path / "s.db"))
    await storage.write({"conv": {"n": 1}})
    first = (await storage.read(["conv"]))["conv"]
    second = (await storage.read(["conv"]))["conv"]
    await storage.write({"conv": {**first, "n": 2}})
    with pytest.raises(StateConflictError):
        await storage.write({"conv": {**second, "n": 3}})
    await storage.write({"conv": {"n": 4, "e_tag": "*"}})  # "*" always wins
    assert (await storage.read(["conv"]))["conv"]["n"] == 4
    await storage.delete(["conv"])
    assert await storage.read(["conv"]) == {}
