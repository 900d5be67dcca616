"""DATABASE_URL read into the engine and where the database is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class DatabaseUrl:
    """``sqlite:///path/to/kuzet.db`` or ``postgresql://user[:password]@host:port/dbname``."""

    engine: str
    dsn: str
    path: Path | None = None
    """The SQLite file (None for PostgreSQL)."""

    @classmethod
    def parse(cls, raw: str) -> DatabaseUrl:
        """Raise ValueError, saying what is wrong, for anything else."""
        if raw.startswith(SQLITE_PREFIX):
            path = raw[len(SQLITE_PREFIX) :]
            if not path:
                raise ValueError("names no file")
            if path == ":memory:":
                raise ValueError("an in-memory database would lose every report; name a file")
            return cls("sqlite", raw, Path(path))
        parts = urlsplit(raw)
        if parts.scheme in POSTGRES_SCHEMES:
            if not parts.hostname and "host=" not in parts.query:
                raise ValueError("names no host")
            if not parts.path.strip("/"):
                raise ValueError("names no database (…/dbname)")
            return cls("postgresql", raw)
        raise ValueError("must look like sqlite:///path/to/kuzet.db or postgresql://user@host:5432/dbname")

    @property
    def password(self) -> str | None:
        """The password in a PostgreSQL URL: a secret, kept out of logs."""
        return None if self.engine == "sqlite" else urlsplit(self.dsn).password

    def __str__(self) -> str:
        """The URL with any password hidden: for messages and logs."""
        if self.engine == "sqlite":
            return self.dsn
        parts = urlsplit(self.dsn)
        if parts.password is None:
            return self.dsn
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
