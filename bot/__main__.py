"""One command line for the bot: run (Telegram), chat (terminal), sandbox, replay, corpus."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.config import ConfigError
from bot.privacy import redact_emails_from_logs


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "run",
        help="run the bot in Telegram (long polling; a webhook when TELEGRAM_WEBHOOK_URL is set)",
    )

    sandbox = commands.add_parser("sandbox", help="serve the offline Zimun sandbox over HTTP")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080)
    sandbox.add_argument("--now", help="start the sandbox clock at this ISO-8601 instant")

    chat = commands.add_parser(
        "chat", help="chat with the bot in the terminal (the built-in sandbox without Zimun keys)"
    )
    chat.add_argument(
        "--now", help="start the clock at this ISO-8601 instant, e.g. 2026-11-23T09:00+01:00"
    )
    chat.add_argument("--language", choices=("it", "en"), help="the customer's language")
    chat.add_argument("--user-name", help='the customer\'s name, e.g. "Mario Rossi"')
    chat.add_argument("--record", metavar="FILE", help="write the session as a replay transcript")
    chat.add_argument(
        "--staff",
        action="store_true",
        help="make the terminal user staff: /today, /agenda, /booking, /staff_cancel, ...",
    )
    chat.add_argument(
        "--database-url",
        help="where conversations are kept (default: DATABASE_URL, or a "
        "throwaway SQLite file when chatting with the sandbox)",
    )

    miniapp = commands.add_parser(
        "miniapp", help="serve the Telegram Mini App on localhost (with --sandbox: a fake user)"
    )
    miniapp.add_argument(
        "--sandbox",
        action="store_true",
        required=True,
        help="against the built-in sandbox, with a development-only initData signer",
    )
    miniapp.add_argument("--host", default="127.0.0.1")
    miniapp.add_argument("--port", type=int, default=8090)
    miniapp.add_argument("--now", help="start the clock at this ISO-8601 instant")

    replay = commands.add_parser("replay", help="play conversation transcripts (YAML)")
    replay.add_argument("paths", nargs="+", metavar="PATH", help="transcript files or folders")
    replay.add_argument(
        "--update",
        action="store_true",
        help="rewrite each file's bot lines with what the bot says now (review the result!)",
    )
    replay.add_argument(
        "--show", action="store_true", help="print each passing conversation as it went"
    )
    corpus = commands.add_parser(
        "corpus", help="score the corpus of customer messages end to end (tests/corpus/)"
    )
    corpus.add_argument("paths", nargs="*", metavar="FILE", help="corpus files (default: both)")
    corpus.add_argument("--failures", action="store_true", help="list each failing item")
    return parser


def _chat(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import datetime
    from pathlib import Path

    from bot.config import load_settings
    from bot.console import ChatOptions, chat

    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise ConfigError(f"--now {args.now!r} is not an ISO-8601 date and time") from None
        if now.tzinfo is None:
            raise ConfigError(f"--now {args.now!r} needs a UTC offset, e.g. +01:00")
    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    options = ChatOptions(
        now=now,
        language=args.language,
        user_name=args.user_name,
        record=Path(args.record) if args.record else None,
        database_url=args.database_url,
        staff=args.staff,
    )
    try:
        return asyncio.run(chat(settings, options, stdin=sys.stdin, stdout=sys.stdout))
    except KeyboardInterrupt:
        print()
        return 0


def _miniapp(args: argparse.Namespace) -> int:
    from datetime import datetime

    from bot.config import load_settings
    from bot.miniapp.server import serve_sandbox

    now = datetime.fromisoformat(args.now) if args.now else None
    if now is not None and now.tzinfo is None:
        raise ConfigError(f"--now {args.now!r} needs a UTC offset, e.g. +01:00")
    return serve_sandbox(load_settings(), host=args.host, port=args.port, now=now)


def _run_telegram() -> int:
    from bot.config import load_settings
    from bot.telegram.runner import StartupError, run

    try:
        return run(load_settings())
    except StartupError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    redact_emails_from_logs()
    try:
        if args.command == "run":
            return _run_telegram()
        if args.command == "sandbox":
            from bot.sandbox.server import serve

            return serve(host=args.host, port=args.port, now=args.now)
        if args.command == "chat":
            return _chat(args)
        if args.command == "miniapp":
            return _miniapp(args)
        if args.command == "replay":
            from bot.replay.cli import main as replay_main

            return replay_main(args.paths, update=args.update, show=args.show)
        if args.command == "corpus":
            from bot.replay.corpus import main as corpus_main

            return corpus_main([*args.paths, *(["--failures"] if args.failures else [])])
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
