"""CORS for the site chat, so a helpline page on another origin can embed it.

Only the paths given get CORS headers, and only for the configured origins ("*" for any).
Preflight requests are answered here; Direct Line clients send `Authorization`,
`Content-Type` and `x-ms-bot-agent`.
"""

from __future__ import annotations

from aiohttp import web

ALLOW_HEADERS = "Authorization, Content-Type, x-ms-bot-agent"
ALLOW_METHODS = "GET, POST, OPTIONS"


def cors_middleware(origins: tuple[str, ...], prefixes: tuple[str, ...]):
    allow_any = "*" in origins

    @web.middleware
    async def middleware(request: web.Request, handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        covered = request.path.startswith(prefixes)
        allowed = covered and origin is not None and (allow_any or origin in origins)
        if covered and request.method == "OPTIONS":
            response: web.StreamResponse = web.Response(status=204 if allowed else 403)
        else:
            response = await handler(request)
        if allowed and origin is not None and not response.prepared:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
            response.headers["Access-Control-Max-Age"] = "600"
            response.headers["Vary"] = "Origin"
        return response

    return middleware
