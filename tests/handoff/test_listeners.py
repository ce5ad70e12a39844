"""Listener accounts: validation, argon2 passwords, presence, on a fresh SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlite_utils
from argon2 import PasswordHasher

from handoff.listeners import Listener, ListenerError, Listeners
from handoff.store import MIGRATIONS

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse battery"
# Cheap argon2 settings keep the tests fast; production uses the library's defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def db(tmp_path):
    db = sqlite_utils.Database(tmp_path / "l.db")
    MIGRATIONS.apply(db)
    return db


@pytest.fixture
def listeners(db):
    return Listeners(db, hasher=FAST, clock=lambda: NOW)


def add_lea(listeners, **changes):
    values = {
        "username": "lea",
        "display_name": "Léa",
        "password": PASSWORD,
        "skills": ["technique", "psy"],
        "role": "listener",
    }
    return listeners.add(**(values | changes))


def test_an_added_listener_is_stored_without_its_password(listeners, db):
    lea = add_lea(listeners)
    assert lea == Listener("lea", "Léa", ("psy", "technique"), "listener", "offline", 3, NOW)
    assert listeners.get("lea") == lea
    assert not hasattr(lea, "password_hash")
    stored = db["listeners"].get("lea")["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_usernames_are_lowercase_and_unique(listeners):
    add_lea(listeners, username=" Lea ")
    assert listeners.get("LEA").username == "lea"
    with pytest.raises(ListenerError, match=r"^listener 'lea' already exists$"):
        add_lea(listeners, username="lea", display_name="Another")


def test_all_lists_listeners_by_username(listeners):
    add_lea(listeners, username="zoe")
    add_lea(listeners, username="adam", role="supervisor", skills=[], capacity=1)
    assert [(x.username, x.role, x.capacity) for x in listeners.all()] == [
        ("adam", "supervisor", 1),
        ("zoe", "listener", 3),
    ]
    assert listeners.get("nobody") is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "l"}, "username 'l' must be 2 to 40 characters among a-z 0-9 . _ -"),
        ({"username": "léa"}, "username 'léa' must be 2 to 40 characters"),
        ({"username": "a" * 41}, "must be 2 to 40 characters"),
        ({"display_name": "  "}, "display name must be 1 to 40 characters, got ''"),
        ({"skills": ["psy", "dance"]}, "unknown skill 'dance' (known: psy, juridique, technique)"),
        ({"role": "admin"}, "role must be one of listener, supervisor, got 'admin'"),
        ({"capacity": 0}, "capacity must be from 1 to 20, got 0"),
        ({"capacity": 21}, "capacity must be from 1 to 20, got 21"),
        ({"capacity": True}, "capacity must be a whole number, got True"),
        ({"password": "123456789"}, "password must be at least 10 characters"),
    ],
)
def test_a_refused_account_says_why_in_one_line(listeners, changes, message):
    with pytest.raises(ListenerError) as error:
        add_lea(listeners, **changes)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert listeners.all() == []


def test_skills_come_from_the_configured_list(db):
    listeners = Listeners(db, skills=("psy", "parents"), hasher=FAST, clock=lambda: NOW)
    assert add_lea(listeners, skills=["parents"]).skills == ("parents",)
    with pytest.raises(ListenerError, match="unknown skill 'technique'"):
        add_lea(listeners, username="max", skills=["technique"])


def test_verify_accepts_the_right_password_only(listeners):
    lea = add_lea(listeners)
    assert listeners.verify("lea", PASSWORD) == lea
    assert listeners.verify("Lea", PASSWORD) == lea
    assert listeners.verify("lea", PASSWORD + "!") is None
    assert listeners.verify("lea", "") is None


def test_verify_checks_a_dummy_hash_for_an_unknown_user(db):
    verified = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):
            verified.append(hash)
            return super().verify(hash, password)

    listeners = Listeners(db, hasher=CountingHasher(1, 8, 1), clock=lambda: NOW)
    assert listeners.verify("nobody", PASSWORD) is None
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")


def test_verify_rehashes_a_password_hashed_with_older_settings(db, listeners):
    add_lea(listeners)
    old_hash = db["listeners"].get("lea")["password_hash"]
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    upgraded = Listeners(db, hasher=stronger, clock=lambda: NOW)
    assert upgraded.verify("lea", PASSWORD) is not None
    new_hash = db["listeners"].get("lea")["password_hash"]
    assert new_hash != old_hash and not stronger.check_needs_rehash(new_hash)
    assert upgraded.verify("lea", PASSWORD) is not None


def test_a_listener_with_a_damaged_hash_cannot_log_in(db, listeners):
    add_lea(listeners)
    db["listeners"].update("lea", {"password_hash": "not a hash"})
    assert listeners.verify("lea", PASSWORD) is None


def test_set_password_replaces_the_old_one(listeners):
    add_lea(listeners)
    listeners.set_password("lea", "a new long secret")
    assert listeners.verify("lea", PASSWORD) is None
    assert listeners.verify("lea", "a new long secret") is not None
    with pytest.raises(ListenerError, match="at least 10 characters"):
        listeners.set_password("lea", "short")
    with pytest.raises(ListenerError, match=r"^no listener 'nobody'$"):
        listeners.set_password("nobody", "a new long secret")


def test_presence_starts_offline_and_can_change(listeners):
    assert add_lea(listeners).presence == "offline"
    assert listeners.set_presence("lea", "available").presence == "available"
    assert listeners.get("lea").presence == "available"
    with pytest.raises(ListenerError, match="presence must be one of available, away, offline"):
        listeners.set_presence("lea", "busy")
    with pytest.raises(ListenerError, match=r"^no listener 'nobody'$"):
        listeners.set_presence("nobody", "away")
