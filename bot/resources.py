"""Where the bot finds its data folders (translations and migrations).

In a source checkout (and an editable install) they are the top-level
``locales/`` and ``migrations/`` folders; a built wheel carries the same
folders inside the package.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``name`` ("locales" or "migrations")."""
    packaged = _PACKAGE_DIR / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name
