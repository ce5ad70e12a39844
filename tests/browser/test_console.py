"""The listeners' console in a real browser against a real Relais server, with a teen on the
demo page in a second browser context: the whole hand-off loop, hostile text, supervision.

The server here is open around the clock (every day 00:00-24:00, no public holidays), so the
tests do not depend on when they run. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PASSWORD, Server, running_relais

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "fr-FR"}
TEEN = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}
ALWAYS_OPEN = {
    "timezone": "Europe/Paris",
    "weekly": {
        day: ["00:00-24:00"]
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    },
    "holidays": None,
    "closed": [],
}


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    listeners = (
        ("lea", "Léa", "listener"),
        ("sam", "Sam", "listener"),
        ("chef", "Camille", "supervisor"),
    )
    folder = tmp_path_factory.mktemp("relais-console")
    with running_relais(folder, {"hours": ALWAYS_OPEN}, listeners) as running:
        yield running


class Watch:
    """Script errors, failed responses, dialogs and requests to anywhere else."""

    def __init__(self, page: Page, server: Server) -> None:
        self.server = server
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.urls: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign(self) -> list[str]:
        own = urlsplit(self.server.origin).netloc
        return [u for u in self.urls if not u.startswith("data:") and urlsplit(u).netloc != own]


def sign_in(browser: Browser, server: Server, username: str) -> tuple[Page, Watch]:
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(server.url("/console"))
    expect(page).to_have_url(server.url("/console/login"))
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(server.url("/console"))
    expect(page.locator("#live-status")).to_contain_text("En direct")
    return page, watch


def teen_chat(browser: Browser, server: Server) -> Page:
    page = browser.new_context(**TEEN).new_page()
    page.goto(server.url("/"))
    page.get_by_role("button", name="Écrire au 3018").click()
    expect(page.locator(".relais-list")).to_contain_text("Je suis un robot")
    return page


def teen_says(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Ton message")
    box.fill(text)
    box.press("Enter")


def test_an_urgent_web_chat_from_queue_to_close(browser: Browser, open_server, artifacts: Path):
    server = open_server
    console, watch = sign_in(browser, server, "lea")
    console.get_by_role("radio", name="Disponible").check()
    expect(console.get_by_role("radio", name="Disponible")).to_be_checked()
    expect(console.locator("#capacity-count")).to_have_text("0 / 3")

    teen = teen_chat(browser, server)
    log = teen.locator(".relais-list")
    teen_says(teen, "j'ai envie de me suicider")
    expect(log).to_contain_text("3114")
    teen_says(teen, "je veux parler à quelqu'un")
    expect(log).to_contain_text("file d'attente")

    first = console.locator("#queue > li").first
    expect(first).to_contain_text("URGENT")
    expect(first).to_contain_text("Idées suicidaires")
    expect(first.locator("mark")).to_contain_text("me suicider")
    expect(first).to_contain_text("Chat du site")
    expect(first).to_have_class("request is-urgent")
    console.mouse.move(0, 0)
    console.screenshot(path=artifacts / "console-queue.png")

    first.get_by_role("button", name="Prendre").click()
    expect(console.locator("#conv-title")).to_contain_text("Conversation n°")
    expect(console.locator("#capacity-count")).to_have_text("1 / 3")
    transcript = console.locator("#transcript")
    expect(transcript.locator(".msg--user.is-urgent mark")).to_contain_text("me suicider")
    expect(transcript.locator(".msg--bot").first).to_be_visible()
    expect(log).to_contain_text("Léa, écoutant·e du 3018, a rejoint")

    composer = console.get_by_label("Votre message au jeune")
    composer.fill("Bonjour, je suis Léa. Je suis là, tu peux m'écrire.")
    composer.press("Enter")
    expect(log).to_contain_text("Je suis là, tu peux m'écrire.", timeout=1_000)
    expect(transcript.locator(".msg--listener")).to_contain_text("Léa")

    teen_says(teen, "merci, ils m'insultent sur insta https://instagram.com/p/abc")
    expect(transcript).to_contain_text("ils m'insultent sur insta", timeout=1_000)
    evidence = console.locator("#evidence a")
    expect(evidence).to_have_attribute("href", "https://instagram.com/p/abc")
    expect(evidence).to_have_attribute("rel", "noopener noreferrer")

    console.get_by_label("Nouvelle note").fill("Idées suicidaires, groupe de classe sur Instagram")
    console.get_by_role("button", name="Ajouter la note").click()
    expect(console.locator("#notes")).to_contain_text("groupe de classe sur Instagram")
    composer.fill("Un brouillon pas encore envoyé")
    console.mouse.move(0, 0)
    console.screenshot(path=artifacts / "console-conversation.png")

    console.get_by_label("Issue").select_option(label="Orienté·e vers les secours")
    console.get_by_role("button", name="Clore", exact=True).click()
    expect(console.locator("#toast")).to_contain_text("Conversation close")
    expect(console.locator("#no-conversation")).to_be_visible()
    expect(console.locator("#capacity-count")).to_have_text("0 / 3")
    expect(log).to_contain_text("C'est de nouveau moi, le robot")
    bot_said = log.locator(".relais-msg--bot").count()
    teen_says(teen, "bonjour")
    expect(log.locator(".relais-msg--bot")).not_to_have_count(bot_said)  # the bot answers again
    expect(log.locator(".relais-msg").last).to_have_class(re.compile("relais-msg--bot"))
    assert console.evaluate("Object.keys(sessionStorage).length") == 0  # the draft went too
    assert watch.errors == [] and watch.dialogs == [] and watch.foreign() == []
    console.context.close()
    teen.context.close()


def test_hostile_text_from_a_teen_is_only_text(browser: Browser, open_server, artifacts: Path):
    server = open_server
    console, watch = sign_in(browser, server, "sam")
    console.add_init_script("window.__pwned = false;")  # for the reload below
    console.evaluate("window.__pwned = false")
    teen = teen_chat(browser, server)
    script = "<script>alert(1)</script>"
    image = "<img src=x onerror=alert(1)>"
    flag = '<img src=y onerror="window.__pwned = true">'
    for text in (script, image, flag):
        teen_says(teen, text)
        expect(teen.locator(".relais-msg--user .relais-bubble").last).to_have_text(text)
    teen_says(teen, "je veux parler à quelqu'un")
    expect(teen.locator(".relais-list")).to_contain_text("file d'attente")

    request = console.locator("#queue > li").filter(has_not_text="URGENT").last
    request.get_by_role("button", name="Prendre").click()
    transcript = console.locator("#transcript")
    for text in (script, image, flag):
        expect(transcript.locator(".msg--user .bubble", has_text=text)).to_have_count(1)
    assert transcript.locator("img, script").count() == 0
    assert console.evaluate("window.__pwned") is False
    console.reload()  # opens the same conversation from the address
    expect(transcript.locator(".msg--user .bubble", has_text=flag)).to_have_count(1)
    assert console.evaluate("window.__pwned") is False
    assert watch.dialogs == [] and watch.errors == [] and watch.foreign() == []
    console.context.close()
    teen.context.close()


def test_a_supervisor_sees_the_team_and_the_figures(browser: Browser, open_server, artifacts: Path):
    server = open_server
    console, watch = sign_in(browser, server, "chef")
    console.get_by_role("link", name="Supervision").click()
    expect(console).to_have_url(server.url("/console/supervision"))
    expect(console.locator("#figures")).to_contain_text("Mises en relation")
    expect(console.locator("#chart svg rect").first).to_be_attached()
    expect(console.locator("#people")).to_contain_text("Léa")
    expect(console.locator("#team")).to_contain_text("avec Sam")  # still holding test 2's
    console.screenshot(path=artifacts / "console-supervision.png", full_page=True)
    with console.expect_download() as download:
        console.get_by_role("link", name="Exporter en CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("day,contacts_total") and len(lines) == 29
    console.get_by_role("link", name="English").click()
    expect(console.get_by_role("heading", name="Supervision")).to_be_visible()
    expect(console.locator("#figures")).to_contain_text("Hand-offs")
    assert watch.errors == [] and watch.dialogs == [] and watch.foreign() == []
    console.context.close()
