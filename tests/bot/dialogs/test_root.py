"""Conversation flows as a teen, a witness or a parent lives them (through Messenger)."""

from __future__ import annotations

import json
import shutil

from bot.app import create_app
from bot.appkeys import DATABASE
from bot.settings import CONFIG_DIR
from tests.support.messenger import Messenger, postback_event, quick_reply_event, text_event


def quick_titles(graph, psid):
    last = [m for m in graph.messages if m["recipient"]["id"] == psid][-1]["message"]
    return [q["title"] for q in last.get("quick_replies", [])]


async def test_get_started_greets_and_says_it_is_a_bot(meta: Messenger, graph):
    await meta.say(postback_event("t1", "Commencer", "GET_STARTED"))
    texts = graph.texts_to("t1")
    assert "robot" in texts[0] and "anonyme" in texts[1] and "danger" in texts[1]
    assert "Je suis témoin" in quick_titles(graph, "t1")


async def test_first_message_describing_harassment_is_greeted_then_advised(meta: Messenger, graph):
    await meta.say(text_event("t2", "on m'insulte sur insta depuis une semaine"))
    texts = graph.texts_to("t2")
    assert "robot" in texts[0]  # says it is a bot first
    evidence = next(i for i, t in enumerate(texts) if "preuves" in t)
    blocking = next(i for i, t in enumerate(texts) if t.startswith("🚫 Bloquer sur Instagram"))
    assert evidence < blocking  # evidence before blocking, always
    assert quick_titles(graph, "t2") == ["Parler à quelqu'un", "Ça va, merci"]


async def test_accepting_the_offer_records_a_handoff_and_says_what_happens(meta: Messenger, graph):
    await meta.say(quick_reply_event("t3", "Je suis témoin", "WITNESS"))
    assert any("Ne like pas" in t for t in graph.texts_to("t3"))
    graph.messages.clear()
    await meta.say(text_event("t3", "oui"))
    texts = graph.texts_to("t3")
    assert "transmise" in texts[0] and texts[1] == "Tu es n°1 dans la file d'attente."
    (row,) = meta.client.app[DATABASE]["handoff_requests"].rows
    assert row["reason"] == "asked" and row["urgent"] == 0
    assert json.loads(row["triage"])["role"] == "witness"


async def test_declining_the_offer_is_respected(meta: Messenger, graph):
    await meta.say(quick_reply_event("t4", "Je suis parent", "PARENT"))
    assert any("confisquer" in t for t in graph.texts_to("t4"))
    graph.messages.clear()
    await meta.say(quick_reply_event("t4", "Ça va, merci", "NO_THANKS"))
    assert graph.texts_to("t4") == [
        "D'accord. Je reste là si tu as besoin, écris-moi quand tu veux."
    ]
    assert meta.client.app[DATABASE]["handoff_requests"].count == 0


async def test_asking_for_a_person_works_in_the_middle_of_a_dialog(meta: Messenger, graph):
    await meta.say(quick_reply_event("t5", "On me harcèle", "VICTIM"))
    graph.messages.clear()
    await meta.say(text_event("t5", "je veux parler à quelqu'un"))
    assert "transmise" in graph.texts_to("t5")[0]
    graph.messages.clear()
    await meta.say(text_event("t5", "je veux parler à quelqu'un"))
    assert graph.texts_to("t5") == [
        "Ta demande est déjà transmise. Un·e écoutant·e te répondra ici dès que possible.",
        "Tu es n°1 dans la file d'attente.",
    ]


async def test_an_english_teen_is_answered_in_english(meta: Messenger, graph):
    await meta.say(text_event("t6", "hi, someone made a fake account of me on instagram"))
    texts = graph.texts_to("t6")
    assert texts[0].startswith("Hi") and "bot" in texts[0]
    assert any(t.startswith("🚫 Blocking on Instagram") for t in texts)
    graph.messages.clear()
    await meta.say(text_event("t6", "merci"))  # one word does not switch back to French
    assert graph.texts_to("t6")[0].startswith("You're welcome")


async def test_how_to_report_on_a_platform_gets_that_platforms_steps(meta: Messenger, graph):
    await meta.say(text_event("t7", "salut"))
    graph.messages.clear()
    await meta.say(text_event("t7", "comment on signale un compte sur tiktok ?"))
    texts = graph.texts_to("t7")
    assert texts[0].startswith("📸 Garder les preuves sur TikTok")
    assert any(t.startswith("🚩 Signaler sur TikTok") for t in texts)


async def test_an_image_is_not_kept_and_the_bot_asks_for_a_description(meta: Messenger, graph):
    await meta.say(text_event("t8", "salut"))
    graph.messages.clear()
    image = text_event(
        "t8", "", attachments=[{"type": "image", "payload": {"url": "https://cdn.example/x.jpg"}}]
    )
    del image["message"]["text"]
    await meta.say(image)
    assert "je ne les garde pas" in graph.texts_to("t8")[0]


async def test_questions_about_the_service_are_answered(meta: Messenger, graph):
    await meta.say(text_event("t9", "salut"))
    for question, expected in [
        ("t'es un robot ?", "Oui, je suis un robot"),
        ("c'est anonyme ?", "C'est anonyme"),
        ("vous êtes ouverts quand ?", "du lundi au vendredi"),
    ]:
        graph.messages.clear()
        await meta.say(text_event("t9", question))
        assert expected in graph.texts_to("t9")[0], question


async def test_the_transcript_keeps_the_analysis_for_listeners(meta: Messenger, graph):
    await meta.say(text_event("t10", "on me dit kys en mp"))
    rows = list(meta.client.app[DATABASE]["transcript"].rows_where(order_by="id"))
    first = rows[0]
    assert (first["role"], first["conversation"]) == ("user", "facebook:t10")
    analysis = json.loads(first["analysis"])
    assert analysis["urgent"] and analysis["evidence"]
    assert {r["role"] for r in rows[1:]} == {"bot"}


async def test_a_long_sentence_is_split_for_messenger(
    aiohttp_client, settings_for, graph_url, graph, tmp_path
):
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    fr = config / "locales" / "fr.yaml"
    long_hello = "Bienvenue. " * 400  # 4,400 characters
    fr.write_text(fr.read_text().replace("  hello: >-\n", f"  hello: >-\n    {long_hello}\n", 1))
    client = await aiohttp_client(create_app(settings_for(graph_url, config_dir=config)))
    await Messenger(client).say(text_event("t11", "bonjour"))
    texts = graph.texts_to("t11")
    assert all(len(t) <= 2000 for t in texts)
    assert texts[0].startswith("Bienvenue.") and texts[2].startswith("Bienvenue.")


async def test_the_bot_shows_typing_before_a_long_answer(meta: Messenger, graph):
    await meta.say(text_event("t12", "bonjour"))
    assert graph.actions == [{"recipient": {"id": "t12"}, "sender_action": "typing_on"}]


async def test_a_failing_turn_still_answers_with_the_emergency_numbers(meta: Messenger, graph):
    db = meta.client.app[DATABASE]
    db["bot_state"].insert(
        {"key": "facebook/conversations/t13", "data": "{not json", "etag": 1, "updated_at": "x"}
    )
    await meta.say(text_event("t13", "bonjour"))
    texts = graph.texts_to("t13")
    assert texts == [texts[0]] and "problème technique" in texts[0] and "3114" in texts[0]
    graph.messages.clear()
    await meta.say(text_event("t13", "bonjour"))  # the broken state was cleared
    assert "robot" in graph.texts_to("t13")[0]


async def test_how_to_report_after_naming_a_platform_uses_that_platform(meta: Messenger, graph):
    await meta.say(text_event("t14", "on a fait un faux compte de moi sur insta"))
    graph.messages.clear()
    await meta.say(text_event("t14", "comment je fais pour le faire supprimer"))
    assert graph.texts_to("t14")[0].startswith("📸 Garder les preuves sur Instagram")
