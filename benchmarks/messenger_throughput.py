"""Messenger throughput: how many teen messages per second Relais answers, in order.

Starts `relais serve` as its own process (one Python process, as deployed) with a fresh
SQLite file, and a Graph API stand-in plus a load generator in this process, all on loopback.
Each simulated teen sends a first message, then short follow-ups; every webhook is signed as
Meta signs it. Prints the webhook acknowledgement latency, the rate of inbound messages fully
answered and of Send API calls, and checks that every teen got their answers in order.

    .venv/bin/python benchmarks/messenger_throughput.py [--users 300] [--messages 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.graph_api import PAGE_TOKEN, GraphStandIn  # noqa: E402
from tests.support.messenger import ENV, body, sign, text_event  # noqa: E402

FOLLOW_UP = "merci"  # answered with one message once the teen has been greeted


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


async def main(users: int, messages: int, concurrency: int) -> None:
    graph = GraphStandIn()
    graph_server = TestServer(graph.app(), host="127.0.0.1")
    await graph_server.start_server()
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="relais-bench-")
    env = {
        **os.environ,
        **ENV,
        "MESSENGER_PAGE_TOKEN": PAGE_TOKEN,
        "GRAPH_API_URL": str(graph_server.make_url("")).rstrip("/"),
        "RELAIS_DB": f"{workdir}/relais.db",
    }
    relais = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_http(f"{base}/healthz")
        solo = await first_answer_latency(base, graph)
        # Greet everyone first, so that the measured phase answers one message per message.
        first_phase = await send_all(
            base, [[text_event(f"u{u}", "bonjour")] for u in range(users)], concurrency
        )
        await wait_messages(graph, users * 3, timeout=120)
        greeted = len(graph.messages)
        actions = len(graph.actions)
        events = [
            [text_event(f"u{u}", f"{FOLLOW_UP} {i}")] for i in range(messages) for u in range(users)
        ]
        start = time.perf_counter()
        latencies = await send_all(base, events, concurrency)
        acked = time.perf_counter() - start
        await wait_messages(graph, greeted + len(events), timeout=300)
        elapsed = time.perf_counter() - start
        check_order(graph, users, messages, greeted, Path(workdir) / "relais.db")
        sends = len(graph.messages) - greeted + len(graph.actions) - actions
        print(f"idle server, one 'bonjour': first reply at the Graph stand-in after {solo:.1f} ms")
        print(f"users: {users}, follow-up messages: {len(events)}, concurrency: {concurrency}")
        print(
            f"webhook ack latency: p50 {percentile(latencies, 50):.1f} ms,"
            f" p99 {percentile(latencies, 99):.1f} ms (greeting phase p99"
            f" {percentile(first_phase, 99):.1f} ms)"
        )
        print(f"all webhooks acknowledged in {acked:.2f} s ({len(events) / acked:.0f} POST/s)")
        print(
            f"all answers delivered in {elapsed:.2f} s: {len(events) / elapsed:.0f} messages/s"
            f" answered, {sends / elapsed:.0f} Send API calls/s"
        )
        print("order per user: intact")
    finally:
        relais.terminate()
        relais.wait(timeout=10)
        await graph_server.close()


async def first_answer_latency(base: str, graph: GraphStandIn) -> float:
    """Milliseconds from posting one webhook to the first Send API message, server idle."""
    start = time.perf_counter()
    await send_all(base, [[text_event("solo", "bonjour")]], 1)
    while not graph.texts_to("solo"):
        await asyncio.sleep(0.001)
    elapsed = (time.perf_counter() - start) * 1000
    await wait_messages(graph, 3, timeout=10)
    graph.messages.clear()
    graph.actions.clear()
    return elapsed


async def send_all(base: str, batches: list[list[dict]], concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue: asyncio.Queue[list[dict]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            raw = json.dumps(body(*queue.get_nowait())).encode()
            headers = {"X-Hub-Signature-256": sign(raw), "Content-Type": "application/json"}
            sent = time.perf_counter()
            async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as r:
                assert r.status == 200, r.status
            latencies.append((time.perf_counter() - sent) * 1000)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return latencies


async def wait_messages(graph: GraphStandIn, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(graph.messages) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(graph.messages)} of {count} messages after {timeout}s")
        await asyncio.sleep(0.02)


def check_order(graph: GraphStandIn, users: int, messages: int, greeted: int, db: Path) -> None:
    """Each follow-up got exactly one answer, and each teen's turns ran in sending order
    (the transcript lists a teen's messages in the order the bot handled them)."""
    per_user: dict[str, int] = {}
    for message in graph.messages[greeted:]:
        user = message["recipient"]["id"]
        per_user[user] = per_user.get(user, 0) + 1
    assert all(per_user.get(f"u{u}") == messages for u in range(users)), "answers lost"
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select conversation, text from transcript where role = 'user' and text like ?"
            " order by id",
            [f"{FOLLOW_UP} %"],
        ).fetchall()
    seen: dict[str, list[str]] = {}
    for conversation, text in rows:
        seen.setdefault(conversation, []).append(text)
    expected = [f"{FOLLOW_UP} {i}" for i in range(messages)]
    assert all(seen[f"facebook:u{u}"] == expected for u in range(users)), "turns out of order"


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--messages", type=int, default=5, help="follow-ups per user")
    parser.add_argument("--concurrency", type=int, default=50, help="webhook POSTs in flight")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.messages, args.concurrency))
