"""The rooms of docs/architecture.md hold: a pure core, all SQL in the store, handlers apart from delivery,
every command documented."""

from __future__ import annotations

import ast
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from telegram.ext import CommandHandler

from bot.app import MODERATOR_HANDLERS, build_application
from bot.config import load_settings
from bot.handlers.commands import CITIZEN_COMMANDS, MODERATOR_COMMANDS
from bot.i18n import I18n
from bot.render.citizen import help_text
from bot.render.moderation import moderator_help
from bot.resources import data_dir

BOT = Path(__file__).resolve().parent.parent / "bot"
README = BOT.parent / "README.md"
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_the_semantic_stage_and_images_import_neither_telegram_nor_the_database() -> None:
    for path in [*(BOT / "core").rglob("*.py"), *(BOT / "semantic").rglob("*.py"), *(BOT / "images").rglob("*.py")]:
        assert not _imports(path) & {"telegram", "aiosqlite", "asyncpg", "sqlite3", "httpx"}, path


def test_sql_is_written_only_in_the_store() -> None:
    for path in BOT.rglob("*.py"):
        if "store" in path.relative_to(BOT).parts:
            continue
        assert not SQL.search(path.read_text(encoding="utf-8")), f"SQL outside bot/store: {path}"


def test_handlers_only_handle_updates_and_delivery_machinery_lives_in_bot_telegram() -> None:
    """Background senders, the poller and flood control run tasks and loops; update handlers do neither."""
    for path in (BOT / "handlers").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "create_task" not in text and "asyncio" not in _imports(path), f"delivery machinery in {path}"
    for name in ("updates", "polling", "webhook", "receipts", "broadcast", "cards", "flood"):
        assert (BOT / "telegram" / f"{name}.py").is_file(), name


def test_nothing_in_the_repository_points_outside_it() -> None:
    for path in [
        README,
        *BOT.parent.glob("*.md"),
        *(BOT.parent / "docs").rglob("*.md"),
        *BOT.rglob("*.py"),
        *(BOT.parent / "tests").rglob("*.md"),
    ]:
        assert "../shared" not in path.read_text(encoding="utf-8") and "shared/seeds" not in path.read_text(
            encoding="utf-8"
        ), path


def test_every_command_is_in_the_menu_in_help_and_in_the_readme() -> None:
    settings = load_settings({"BOT_TOKEN": "1:x"}, env_file=None)
    handled = {
        command
        for handler in build_application(settings).handlers[0]
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    citizen = {name for name, _ in CITIZEN_COMMANDS}
    moderator = {name for name, _ in MODERATOR_HANDLERS}
    assert handled == citizen | moderator
    assert {name for name, _ in MODERATOR_COMMANDS} <= handled
    t = I18n(data_dir("locales"), "en", settings.timezone).get("en")
    readme = README.read_text(encoding="utf-8")
    for command in citizen - {"start"}:
        assert f"/{command}" in help_text(t), command
    for command in moderator:
        assert f"/{command}" in moderator_help(t), command
    for command in handled:
        assert f"`/{command}" in readme, command


def test_the_wheel_carries_every_package_and_the_files_it_reads() -> None:
    """``pip install .`` (the Dockerfile, CI) installs only what pyproject.toml lists: a package or a file of
    templates, scripts or data missing there would work from a checkout and fail once installed."""
    setup = tomllib.loads((BOT.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {p.parent for p in BOT.rglob("__init__.py")}
    assert {".".join(p.relative_to(BOT.parent).parts) for p in packages} <= set(setup["packages"])
    unlisted = []
    for path in BOT.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc"):
            continue
        package = next(folder for folder in path.parents if folder in packages)
        patterns = setup["package-data"].get(".".join(package.relative_to(BOT.parent).parts), [])
        if not any(fnmatch(path.relative_to(package).as_posix(), pattern) for pattern in patterns):
            unlisted.append(path.relative_to(BOT.parent).as_posix())
    assert unlisted == []
