"""The console's pages over real HTTP: sign-in first, security headers, words in both
languages, nothing anyone typed rendered as HTML, the supervisors' figures and CSV export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from bot.app import create_app
from bot.appkeys import DATABASE
from bot.console.pages import CSP, load_canned
from bot.settings import CONFIG_DIR, SettingsError, load_settings
from tests.support.console import ListenerSession, add_listener
from tests.support.directline import Visitor
from tests.support.messenger import quick_reply_event, text_event


@pytest.fixture
async def client(aiohttp_client, settings_for, clock):
    return await aiohttp_client(create_app(settings_for(with_messenger=False), clock))


async def signed_in(client, username="lea", role="listener", **extra) -> ListenerSession:
    add_listener(client, username, role, **extra)
    session = ListenerSession(client, username)
    assert await session.login() == 200
    return session


def page_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="console-data">(.*?)</script>', html)
    assert found, html
    return json.loads(found.group(1))


async def test_the_console_asks_for_a_session_first(client):
    response = await client.get("/console", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console/login"
    response = await client.get("/console/supervision", allow_redirects=False)
    assert response.headers["Location"] == "/console/login"
    response = await client.get("/console/login")
    assert response.status == 200
    html = await response.text()
    assert '<html lang="fr">' in html and "Identifiant" in html and "Mot de passe" in html
    assert '<script type="module" src="/console/static/login.js"></script>' in html


async def test_every_page_has_the_strict_headers(client):
    lea = await signed_in(client)
    for path in ("/console/login", "/console"):
        response = await lea.client.get(path, allow_redirects=False)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert "script-src 'self';" in CSP and "'unsafe-inline'" not in CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
    html = await (await lea.client.get("/console")).text()
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", html)
    assert f'<meta name="csrf-token" content="{lea.csrf}">' in html


async def test_signed_in_the_login_page_leads_to_the_console(client):
    lea = await signed_in(client)
    response = await lea.client.get("/console/login", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console"
    response = await lea.client.get("/console/supervision", allow_redirects=False)
    assert response.headers["Location"] == "/console"  # only supervisors


async def test_the_console_page_carries_what_the_scripts_need(client):
    lea = await signed_in(client, capacity=4)
    html = await (await lea.client.get("/console")).text()
    data = page_data(html)
    assert data["me"]["username"] == "lea" and data["me"]["capacity"] == 4
    assert data["outcomes"][0] == "advice_given" and "psy" in data["skills"]
    assert data["strings"]["outcomes.advice_given"] == "Conseils donnés"
    texts = [item["text"] for items in data["canned"].values() for item in items]
    assert data["canned"]["fr"][0]["title"] and not any("{" in text for text in texts)
    assert any("3114" in item["text"] for item in data["canned"]["fr"])
    assert data["idle_s"] == 1800
    assert "password" not in json.dumps(data["colleagues"])


async def test_hostile_names_are_escaped(client):
    hostile = "<img src=x onerror=alert(1)>"
    lea = await signed_in(client, display_name=hostile)
    html = await (await lea.client.get("/console")).text()
    assert hostile not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # In the JSON block too: no tag can close the script element early.
    block = re.search(r'id="console-data">(.*?)</script>', html).group(1)
    assert "<" not in block and "\\u003cimg" in block


async def test_the_language_is_chosen_and_remembered(client):
    lea = await signed_in(client)
    response = await lea.client.get("/console?lang=en")
    html = await response.text()
    assert '<html lang="en">' in html and "Sign out" in html
    cookie = response.cookies["relais_console_lang"]
    assert cookie.value == "en" and cookie["httponly"] and cookie["samesite"] == "Strict"
    html = await (await lea.client.get("/console")).text()  # the cookie remembers
    assert "Sign out" in html and page_data(html)["strings"]["queue.title"] == "Queue"
    html = await (await lea.client.get("/console?lang=xx")).text()
    assert '<html lang="en">' in html  # unknown: the remembered language stays


async def test_static_files_are_served_with_their_types(client):
    response = await client.get("/console/static/console.js")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert (await client.get("/console/static/console.css")).content_type == "text/css"
    assert (await client.get("/console/static/../api.py")).status == 404
    assert (await client.get("/console/static/secret.txt")).status == 404


async def test_sign_in_must_be_json(client):
    add_listener(client, "lea")
    response = await client.post(
        "/console/api/login", data="username=lea&password=une phrase de passe"
    )
    assert response.status == 400


async def test_revealing_an_attachment_is_audited(meta):
    client = meta.client
    image = {"type": "image", "payload": {"url": "https://cdn.example.org/a.png"}}
    await meta.say(text_event("teen", "regarde", attachments=[image]))
    await meta.say(quick_reply_event("teen", "Parler à quelqu'un", "ASK_LISTENER"))
    lea = await signed_in(client)
    (waiting,) = (await lea.queue())["waiting"]
    path = f"/conversations/{waiting['id']}"
    assert (await lea.post(path + "/reveal", {"message_id": 1}))[0] == 403  # not holding it
    await lea.post(path + "/claim")
    _, conversation = await lea.get(path)
    shared = next(m for m in conversation["transcript"] if m["attachments"])
    status, body = await lea.post(path + "/reveal", {"message_id": shared["id"]})
    assert status == 200 and body == {"type": "image", "url": "https://cdn.example.org/a.png"}
    audit = list(client.app[DATABASE]["audit_log"].rows_where("action = 'reveal'"))
    assert [(a["username"], a["target"]) for a in audit] == [
        ("lea", f"request:{waiting['id']}:message:{shared['id']}:0")
    ]
    assert (await lea.post(path + "/reveal", {"message_id": shared["id"], "index": 1}))[0] == 404
    assert (await lea.post(path + "/reveal", {"message_id": "1"}))[0] == 400
    response = await lea.client.post(
        f"/console/api{path}/reveal", json={"message_id": shared["id"]}
    )
    assert response.status == 403  # no CSRF token


async def test_new_messages_after_an_id(client):
    visitor = Visitor(client)
    await visitor.start()
    await visitor.say("Parler à quelqu'un", value={"payload": "ASK_LISTENER"})
    lea = await signed_in(client)
    (waiting,) = (await lea.queue())["waiting"]
    path = f"/conversations/{waiting['id']}"
    await lea.post(path + "/claim")
    _, full = await lea.get(path)
    last = full["transcript"][-1]["id"]
    await visitor.say("tu es là ?")
    status, body = await lea.get(f"{path}/messages?after={last}")
    assert status == 200 and [m["text"] for m in body["transcript"]] == ["tu es là ?"]
    assert body["request"]["status"] == "active"
    assert (await lea.get(f"{path}/messages?after=x"))[0] == 400
    sam = await signed_in(client, "sam")
    assert (await sam.get(f"{path}/messages"))[0] == 403


async def test_figures_and_csv_for_supervisors_only(client, clock):
    visitor = Visitor(client)
    await visitor.start()
    await visitor.say("j'ai envie de me suicider")
    await visitor.say("Parler à quelqu'un", value={"payload": "ASK_LISTENER"})
    lea = await signed_in(client)
    assert (await lea.get("/stats"))[0] == 403
    boss = await signed_in(client, "boss", role="supervisor")
    (waiting,) = (await boss.queue())["waiting"]
    clock.advance(seconds=90)
    await boss.post(f"/conversations/{waiting['id']}/claim")
    await boss.post(f"/conversations/{waiting['id']}/close", {"outcome": "referred_emergency"})
    status, stats = await boss.get("/stats?weeks=2")
    assert status == 200 and len(stats["days"]) == 14
    today = stats["today"]
    assert today["day"] == "2026-12-01"  # contacts: see tests/handoff/test_stats.py
    assert (today["handoffs"], today["urgent"], today["urgent_share"]) == (1, 1, 1.0)
    assert today["median_wait_s"] == 90 and today["longest_wait_s"] == 90
    assert today["outcomes"]["referred_emergency"] == 1
    assert (await boss.get("/stats?weeks=0"))[0] == 400

    response = await boss.client.get("/console/api/stats.csv?weeks=1")
    assert response.status == 200 and response.content_type == "text/csv"
    assert 'filename="relais-2026-11-25-2026-12-01.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0][:3] == ["day", "contacts_total", "contacts_facebook"]
    assert len(rows) == 8 and rows[-1][0] == "2026-12-01"
    assert dict(zip(rows[0], rows[-1], strict=True))["outcome_referred_emergency"] == "1"
    assert (await lea.client.get("/console/api/stats.csv")).status == 403

    html = await (await boss.client.get("/console/supervision")).text()
    assert "Supervision" in html and "/console/static/supervision.js" in html


def test_canned_responses_are_checked_at_start_up(tmp_path):
    settings = load_settings({})
    canned = load_canned(CONFIG_DIR / "canned.yaml", settings.languages, settings.helpline)
    assert set(canned) == {"fr", "en"} and all(canned.values())
    bad = tmp_path / "canned.yaml"
    bad.write_text("fr:\n  - title: Salut\n")
    with pytest.raises(SettingsError, match=r"needs exactly a title and a text"):
        load_canned(bad, settings.languages, settings.helpline)
    bad.write_text("de: []\n")
    with pytest.raises(SettingsError, match="unknown language 'de'"):
        load_canned(bad, settings.languages, settings.helpline)
    bad.write_text("fr:\n  - title: A\n    text: appelle le {numbers.nope}\n")
    with pytest.raises(SettingsError, match="bad placeholder"):
        load_canned(bad, settings.languages, settings.helpline)
    only_fr = tmp_path / "fr-only.yaml"
    only_fr.write_text("fr:\n  - title: A\n    text: B\n")
    assert load_canned(only_fr, ("fr", "en"), settings.helpline)["en"] == [
        {"title": "A", "text": "B"}
    ]
