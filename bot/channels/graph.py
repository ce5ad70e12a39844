"""A small client for Meta's Graph API, sorting every answer into sent / retry / failed.

Which errors are worth retrying follows Meta's documentation (see
shared/reference/messenger.md): 5xx, rate limits (613, and 4/17/32 for app and page limits),
`is_transient` errors and timeouts are retried; everything else is permanent and recorded.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from bot.outbox import SendOutcome
from bot.settings import MessengerSettings

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
TOKEN_ERROR_CODE = 190


class GraphClient:
    """Calls the Graph API as the Page (its token, the configured base URL and timeout)."""

    def __init__(
        self, session: aiohttp.ClientSession, settings: MessengerSettings, page_token: str
    ) -> None:
        self._session = session
        self._base_url = settings.graph_api_url.rstrip("/")
        self._token = page_token
        self._timeout = aiohttp.ClientTimeout(total=settings.send_timeout_s)

    async def post(self, path: str, body: dict[str, Any]) -> SendOutcome:
        url = f"{self._base_url}/{path.lstrip('/')}"
        try:
            async with self._session.post(
                url, params={"access_token": self._token}, json=body, timeout=self._timeout
            ) as response:
                status = response.status
                try:
                    data = await response.json(content_type=None)
                except ValueError:
                    data = None
        except TimeoutError:
            return SendOutcome("retry", message="timeout")
        except aiohttp.ClientError as error:
            return SendOutcome("retry", message=f"connection: {type(error).__name__}")
        if 200 <= status < 300 and isinstance(data, dict) and "error" not in data:
            return SendOutcome("sent", message_id=data.get("message_id"))
        return self._failure(status, data)

    def _failure(self, status: int, data: Any) -> SendOutcome:
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict):
            if status >= 500:
                return SendOutcome("retry", code=status, message=f"HTTP {status}")
            return SendOutcome("failed", code=status, message=f"HTTP {status}")
        code = error.get("code")
        subcode = error.get("error_subcode")
        message = str(error.get("message", ""))[:500]
        if code == TOKEN_ERROR_CODE:
            log.error("Meta rejected MESSENGER_PAGE_TOKEN (code 190): the admin must renew it")
        transient = status >= 500 or code in RATE_LIMIT_CODES or error.get("is_transient") is True
        return SendOutcome(
            "retry" if transient else "failed",
            code=code if isinstance(code, int) else status,
            subcode=subcode if isinstance(subcode, int) else None,
            message=message,
        )
