"""The `relais` command: `relais serve`, `relais messenger setup`, `relais listener ...`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

import aiohttp
from aiohttp import web

from bot.settings import Settings, SettingsError, load_settings
from handoff.listeners import PRESENCES, ROLES, ListenerError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="relais", description="The chatbot front door of a youth helpline."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server (webhooks, health check)")
    serve.add_argument("--host", help="address to listen on (default: server.host setting)")
    serve.add_argument("--port", type=int, help="port to listen on (default: server.port setting)")
    messenger = commands.add_parser("messenger", help="Messenger Page administration")
    messenger_commands = messenger.add_subparsers(dest="messenger_command", required=True)
    setup = messenger_commands.add_parser(
        "setup",
        help="set the Page's Get Started button, greeting, persistent menu and ice breakers",
    )
    setup.add_argument(
        "--dry-run", action="store_true", help="print what would be sent to Meta, send nothing"
    )
    _listener_commands(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
        if args.command == "serve":
            return _serve(settings, args.host, args.port)
        if args.command == "listener":
            return _listener(settings, args)
        return asyncio.run(_messenger_setup(settings, args.dry_run))
    except (SettingsError, ListenerError) as error:
        print(f"relais: error: {error}", file=sys.stderr)
        return 2


def _listener_commands(commands: argparse._SubParsersAction) -> None:
    listener = commands.add_parser("listener", help="listeners' accounts for the console")
    actions = listener.add_subparsers(dest="listener_command", required=True)
    add = actions.add_parser("add", help="create a listener's account")
    add.add_argument("username", help="sign-in name: 2-40 of a-z 0-9 . _ -")
    add.add_argument("--display-name", required=True, help="the pseudonym teens see")
    add.add_argument(
        "--skills", default="", help="comma-separated, from the handoff.skills setting"
    )
    add.add_argument("--role", choices=ROLES, default="listener")
    add.add_argument("--capacity", type=int, default=3, help="conversations at once (1-20)")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password (10 characters or more) from standard input",
    )
    password = actions.add_parser("password", help="set a listener's password")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", required=True)
    actions.add_parser("list", help="list the accounts")
    presence = actions.add_parser("presence", help="set a listener's presence")
    presence.add_argument("username")
    presence.add_argument("status", choices=PRESENCES)


def _listener(settings: Settings, args: argparse.Namespace) -> int:
    from bot.database import open_database
    from handoff.listeners import Listeners

    listeners = Listeners(open_database(settings.database), settings.handoff.skills)
    if args.listener_command == "list":
        for person in listeners.all():
            print(
                f"{person.username}\t{person.display_name}\t{person.role}\t"
                f"{','.join(person.skills) or '-'}\t{person.presence}\t{person.capacity}"
            )
        return 0
    if args.listener_command == "presence":
        listeners.set_presence(args.username, args.status)
        return 0
    secret = sys.stdin.readline().rstrip("\n")
    if args.listener_command == "password":
        listeners.set_password(args.username, secret)
        print(f"password set for {args.username}")
        return 0
    skills = [skill.strip() for skill in args.skills.split(",") if skill.strip()]
    person = listeners.add(
        args.username, args.display_name, secret, skills, args.role, args.capacity
    )
    print(
        f"listener {person.username} added ({person.role}, shown to teens as "
        f"{person.display_name!r})"
    )
    return 0


def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    from bot.app import create_app  # imported here so that `--help` stays instant

    app = create_app(settings)
    web.run_app(
        app,
        host=host or settings.server.host,
        port=port or settings.server.port,
        access_log=None,  # request lines can carry Meta's query strings; nothing to gain
        print=lambda message: logging.getLogger("relais").info(message.strip()),
    )
    return 0


async def _messenger_setup(settings: Settings, dry_run: bool) -> int:
    from bot.channels.graph import GraphClient
    from bot.channels.messenger_profile import profile_body
    from bot.texts import load_texts

    texts = load_texts(settings.config_dir / "locales", settings.languages, settings.helpline)
    body = profile_body(texts)
    if dry_run:
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return 0
    secrets = settings.messenger_secrets
    if secrets is None:
        raise SettingsError(
            "messenger setup needs MESSENGER_PAGE_TOKEN and the other Messenger variables"
        )
    async with aiohttp.ClientSession() as session:
        graph = GraphClient(session, settings.messenger, secrets.page_token)
        outcome = await graph.post("me/messenger_profile", body)
    if outcome.status != "sent":
        print(
            f"relais: error: Meta refused the profile (code {outcome.code}): {outcome.message}",
            file=sys.stderr,
        )
        return 1
    print(
        "Messenger profile set: Get Started, greeting, persistent menu, ice breakers"
        f" ({', '.join(texts.languages)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
