"""Where the bot finds its data folders (translations and migrations) and its shipped data (bot/data).

In a source checkout (and an editable install) locales and migrations are the top-level
``locales/`` and ``migrations/`` folders; a built wheel carries the same
folders inside the package.
"""

import json
from importlib.resources import files
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``name`` ("locales" or "migrations")."""
    packaged = _PACKAGE_DIR / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def shipped_data(name: str) -> list[dict]:
    """The JSON lines shipped as bot/data/``name``: one file, or every ``.jsonl`` file of a folder in name order."""
    root = files("bot").joinpath("data", name)
    paths = (
        sorted((p for p in root.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)
        if root.is_dir()
        else [root]
    )
    return [
        json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
