"""What happens in the hand-off, pushed to the listeners' consoles as it happens.

In-process publish/subscribe: each console connection holds a queue; events are small dicts
with a `type` (`request`, `teen_message`, `urgent`, `claimed`, `transferred`, `closed`,
`cancelled`, `presence`) and the request they concern.
"""

from __future__ import annotations

import asyncio
from typing import Any


class EventBus:
    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.discard(queue)

    def publish(self, kind: str, **data: Any) -> None:
        event = {"type": kind, **data}
        for queue in self._subscribers:
            queue.put_nowait(event)
