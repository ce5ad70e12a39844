"""The site chat widget in a real browser against a real Relais server: what a teen sees."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server

MOBILE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}


class Watch:
    """Every request and socket a page opens, and every script error it meets."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda socket: self.urls.append(socket.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response) -> None:
        # A browser asks for /favicon.ico on its own; every other failure is the widget's.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"{response.status} {response.url}")

    def foreign(self, server: Server) -> list[str]:
        own = urlsplit(server.origin).netloc
        return [u for u in self.urls if not u.startswith("data:") and urlsplit(u).netloc != own]


def bubbles(page: Page) -> list[str]:
    return page.locator(".relais-list .relais-bubble").all_inner_texts()


def test_a_teen_chats_reloads_and_leaves_quickly(browser: Browser, server: Server, artifacts):
    context = browser.new_context(**MOBILE)
    page = context.new_page()
    watch = Watch(page)
    page.goto(server.url("/"))
    launcher = page.get_by_role("button", name="Écrire au 3018")
    expect(launcher).to_be_visible()
    page.screenshot(path=artifacts / "webchat-mobile-closed.png")

    launcher.click()
    dialog = page.get_by_role("dialog", name="Assistant du 3018")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Assistant automatique")
    log = page.locator(".relais-list")
    expect(log).to_contain_text("Je suis un robot")
    expect(page.locator(".relais-choice").first).to_have_text("On me harcèle")
    expect(page.get_by_role("button", name="Quitter vite")).to_be_visible()

    box = page.get_by_role("textbox", name="Ton message")
    box.fill("bonjour")
    box.press("Enter")
    expect(page.locator(".relais-msg--user .relais-bubble")).to_have_text(["bonjour"])
    expect(log).to_contain_text("Re-salut")
    expect(page.locator(".relais-msg--user .relais-state")).to_have_text("Envoyé")
    expect(box).to_have_value("")
    page.screenshot(path=artifacts / "webchat-mobile-greeting.png")

    page.locator(".relais-choices").get_by_role("button", name="On me harcèle").click()
    expect(log).to_contain_text("Ce n'est pas ta faute")
    expect(log).to_contain_text("garde les preuves")
    expect(page.get_by_role("button", name="Instagram")).to_be_visible()  # the last question
    page.wait_for_timeout(500)  # let the turn finish: nothing more should come
    page.screenshot(path=artifacts / "webchat-mobile-advice.png")
    before = bubbles(page)
    assert before.count("bonjour") == 1 and before.count("On me harcèle") == 1
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('relais.webchat.v1'))")
    assert stored["conversationId"] and stored["token"] and int(stored["watermark"]) >= 6

    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()  # it was open: it still is
    expect(page.get_by_role("button", name="Instagram")).to_be_visible()
    page.wait_for_timeout(500)
    assert bubbles(page) == before  # the same conversation, nothing twice
    after = page.evaluate("JSON.parse(sessionStorage.getItem('relais.webchat.v1'))")
    assert after["conversationId"] == stored["conversationId"]
    assert page.locator(".relais-choices .relais-choice").count() >= 3

    page.get_by_role("button", name="Quitter vite").click()
    page.wait_for_url(server.quick_exit_url)
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    page.go_back()
    assert page.url != server.url("/")  # Back does not bring the chat back
    assert watch.foreign(server) == []
    assert watch.errors == []
    context.close()


def test_the_chat_works_with_the_keyboard_on_a_desktop(browser: Browser, server: Server, artifacts):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    watch = Watch(page)
    page.goto(server.url("/"))
    launcher = page.get_by_role("button", name="Écrire au 3018")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    box = page.get_by_role("textbox", name="Ton message")
    expect(box).to_be_focused()
    expect(page.get_by_role("button", name="Quitter vite")).to_have_count(2)  # panel and dock
    expect(page.locator(".relais-list")).to_contain_text("anonyme")
    page.keyboard.type("c'est anonyme ?")
    page.keyboard.press("Enter")
    expect(page.locator(".relais-list")).to_contain_text("C'est anonyme")
    live = page.locator("[aria-live=polite]")
    expect(live).to_contain_text("Assistant du 3018 : C'est anonyme")
    page.screenshot(path=artifacts / "webchat-desktop.png")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name="Écrire au 3018")).to_be_focused()
    assert watch.foreign(server) == [] and watch.errors == []
    context.close()


def test_the_chat_speaks_english_when_the_page_asks(browser: Browser, server: Server, artifacts):
    context = browser.new_context(**MOBILE)
    page = context.new_page()
    page.goto(server.url("/?lang=en"))
    page.get_by_role("button", name="Chat with 3018").click()
    expect(page.get_by_role("dialog", name="3018 assistant")).to_be_visible()
    expect(page.get_by_role("button", name="Leave quickly")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    expect(page.locator(".relais-bubble").first).to_be_visible()
    page.screenshot(path=artifacts / "webchat-mobile-english.png")
    context.close()


def test_a_listener_is_shown_as_a_person_and_text_is_never_html(
    browser: Browser, server: Server, artifacts: Path
):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    watch = Watch(page)
    sockets = []

    def through(ws):
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r"/stream\?"), through)
    page.goto(server.url("/"))
    page.get_by_role("button", name="Écrire au 3018").click()
    log = page.locator(".relais-list")
    expect(log).to_contain_text("Je suis un robot")

    def inject(*activities):
        sockets[-1].send(json.dumps({"activities": list(activities)}))

    bot = {"id": "relais", "name": "Assistant du 3018", "role": "bot"}
    inject({"type": "typing", "from": bot})
    expect(page.locator(".relais-typing")).to_be_visible()
    listener = {"id": "listener-1", "name": "Léa", "role": "bot"}
    joined = {"status": "joined", "name": "Léa"}
    hostile = "<img src=x onerror=alert(1)> Salut, moi c'est Léa. Lis https://example.org/aide."
    inject(
        {"type": "event", "id": "t|9000001", "name": "relais.listener", "value": joined},
        {
            "type": "message",
            "id": "t|9000002",
            "from": listener,
            "text": hostile + " Pas ça : javascript:alert(1)",
            "channelData": {"relais": {"sender": "listener"}},
        },
    )
    expect(log).to_contain_text("Léa, écoutant·e du 3018, a rejoint la conversation")
    message = page.locator(".relais-msg--listener")
    expect(message).to_contain_text("<img src=x onerror=alert(1)>")
    expect(message.locator(".relais-who")).to_contain_text("Léa")
    expect(message.locator(".relais-badge")).to_have_text("écoutant·e")
    expect(page.locator(".relais-subtitle")).to_have_text("Avec Léa, écoutant·e · anonyme")
    expect(page.locator(".relais-typing")).to_be_hidden()  # a message ends the typing
    assert page.locator(".relais-list img").count() == 0
    links = message.locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example.org/aide")
    expect(links).to_have_attribute("rel", "noopener noreferrer")
    expect(links).to_have_attribute("target", "_blank")
    inject({"type": "event", "id": "t|9000001", "name": "relais.listener", "value": joined})
    expect(page.locator(".relais-event")).to_have_count(1)  # the same id twice shows once
    page.screenshot(path=artifacts / "webchat-desktop-listener.png")
    inject(
        {
            "type": "event",
            "id": "t|9000003",
            "name": "relais.listener",
            "value": {"status": "left", "name": "Léa"},
        }
    )
    expect(log).to_contain_text("Léa a quitté la conversation")
    subtitle = page.locator(".relais-subtitle")
    expect(subtitle).to_have_text("Assistant automatique · anonyme et gratuit")

    # The socket drops: the widget reconnects by itself and carries on.
    sockets[-1].close()
    expect(page.locator(".relais-status")).to_contain_text("reconnecte")
    expect(page.locator(".relais-status")).to_be_hidden(timeout=10_000)
    assert len(sockets) == 2 and "watermark=" in sockets[-1].url
    page.get_by_role("textbox", name="Ton message").fill("bonjour")
    page.keyboard.press("Enter")
    expect(log).to_contain_text("Re-salut")
    assert log.inner_text().count("Je suis un robot") == 1  # the reconnect replayed nothing twice
    assert watch.foreign(server) == [] and watch.errors == []
    context.close()


def test_without_websockets_the_chat_polls(browser: Browser, server: Server):
    context = browser.new_context(**DESKTOP)
    context.add_init_script("window.WebSocket = undefined;")
    page = context.new_page()
    watch = Watch(page)
    page.goto(server.url("/"))
    page.get_by_role("button", name="Écrire au 3018").click()
    log = page.locator(".relais-list")
    expect(log).to_contain_text("Je suis un robot")
    page.get_by_role("button", name="Je suis témoin").click()
    expect(log).to_contain_text("Merci de t'en soucier")
    expect(page.locator(".relais-msg--user .relais-state")).to_have_text("Envoyé")
    assert not any(u.startswith("ws") for u in watch.urls)
    assert watch.foreign(server) == [] and watch.errors == []
    context.close()
