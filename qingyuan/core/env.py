"""Typed readers for environment variables.

Every setting Qingyuan reads from the environment goes through these helpers, so a
bad value stops the process at start-up with a message naming the variable, instead
of surfacing later as a confusing error. The variables are listed in
docs/configuration.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum {maximum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def database_from_url(url: str, *, base_dir: Path, variable: str = "DATABASE_URL") -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry.

    ``variable`` names the setting in error messages (the standby's URL is parsed the same way)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        raw_path = unquote(parts.path)
        if raw_path in ("", "/"):
            raise ImproperlyConfigured(f"{variable}={url!r} names no SQLite file.")
        # sqlite:///var/db.sqlite3 is relative to the project, sqlite:////srv/db.sqlite3 absolute.
        path = Path(raw_path[1:])
        if not path.is_absolute():
            path = base_dir / path
        return sqlite_database(path)
    if parts.scheme in ("postgres", "postgresql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"{variable}={url!r} names no database.")
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"{variable}={url!r} has an unsupported scheme {parts.scheme!r}; use sqlite:/// or postgres://."
    )


def replica_from_url(url: str, *, primary: dict[str, object], base_dir: Path) -> dict[str, object]:
    """The ``replica`` alias: a PostgreSQL hot standby of a PostgreSQL primary (qingyuan/core/dbrouter.py).

    Tests mirror it onto ``default``; an unreachable standby gives up after a few seconds
    (``?connect_timeout=`` in the URL overrides it) and reads fall back to the primary."""
    variable = "QINGYUAN_DATABASE_REPLICA_URL"
    database = database_from_url(url, base_dir=base_dir, variable=variable)
    if database["ENGINE"] != "django.db.backends.postgresql" or primary["ENGINE"] != database["ENGINE"]:
        raise ImproperlyConfigured(f"{variable} must be a postgres:// URL of a hot standby of the "
                                   "PostgreSQL primary that DATABASE_URL names.")
    options = dict(database["OPTIONS"])  # type: ignore[call-overload]
    options.setdefault("connect_timeout", "3")
    return {**database, "OPTIONS": options, "TEST": {"MIRROR": "default"}}


def sqlite_database(path: Path) -> dict[str, object]:
    """SQLite in WAL mode with immediate write transactions.

    WAL lets the web read while the gateway and the worker write; IMMEDIATE makes
    a writer take the lock when its transaction starts, so two writers queue on
    the busy timeout instead of failing with "database is locked" on upgrade.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
        "TEST": {"NAME": None},
    }
