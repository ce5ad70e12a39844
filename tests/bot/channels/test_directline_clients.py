"""Microsoft's own Direct Line client against a real Relais server, over WebSocket and polling.

A `relais serve` subprocess on a free loopback port with a fresh database, and Node 20 running
`tests/js/directline_client.mjs` with the npm package `botframework-directlinejs` (pinned in
tests/js/package.json; install with `npm ci --prefix tests/js`). The script does what a site
visitor's page does (token, connect, welcome, message, echo, advice, tapped button, resume from
the watermark in a second client) and prints a JSON summary; it exits non-zero, with the step it
was waiting for, on any failure or after 30 s.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
JS_DIR = ROOT / "tests" / "js"
SCRIPT = JS_DIR / "directline_client.mjs"
SERVER_START_TIMEOUT_S = 60.0  # start-up loads the NLU model
CLIENT_TIMEOUT_S = 60.0  # the script gives up by itself after 30 s
# Settings read from the environment: the server under test must not pick up a developer's.
ENV_PREFIXES = ("RELAIS_", "MESSENGER_", "WEBCHAT_", "GRAPH_API_")


@pytest.fixture(scope="module")
def node() -> str:
    """Node 20+ with the client installed; checked before a server is started for nothing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the Direct Line client test needs Node 20+")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    major = int(version.stdout.strip().lstrip("v").split(".")[0])
    if major < 20:
        pytest.skip(f"Node.js {version.stdout.strip()} is too old: the test needs Node 20+")
    if not (JS_DIR / "node_modules" / "botframework-directlinejs").is_dir():
        pytest.fail("tests/js/node_modules is missing: run `npm ci --prefix tests/js`")
    return node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _start_server(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`relais serve` on a free loopback port, healthy; retried if the port was taken meanwhile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    env["RELAIS_DB"] = str(tmp / "relais.db")
    log_path = tmp / "server.log"
    for _ in range(3):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        # `python -m bot.cli` is the `relais` command, run from this checkout and interpreter.
        command = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"]
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [*command, "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while server.poll() is None and not _healthy(base):
            if time.monotonic() > deadline:
                _stop(server)
                pytest.fail(
                    f"relais serve not healthy after {SERVER_START_TIMEOUT_S} s:\n"
                    f"{log_path.read_text()}"
                )
            time.sleep(0.1)
        if server.poll() is None:
            return server, base
        if "address already in use" not in log_path.read_text().lower():
            break
    pytest.fail(f"relais serve exited with {server.returncode}:\n{log_path.read_text()}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture(scope="module")
def relais_server(node: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Relais server with its own database; yields its base URL."""
    server, base = _start_server(tmp_path_factory.mktemp("directline_clients"))
    try:
        yield base
    finally:
        _stop(server)


@pytest.mark.parametrize("mode", ["websocket", "polling"])
def test_microsofts_directline_client_talks_to_relais(
    node: str, relais_server: str, mode: str
) -> None:
    result = subprocess.run(
        [node, str(SCRIPT), relais_server, mode],
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",  # the bot's texts: accents and emoji, whatever the locale
        timeout=CLIENT_TIMEOUT_S,
    )
    assert result.returncode == 0, (
        f"directline_client.mjs ({mode}) exited with {result.returncode}\n"
        f"stderr:\n{result.stderr}\nstdout:\n{result.stdout}"
    )
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(summary, ensure_ascii=False))
    assert summary["ok"] is True and summary["mode"] == mode
    assert summary["statuses"]["first"][-1] == "Online"
    assert summary["statuses"]["second"][-1] == "Online"
