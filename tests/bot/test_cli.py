"""The `relais` command as an operator runs it: a real process, real HTTP on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support.graph_api import PAGE_TOKEN
from tests.support.messenger import ENV as MESSENGER_ENV

RELAIS = [sys.executable, "-m", "bot.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """This machine's environment without any Relais or Messenger setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MESSENGER_", "RELAIS_"))}
    return {**env, **extra}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*RELAIS, *args], env=clean_env(**(env or {})), capture_output=True, text=True, timeout=60
    )


async def run_async(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """For commands that talk to the Graph stand-in, which runs in this test's event loop."""
    process = await asyncio.create_subprocess_exec(
        *RELAIS,
        *args,
        env=clean_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, stdout.decode(), stderr.decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_command_has_help():
    for args in (["--help"], ["serve", "--help"], ["messenger", "setup", "--help"]):
        result = run(*args)
        assert result.returncode == 0 and "usage: relais" in result.stdout


def test_a_wrong_setting_stops_start_up_with_one_line(tmp_path):
    override = tmp_path / "o.yaml"
    override.write_text("server:\n  prot: 1\n")
    result = run("serve", env={"RELAIS_CONFIG": str(override)})
    assert result.returncode == 2
    assert result.stderr.strip() == "relais: error: unknown setting 'server.prot'"


def test_serve_starts_without_messenger_and_says_so(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [*RELAIS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=clean_env(RELAIS_DB=str(tmp_path / "var" / "relais.db")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    health = json.load(r)
                break
            except OSError:
                time.sleep(0.1)
        assert health == {"status": "ok", "channels": ["directline"]}
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/messenger", timeout=1)
        assert missing.value.code == 404
        missing.value.close()
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "Messenger channel off" in output
    assert (tmp_path / "var" / "relais.db").exists()


def test_messenger_setup_dry_run_prints_the_profile():
    result = run("messenger", "setup", "--dry-run")
    assert result.returncode == 0
    profile = json.loads(result.stdout)
    assert profile["get_started"] == {"payload": "GET_STARTED"}
    assert [g["locale"] for g in profile["greeting"]] == ["default", "en_US"]
    titles = [a["title"] for a in profile["persistent_menu"][0]["call_to_actions"]]
    assert "Parler à un·e écoutant·e" in titles


async def test_messenger_setup_sets_the_page_profile(graph, graph_url):
    env = {**MESSENGER_ENV, "MESSENGER_PAGE_TOKEN": PAGE_TOKEN, "GRAPH_API_URL": graph_url}
    code, stdout, stderr = await run_async("messenger", "setup", env=env)
    assert code == 0, stderr
    assert "Messenger profile set" in stdout
    (profile,) = graph.profiles
    assert len(profile["ice_breakers"][0]["call_to_actions"]) == 4


async def test_messenger_setup_reports_metas_refusal(graph, graph_url):
    env = {**MESSENGER_ENV, "MESSENGER_PAGE_TOKEN": "expired", "GRAPH_API_URL": graph_url}
    code, _, stderr = await run_async("messenger", "setup", env=env)
    assert code == 1
    assert "code 190" in stderr
    assert graph.profiles == []
