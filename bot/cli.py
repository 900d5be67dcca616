"""The ``kuzet`` command: run the bot, update the schema, scan files, manage templates, print digests, export."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import signal
import sys
import time
from pathlib import Path

from telegram.error import InvalidToken, NetworkError
from tqdm import tqdm

from bot import image_scan
from bot.app import semantic_stage, serve
from bot.chain_files import ChainUnreadable, read_folder, read_site, write_chain
from bot.config import DEFAULT_WEB_LISTEN, Settings, load_settings
from bot.core.evidence import check_published
from bot.core.periods import last_complete_week, week_bounds
from bot.database_url import DatabaseUrl
from bot.errors import ConfigError, MigrationError, StorageUnavailable
from bot.export import write_export
from bot.i18n import SUPPORTED_LOCALES, I18n, locale_from_telegram
from bot.image_scan import image_files, is_image_input, scan_images
from bot.logs import configure_logging
from bot.pseudonyms import Pseudonymizer, load_reporter_key
from bot.render import as_plain_text
from bot.render.digest import digest_text
from bot.resources import data_dir
from bot.scan import BadTemplates, ScanInputError, read_messages, read_templates, scan, write_csv, write_jsonl
from bot.service.digest import build_digest
from bot.service.evidence import verify_chain
from bot.service.export import verified_cases
from bot.service.installation import check_reporter_key
from bot.service.matching import all_templates, build_matcher, import_templates, load_starter_pack, records_matcher
from bot.store import Store
from bot.store.copy import SchemasDiffer, TargetNotEmpty, copy_database
from bot.web import site_served

EXIT_CONFIG = 2
CLI_AUTHOR = "cli"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kuzet", description="Kuzet: report fake accounts and copy-paste propaganda.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="play the whole story offline against a local Bot API; no token needed")
    demo.add_argument("--lang", default="en", help=f"whose point of view: one of {', '.join(SUPPORTED_LOCALES)}")
    demo.add_argument("--output", type=Path, default=Path("kuzet-demo"), help="folder for the transcript and chart")
    commands.add_parser("run", help="run the bot (long polling, or a webhook with WEBHOOK_URL); needs BOT_TOKEN")
    commands.add_parser("migrate", help="create or update the database schema, then exit")
    commands.add_parser(
        "web", help="serve the public site and open data from the database on WEB_LISTEN (default 127.0.0.1:8090)"
    )
    scan_parser = commands.add_parser(
        "scan", help="match many messages from a file against the templates, or pictures against the image bank"
    )
    scan_parser.add_argument(
        "input",
        help=".txt (a message a line), .csv (text, optional id), .jsonl, or - for JSONL on stdin; "
        "or an image file (.jpg, .png, .webp…) or a folder of them",
    )
    scan_parser.add_argument("--templates", type=Path, help="JSONL templates (id, text); default: the database's")
    scan_parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    scan_parser.add_argument(
        "--threshold", type=float, help="lexical template score from which a match counts (0 to 1)"
    )
    scan_parser.add_argument(
        "--no-semantic",
        dest="semantic",
        action="store_false",
        help="lexical matching only: no reworded or translated lines, nothing to encode",
    )
    templates = commands.add_parser("templates", help="import or export the template bank").add_subparsers(
        dest="action", required=True
    )
    templates.add_parser("import", help="add the templates of a JSONL file to the bank").add_argument("file", type=Path)
    templates.add_parser("export", help="write the template bank as JSONL to standard output")
    digest = commands.add_parser("digest", help="print a week's digest draft")
    digest.add_argument("--week", help="ISO week as YYYY-Www (default: the last complete week)")
    digest.add_argument("--lang", default=None, help=f"one of {', '.join(SUPPORTED_LOCALES)} (default: DEFAULT_LOCALE)")
    database = commands.add_parser("db", help="move a deployment between databases").add_subparsers(
        dest="action", required=True
    )
    copy = database.add_parser("copy", help="copy a SQLite database into an empty PostgreSQL one, then compare counts")
    copy.add_argument("source", help="sqlite:///path/to/kuzet.db")
    copy.add_argument("target", help="postgresql://user@host:5432/dbname (empty)")
    export = commands.add_parser("export", help="write the verified cases (never who reported them)")
    export.add_argument("--format", choices=("csv", "json"), default="json")
    export.add_argument("--since", help="only cases verified on or after this date, YYYY-MM-DD (in TIMEZONE)")
    verify = commands.add_parser(
        "verify-chain",
        help="check the evidence chain: against the database, or as published (files or a site); 0 when it holds",
    )
    source = verify.add_mutually_exclusive_group()
    source.add_argument("--files", type=Path, help="a folder written by `kuzet chain-files` or mirrored from /chain/")
    source.add_argument("--url", help="a Kuzet site, e.g. https://kuzet.example.org")
    verify.add_argument(
        "--expect", help="a link seen elsewhere (a digest message, a citation): it must be in the chain"
    )
    chain_files = commands.add_parser("chain-files", help="write the evidence chain's files into a folder")
    chain_files.add_argument("folder", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    try:
        settings = load_settings()
        configure_logging(
            settings.log_level,
            [
                settings.bot_token or "",
                settings.reporter_key or "",
                settings.database.password or "",
                settings.webhook.secret if settings.webhook else "",
            ],
            telegram_payloads=settings.log_telegram_payloads,
        )
        if args.command == "run":
            return _run(settings)
        command = {
            "migrate": _migrate,
            "scan": _scan,
            "templates": _templates,
            "digest": _digest,
            "export": _export,
            "db": _db_copy,
            "web": _web,
            "verify-chain": _verify_chain,
            "chain-files": _chain_files,
        }[args.command]
        return asyncio.run(command(settings, args))
    except ConfigError as exc:
        print(f"kuzet: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except BadTemplates as exc:
        label = " ".join(filter(None, ("kuzet", args.command, getattr(args, "action", None))))
        for number, problem in exc.problems:
            print(f"{label}: {exc.path} line {number}: {problem}", file=sys.stderr)
        count = len(exc.problems)
        print(
            f"{label}: {count} bad line{'' if count == 1 else 's'} in {exc.path}; nothing "
            f"{'scanned' if args.command == 'scan' else 'added'}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except (MigrationError, ScanInputError, ChainUnreadable) as exc:
        print(f"kuzet: {exc}", file=sys.stderr)
        return 1
    except StorageUnavailable as exc:
        print(f"kuzet: the database is unavailable: {exc}", file=sys.stderr)
        return 1


def _demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.demo import run_demo  # rich and the sandbox load only for the demo

    lang = locale_from_telegram(args.lang)
    if lang is None:
        print(f"kuzet demo: --lang must be one of {', '.join(SUPPORTED_LOCALES)}, got {args.lang!r}", file=sys.stderr)
        return EXIT_CONFIG
    asyncio.run(run_demo(lang, args.output, Console(record=True)))
    return 0


def _run(settings: Settings) -> int:
    try:
        asyncio.run(serve(settings))
    except InvalidToken:
        raise ConfigError("BOT_TOKEN", "was refused by the Bot API (check it with @BotFather)") from None
    except NetworkError as exc:
        print(f"kuzet: cannot reach the Bot API at {settings.bot_api_url}: {exc.message}", file=sys.stderr)
        return 1
    return 0


async def _open_store(settings: Settings) -> Store:
    store = await Store.open(settings.database)
    await load_starter_pack(store, int(time.time()))
    return store


async def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    store = await Store.open(settings.database)
    await store.close()
    print(f"kuzet: database {settings.database} is up to date", file=sys.stderr)
    return 0


async def _web(settings: Settings, args: argparse.Namespace) -> int:
    """Serve the site until SIGINT or SIGTERM."""
    host, port = settings.web.listen or DEFAULT_WEB_LISTEN
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    store = await Store.open(settings.database)
    try:
        async with site_served(store, settings, host, port):
            print(f"kuzet web: serving http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
            await stop.wait()
    finally:
        await store.close()
    return 0


async def _db_copy(settings: Settings, args: argparse.Namespace) -> int:
    urls = []
    for name, raw in (("SOURCE", args.source), ("TARGET", args.target)):
        try:
            urls.append(DatabaseUrl.parse(raw))
        except ValueError as exc:
            raise ConfigError(name, str(exc)) from None
    source = await Store.open(urls[0])
    try:
        target = await Store.open(urls[1])
        try:
            counts = await copy_database(source.db, target.db, _copy_progress)
        finally:
            await target.close()
    except (TargetNotEmpty, SchemasDiffer) as exc:
        print(f"kuzet db copy: {exc}; nothing was copied", file=sys.stderr)
        return 1
    finally:
        await source.close()
    print(f"\n{'table':24} {'source':>10} {'target':>10}", file=sys.stderr)
    for count in counts:
        mark = "" if count.source == count.target else "  ← differs"
        print(f"{count.table:24} {count.source:>10} {count.target:>10}{mark}", file=sys.stderr)
    if any(c.source != c.target for c in counts):
        print("kuzet db copy: the counts differ; do not switch over", file=sys.stderr)
        return 1
    print(f"kuzet db copy: {urls[0]} copied into {urls[1]}; every count matches", file=sys.stderr)
    return 0


def _copy_progress(table: str, rows: int) -> None:
    print(f"\r{table}: {rows} rows", end="", file=sys.stderr, flush=True)


def _complain(number: int, problem: str) -> None:
    print(f"kuzet scan: line {number}: {problem}", file=sys.stderr)


async def _scan(settings: Settings, args: argparse.Namespace) -> int:
    if is_image_input(args.input):
        return await _scan_images(settings, args)
    thresholds = settings.thresholds
    if args.threshold is not None:
        if not 0 < args.threshold <= 1:
            raise ConfigError("--threshold", f"must be above 0 and at most 1, got {args.threshold}")
        thresholds = dataclasses.replace(thresholds, template=args.threshold)
    semantic = await semantic_stage(settings) if args.semantic else None
    if args.templates is not None:
        matcher = await records_matcher(read_templates(args.templates), thresholds, semantic)
    else:
        store = await _open_store(settings)
        try:
            matcher = await build_matcher(store, thresholds, semantic)
        finally:
            await store.close()
    messages = tqdm(read_messages(args.input, _complain), desc="scanning", unit=" msg", file=sys.stderr, disable=None)
    encoding = tqdm(desc="encoding", unit=" msg", file=sys.stderr, disable=None if semantic else True, position=1)
    write = write_csv if args.format == "csv" else write_jsonl
    with messages, encoding:
        write(scan(messages, matcher, encoding.update), sys.stdout)
    return 0


async def _scan_images(settings: Settings, args: argparse.Namespace) -> int:
    """``kuzet scan photos/``: pictures against the database's known campaign images."""
    files = image_files(args.input)
    if not files:
        raise ScanInputError(f"{args.input}: no image files (.jpg, .png, .webp…) in it")
    store = await _open_store(settings)
    try:
        matcher = await build_matcher(store, settings.thresholds, None, settings.image_match_distance)
    finally:
        await store.close()
    write = image_scan.write_csv if args.format == "csv" else image_scan.write_jsonl
    progress = tqdm(files, desc="scanning", unit=" image", file=sys.stderr, disable=None)
    with progress:
        write(scan_images(progress, matcher.images, _complain_about_file), sys.stdout)
    return 0


def _complain_about_file(name: str, problem: str) -> None:
    print(f"kuzet scan: {name}: {problem}", file=sys.stderr)


async def _templates(settings: Settings, args: argparse.Namespace) -> int:
    store = await _open_store(settings)
    try:
        if args.action == "import":
            added = await import_templates(store, read_templates(args.file), CLI_AUTHOR, int(time.time()))
            print(f"kuzet: {len(added)} templates added", file=sys.stderr)
            return 0
        templates, families = await all_templates(store)
        for t in templates:
            labels = families[t.family_key]
            item = {
                "id": str(t.id),
                "text": t.text,
                "lang": t.language,
                "label": labels.for_reader(t.language) if t.language else labels.fallback,
                "labels": dict(labels.by_language),
                "family": t.family,
                "enabled": t.enabled,
            }
            print(json.dumps(item, ensure_ascii=False))
        return 0
    finally:
        await store.close()


async def _digest(settings: Settings, args: argparse.Namespace) -> int:
    lang = args.lang or settings.default_locale
    if lang not in SUPPORTED_LOCALES:
        raise ConfigError("--lang", f"must be one of {', '.join(SUPPORTED_LOCALES)}, got {lang!r}")
    period = args.week or last_complete_week(int(time.time()), settings.timezone)
    try:
        week_bounds(period, settings.timezone)
    except ValueError:
        raise ConfigError("--week", f"must be an ISO week such as 2026-W47, got {period!r}") from None
    store = await _open_store(settings)
    try:
        digest = await build_digest(store, period, settings.timezone, settings.policy.rules, settings.small_count_k)
    finally:
        await store.close()
    t = I18n(data_dir("locales"), settings.default_locale, settings.timezone).get(lang)
    print(as_plain_text(digest_text(t, digest)))
    return 0


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    since = 0
    if args.since:
        try:
            day = dt.date.fromisoformat(args.since)
        except ValueError:
            raise ConfigError("--since", f"must be a date as YYYY-MM-DD, got {args.since!r}") from None
        since = int(dt.datetime.combine(day, dt.time(0), tzinfo=settings.timezone).timestamp())
    store = await _open_store(settings)
    try:
        cases = await verified_cases(store, since, settings.policy, settings.small_count_k)
    finally:
        await store.close()
    write_export(cases, args.format, sys.stdout)
    print(f"kuzet: {len(cases)} verified cases exported", file=sys.stderr)
    return 0


async def _verify_chain(settings: Settings, args: argparse.Namespace) -> int:
    if args.files is not None or args.url is not None:
        links = read_folder(args.files) if args.files is not None else read_site(args.url)
        problems = check_published(links, args.expect)
        count = f"{len(links)} links, {sum(len(link.files) for link in links)} files"
    else:
        store = await Store.open(settings.database)
        try:
            pseudonyms = Pseudonymizer(load_reporter_key(settings))
            await check_reporter_key(store, pseudonyms.key_check())
            checked = await verify_chain(store, pseudonyms.seal, args.expect)
        finally:
            await store.close()
        problems, count = list(checked.problems), f"{checked.links} links, {checked.cases} case records"
    for problem in problems:
        print(f"kuzet verify-chain: {problem}", file=sys.stderr)
    if problems:
        print(f"kuzet verify-chain: the chain does NOT hold ({len(problems)} problems; {count})", file=sys.stderr)
        return 1
    print(f"kuzet verify-chain: the chain holds ({count})", file=sys.stderr)
    return 0


async def _chain_files(settings: Settings, args: argparse.Namespace) -> int:
    store = await Store.open(settings.database)
    try:
        links = await write_chain(store, args.folder)
    finally:
        await store.close()
    print(f"kuzet chain-files: {links} links written to {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
