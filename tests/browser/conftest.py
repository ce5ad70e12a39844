"""A real Relais server in a subprocess and a real headless Chromium (Debian's) driving the widget.

Needs the Debian package `chromium` (/usr/bin/chromium) and the PyPI package `playwright`
(never `playwright install`: the browser is the system's). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "une phrase de passe"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Server:
    def __init__(self, origin: str, quick_exit_url: str) -> None:
        self.origin = origin
        self.quick_exit_url = quick_exit_url

    def url(self, path: str = "/") -> str:
        return self.origin + path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_relais(
    folder: Path, overrides: dict, listeners: tuple[tuple[str, str, str], ...] = ()
) -> Iterator[Server]:
    """`relais serve` in a subprocess on a free loopback port, with `overrides` as its
    RELAIS_CONFIG, its own database, and `listeners` (username, display name, role) added."""
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    quick_exit = origin + "/healthz"  # a local page: the test reaches nothing outside
    override = folder / "override.yaml"
    override.write_text(yaml.safe_dump({**overrides, "webchat": {"quick_exit_url": quick_exit}}))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MESSENGER_", "WEBCHAT_", "RELAIS_", "GRAPH_"))
    }
    env.update(RELAIS_CONFIG=str(override), RELAIS_DB=str(folder / "relais.db"))
    for username, name, role in listeners:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "listener",
                "add",
                username,
                "--display-name",
                name,
                "--skills",
                "psy",
                "--role",
                role,
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
            text=True,
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(origin + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("Relais did not start:\n" + (folder / "server.log").read_text())
            time.sleep(0.2)
        yield Server(origin, quick_exit)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_relais(tmp_path_factory.mktemp("relais-server"), {}) as running:
        yield running


# Module scope, not session: sync Playwright keeps an event loop running in this thread while
# it is open, and the async tests of other modules need the thread's loop free.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
