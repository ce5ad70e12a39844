"""The site chat's browser side: the widget's files, its words, and the demo page at `/`.

The widget is plain JavaScript and CSS with no build step, served by Relais itself: a teen's
visit reaches only the helpline's server. Its words come from `widget.*` in the locales.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.settings import WebchatSettings
from bot.texts import Texts

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"widget.js": "application/javascript", "widget.css": "text/css"}
# The demo page loads only what Relais serves; nothing inline, nothing from elsewhere.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class Webchat:
    def __init__(self, texts: Texts, settings: WebchatSettings) -> None:
        self._texts = texts
        self._settings = settings

    async def asset(self, request: web.Request) -> web.FileResponse:
        name = request.match_info["name"]
        if name not in ASSETS:
            raise web.HTTPNotFound(text="no such widget file")
        response = web.FileResponse(STATIC / "webchat" / name)
        response.content_type = ASSETS[name]
        response.headers["Cache-Control"] = "no-cache"
        return response

    async def config(self, request: web.Request) -> web.Response:
        """What the widget needs to speak: its words in the page's language, the quick exit."""
        lang = self._texts.language(request.query.get("lang", "").split("-")[0].lower())
        strings = {
            key.removeprefix("widget."): self._texts.get(lang, key)
            for key in self._texts.keys("widget")
        }
        return web.json_response(
            {
                "lang": lang,
                "languages": list(self._texts.languages),
                "strings": strings,
                "quickExitUrl": self._settings.quick_exit_url,
                "maxTextLength": self._settings.max_text_length,
            },
            headers={"Cache-Control": "no-cache"},
        )

    async def demo(self, request: web.Request) -> web.FileResponse:
        response = web.FileResponse(STATIC / "demo.html")
        response.headers["Content-Security-Policy"] = PAGE_CSP
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/", self.demo)
        router.add_get("/webchat/config.json", self.config)
        router.add_get("/webchat/{name}", self.asset)
