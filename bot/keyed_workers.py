"""One worker per key: work for a key runs in order, different keys run concurrently.

This is how a teen's turns stay in order while hundreds of teens are answered at once, and how
messages to one recipient leave in order even when one of them is being retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.log_safety import describe

log = logging.getLogger(__name__)


class KeyedWorkers:
    """`kick(key)` makes sure `drain(key)` runs until that key has no work left."""

    def __init__(self, name: str, drain: Callable[[str], Awaitable[None]]) -> None:
        self._name = name
        self._drain = drain
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()

    def kick(self, key: str) -> None:
        if key in self._tasks:
            self._again.add(key)  # new work arrived while draining: drain once more
            return
        self._tasks[key] = asyncio.create_task(self._run(key), name=f"{self._name}:{key}")

    async def _run(self, key: str) -> None:
        try:
            while True:
                self._again.discard(key)
                await self._drain(key)
                if key not in self._again:
                    return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.error(
                "%s worker failed (%s); its work stays stored for the next kick",
                self._name,
                describe(error),
            )
        finally:
            del self._tasks[key]

    async def idle(self) -> None:
        """Wait until no key has work running (tests, benchmarks, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
