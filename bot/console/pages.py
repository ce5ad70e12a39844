"""The listeners' console pages: server-rendered HTML (Jinja2, autoescaped) and the plain
JavaScript modules and stylesheet that make the queue and conversations live.

Everything is served by Relais itself: no build step, nothing from elsewhere, and a
Content-Security-Policy without inline scripts or styles on every page. What teens (or
harassers) wrote never reaches these templates: the scripts fetch it from the JSON API and show
it with `textContent`. The words come from `console.*` in the locales, French by default; a
language chosen with `?lang=` is remembered in a cookie. Canned responses come from
`config/canned.yaml`, checked at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import aiohttp_jinja2
import jinja2
import yaml
from aiohttp import web

from bot.console.api import ConsoleApi
from bot.settings import HelplineSettings, Settings, SettingsError
from bot.texts import Texts

AnyResponse = TypeVar("AnyResponse", bound=web.StreamResponse)

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static" / "console"
ASSETS = {
    "console.css": "text/css",
    "console.js": "text/javascript",
    "login.js": "text/javascript",
    "supervision.js": "text/javascript",
    "common.js": "text/javascript",
    "alerts.js": "text/javascript",
    "chart.js": "text/javascript",
}
LANG_COOKIE = "relais_console_lang"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self' ws: wss:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
MAX_CANNED_TITLE = 60
MAX_CANNED_TEXT = 1000


@dataclass(frozen=True)
class PageContext:
    """What every console page needs beyond the session: words, canned responses, settings."""

    texts: Texts
    canned: dict[str, list[dict[str, str]]]
    settings: Settings


CONSOLE_PAGES = web.AppKey("console_pages", PageContext)


def setup_console_pages(app: web.Application, texts: Texts, settings: Settings) -> None:
    """Templates (autoescaped) and what the pages read; a bad canned.yaml stops start-up."""
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    canned = load_canned(settings.config_dir / "canned.yaml", settings.languages, settings.helpline)
    app[CONSOLE_PAGES] = PageContext(texts, canned, settings)


def load_canned(
    path: Path, languages: tuple[str, ...], helpline: HelplineSettings
) -> dict[str, list[dict[str, str]]]:
    """`{lang: [{title, text}]}` with the settings' numbers filled in (`{numbers.suicide}`);
    a language left out gets the first language's list."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        data = {}
    except (OSError, yaml.YAMLError) as error:
        raise SettingsError(f"canned responses {path} cannot be read: {error}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"canned responses {path}: expected a mapping of languages")
    canned: dict[str, list[dict[str, str]]] = {}
    for lang, items in data.items():
        if lang not in languages:
            raise SettingsError(f"canned responses {path}: unknown language {lang!r}")
        if not isinstance(items, list):
            raise SettingsError(f"canned responses {path}: '{lang}' must be a list")
        canned[lang] = [
            _canned_item(item, f"{path} {lang}[{i}]", helpline) for i, item in enumerate(items)
        ]
    for lang in languages:
        canned.setdefault(lang, canned.get(languages[0], []))
    return canned


def _canned_item(item: Any, where: str, helpline: HelplineSettings) -> dict[str, str]:
    if not isinstance(item, dict) or set(item) != {"title", "text"}:
        raise SettingsError(f"canned responses {where}: needs exactly a title and a text")
    title, text = item["title"], item["text"]
    if not isinstance(title, str) or not 0 < len(title.strip()) <= MAX_CANNED_TITLE:
        raise SettingsError(f"canned responses {where}: title must be 1-{MAX_CANNED_TITLE} chars")
    if not isinstance(text, str) or not 0 < len(text.strip()) <= MAX_CANNED_TEXT:
        raise SettingsError(f"canned responses {where}: text must be 1-{MAX_CANNED_TEXT} chars")
    try:
        filled = text.strip().format(
            numbers=SimpleNamespace(**helpline.numbers),
            links=SimpleNamespace(**helpline.links),
            helpline=helpline.name,
        )
    except (KeyError, AttributeError, IndexError, ValueError) as error:
        raise SettingsError(f"canned responses {where}: bad placeholder ({error})") from None
    return {"title": title.strip(), "text": filled}


class ConsolePages:
    def __init__(self, api: ConsoleApi) -> None:
        self._api = api

    async def login(self, request: web.Request) -> web.Response:
        lang = _language(request)
        if self._api.signed_in(request) is not None:
            return _secure(_redirect("/console"), request, lang)
        context = _page(request, lang, "login")
        context["expired"] = request.query.get("expired") == "1"
        return self._render("console/login.html", request, lang, context)

    async def console(self, request: web.Request) -> web.Response:
        lang = _language(request)
        who = self._api.signed_in(request)
        if who is None:
            return _secure(_redirect("/console/login"), request, lang)
        listener, csrf = who
        page = request.app[CONSOLE_PAGES]
        context = _page(request, lang, "console", listener, csrf)
        context["data"] = {
            **context["data"],
            "outcomes": list(page.settings.handoff.outcomes),
            "skills": list(page.settings.handoff.skills),
            "canned": page.canned,
            "colleagues": self._api.colleagues(),
        }
        return self._render("console/console.html", request, lang, context)

    async def supervision(self, request: web.Request) -> web.Response:
        lang = _language(request)
        who = self._api.signed_in(request)
        if who is None:
            return _secure(_redirect("/console/login"), request, lang)
        listener, csrf = who
        if listener.role != "supervisor":
            return _secure(_redirect("/console"), request, lang)
        context = _page(request, lang, "supervision", listener, csrf)
        outcomes = request.app[CONSOLE_PAGES].settings.handoff.outcomes
        context["data"] = {**context["data"], "outcomes": list(outcomes)}
        return self._render("console/supervision.html", request, lang, context)

    async def asset(self, request: web.Request) -> web.FileResponse:
        name = request.match_info["name"]
        if name not in ASSETS:
            raise web.HTTPNotFound(text="no such console file")
        response = web.FileResponse(STATIC / name)
        response.content_type = ASSETS[name]
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @staticmethod
    def _render(
        template: str, request: web.Request, lang: str, context: dict[str, Any]
    ) -> web.Response:
        response = aiohttp_jinja2.render_template(template, request, context)
        return _secure(response, request, lang)


def _page(
    request: web.Request, lang: str, name: str, listener=None, csrf: str = ""
) -> dict[str, Any]:
    page = request.app[CONSOLE_PAGES]
    texts = page.texts
    strings = {key.removeprefix("console."): texts.get(lang, key) for key in texts.keys("console")}

    def t(key: str, **values: str) -> str:
        return texts.get(lang, f"console.{key}", **values)

    me = None
    if listener is not None:
        me = {
            "username": listener.username,
            "display_name": listener.display_name,
            "role": listener.role,
            "presence": listener.presence,
            "capacity": listener.capacity,
            "skills": list(listener.skills),
        }
    return {
        "t": t,
        "lang": lang,
        "languages": [
            {"code": code, "name": texts.get(code, "console.language_self")}
            for code in texts.languages
        ],
        "page": name,
        "csrf": csrf,
        "me": me,
        "helpline": page.settings.helpline.name,
        "data": {
            "lang": lang,
            "strings": strings,
            "me": me,
            "idle_s": page.settings.handoff.session_idle_s,
        },
    }


def _redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def _language(request: web.Request) -> str:
    texts = request.app[CONSOLE_PAGES].texts
    for asked in (request.query.get("lang"), request.cookies.get(LANG_COOKIE)):
        code = (asked or "").split("-")[0].lower()
        if code in texts.languages:
            return code
    return texts.default_language


def _secure(response: AnyResponse, request: web.Request, lang: str) -> AnyResponse:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    if request.query.get("lang") == lang and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            path="/console",
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )
    return response
