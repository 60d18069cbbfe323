"""Turn a database URL (``sqlite:///path`` or ``postgresql://…``) into Django settings."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_URL = "sqlite:///kokai.sqlite3"


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("KOKAI_DATABASE_URL") or DEFAULT_URL


def django_database(url: str) -> dict:
    """Django DATABASES['default'] for a URL. Relative SQLite paths are relative to the cwd."""
    if url.startswith("sqlite:"):
        rest = url.removeprefix("sqlite:")
        path = rest[3:] if rest.startswith("///") else ""  # sqlite:///rel, sqlite:////abs
        name = str(Path(path).resolve()) if path and path != ":memory:" else ":memory:"
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # IMMEDIATE: an import takes the write lock at BEGIN, so two writers never
                # interleave; WAL lets readers (the web pages) work during an import.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                # 128 MB page cache: a year's import touches its indexes all over.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-131072;",
            },
        }
    u = urlparse(url)
    if u.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"データベースURL「{url}」は sqlite:/// か postgresql:// で指定してください")
    query = {k: v[-1] for k, v in parse_qs(u.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(u.path.lstrip("/")),
        "USER": unquote(u.username or "") or query.get("user", ""),
        "PASSWORD": unquote(u.password or "") or query.get("password", ""),
        "HOST": unquote(u.hostname or "") if u.hostname else query.get("host", ""),
        "PORT": str(u.port or query.get("port", "")),
        "CONN_MAX_AGE": 60,
        "TEST": {"NAME": query.get("test_name") or None},
    }
