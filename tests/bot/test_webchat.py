"""The site chat's browser side over HTTP: the demo page, the widget's files and its words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import yaml
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.settings import CONFIG_DIR
from bot.webchat import STATIC


@pytest.fixture
async def client(aiohttp_client, settings_for) -> TestClient:
    return await aiohttp_client(create_app(settings_for(with_messenger=False)))


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self.lasttag in ("script", "style") and data.strip():
            self.inline_script = True


def widget_keys(lang: str) -> set[str]:
    locale = yaml.safe_load((CONFIG_DIR / "locales" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return set(locale["widget"])


async def test_the_demo_page_is_served_with_a_strict_content_security_policy(client: TestClient):
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    csp = response.headers["Content-Security-Policy"]
    for rule in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
    ):
        assert rule in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = await response.text()
    assert "<title>Démo du chat Relais</title>" in page
    assert '<script src="/webchat/widget.js" data-lang="fr"' in page
    assert 'href="?lang=en"' in page


async def test_the_demo_page_has_nothing_inline_and_nothing_from_elsewhere(client: TestClient):
    parser = Tags()
    parser.feed(await (await client.get("/")).text())
    assert not parser.inline_script
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts == [
        {"src": "/webchat/widget.js", "data-lang": "fr", "data-lang-param": "lang", "defer": None}
    ]
    for tag, attrs in parser.tags:
        assert tag != "style" and "style" not in attrs
        assert not any(name.startswith("on") for name in attrs), tag
        for name in ("src", "href"):
            url = attrs.get(name)
            assert url is None or url.startswith(("/", "?", "data:")), url


@pytest.mark.parametrize(
    ("name", "content_type", "marker"),
    [
        ("widget.js", "application/javascript", "document.currentScript"),
        ("widget.css", "text/css", ".relais-panel"),
    ],
)
async def test_the_widget_files_are_served(client: TestClient, name, content_type, marker):
    response = await client.get(f"/webchat/{name}")
    assert response.status == 200
    assert response.content_type == content_type
    assert response.headers["Cache-Control"] == "no-cache"
    assert marker in await response.text()


@pytest.mark.parametrize("name", ["nope.js", "demo.html", "..%2Fdemo.html", "widget.js.map"])
async def test_an_unknown_widget_file_is_not_found(client: TestClient, name):
    response = await client.get(f"/webchat/{name}")
    assert response.status == 404


def test_the_widget_files_load_nothing_from_elsewhere():
    script = (STATIC / "webchat" / "widget.js").read_text(encoding="utf-8")
    style = (STATIC / "webchat" / "widget.css").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "eval(" not in script and "document.write" not in script
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    # Outside comments, the only absolute URL is the SVG namespace: all else is ORIGIN-based.
    code = re.sub(r"/\*.*?\*/", "", script, flags=re.DOTALL)
    assert re.findall(r"https?://[\w.-]+", code) == ["http://www.w3.org"]


def test_both_languages_have_the_same_widget_words():
    assert widget_keys("fr") == widget_keys("en")
    assert "bot_name" in widget_keys("fr")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_config_gives_every_widget_word_in_the_language_asked(client: TestClient, lang):
    response = await client.get(f"/webchat/config.json?lang={lang}")
    assert response.status == 200
    config = await response.json()
    assert config["lang"] == lang
    assert config["languages"] == ["fr", "en"]
    assert set(config["strings"]) == widget_keys(lang)
    assert all(isinstance(text, str) and text for text in config["strings"].values())
    assert all("{helpline}" not in text for text in config["strings"].values())
    for key in ("listener_joined", "listener_left", "with_listener"):
        assert "{name}" in config["strings"][key]  # filled in by the widget
    assert config["quickExitUrl"].startswith("https://")


async def test_config_speaks_french_by_default_and_for_unknown_languages(client: TestClient):
    for query in ("", "?lang=de", "?lang=FR-fr"):
        config = await (await client.get("/webchat/config.json" + query)).json()
        assert config["lang"] == "fr"
        assert config["strings"]["bot_name"] == "Assistant du 3018"
        assert config["strings"]["quick_exit"] == "Quitter vite"
    english = await (await client.get("/webchat/config.json?lang=en-GB")).json()
    assert english["strings"]["quick_exit"] == "Leave quickly"


async def test_config_names_the_quick_exit_of_the_settings(aiohttp_client, settings_for):
    settings = settings_for(
        with_messenger=False, overrides={"webchat": {"quick_exit_url": "https://example.org/"}}
    )
    client = await aiohttp_client(create_app(settings))
    config = await (await client.get("/webchat/config.json")).json()
    assert config["quickExitUrl"] == "https://example.org/"
