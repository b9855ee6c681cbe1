"""Connection settings, read from the environment and overridable by keyword in code.

``DATABASE_URL`` wins; without it the libpq ``PG*`` variables (``PGHOST``, ``PGPORT``, ``PGUSER``,
``PGPASSWORD``, ``PGDATABASE``) describe the server; with neither, sqlfirst uses its embedded
PostgreSQL (see :mod:`sqlfirst.embedded`) and logs so, unless ``SQLFIRST_EMBEDDED=never`` makes a
missing URL a :class:`~sqlfirst.errors.ConfigurationError` (what a deployment wants).
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal, get_args
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from sqlfirst.arguments import is_flag, is_seconds
from sqlfirst.errors import ConfigurationError

__all__ = ["Settings", "normalize_url", "psycopg_url", "redact", "yoyo_url"]

_SCHEMES = {"postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg", "postgresql+psycopg2"}
_PG_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD")

EmbeddedPolicy = Literal["auto", "never"]
"""``auto``: without a URL, use the embedded server (logged); ``never``: a missing URL is an error."""


def _int_env(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative, got {value}")
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """Everything a pool needs. Build with :meth:`from_env`, adjust with :meth:`with_`."""

    database_url: str | None = None
    min_size: int = 5
    max_size: int = 20
    statement_timeout_ms: int = 30_000
    lock_timeout_ms: int = 5_000
    timezone: str = "UTC"
    application_name: str = "sqlfirst"
    command_timeout_s: float | None = None
    # asyncpg's per-connection cache of prepared statements (LRU, by SQL text). 0 turns named
    # prepared statements off: what a transaction-mode PgBouncer needs, at the cost of a parse and
    # plan on every call. Size it above the number of distinct hot queries a connection runs.
    statement_cache_size: int = 100
    # Read replicas (sqlfirst.replicas): URLs, the replay lag beyond which a replica is skipped, how
    # long a failed replica is skipped, how often health is checked, how long a connect may take.
    replica_urls: tuple[str, ...] = ()
    replica_max_lag_bytes: int = 16 * 1024 * 1024
    replica_retry_s: float = 2.0
    replica_check_interval_s: float = 1.0
    replica_connect_timeout_s: float = 2.0
    embedded: EmbeddedPolicy = "auto"
    # The role every connection acts as (``SET ROLE`` at connect, kept across pool resets), e.g.
    # ``sqlfirst_app`` when the login is a broader one. None: the login's own role.
    role: str | None = None

    def __post_init__(self) -> None:
        for name in (
            "min_size",
            "max_size",
            "statement_timeout_ms",
            "lock_timeout_ms",
            "statement_cache_size",
            "replica_max_lag_bytes",
        ):
            value = getattr(self, name)
            if type(value) is not int and isinstance(value, numbers.Integral) and not is_flag(value):
                value = int(value)  # numpy's integers
                object.__setattr__(self, name, value)
            if type(value) is not int:
                raise ConfigurationError(f"{name} must be an integer, got {value!r}")
            if value < 0:
                raise ConfigurationError(f"{name} must not be negative, got {value}")
        for name in ("timezone", "application_name"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise ConfigurationError(f"{name} must be text, got {value!r}")
        if not self.timezone.strip():
            raise ConfigurationError("timezone must name a time zone, got an empty string")
        for name in ("replica_retry_s", "replica_check_interval_s", "replica_connect_timeout_s"):
            value = getattr(self, name)
            if not is_seconds(value):
                raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}")
            object.__setattr__(self, name, float(value))
        timeout = self.command_timeout_s
        if timeout is not None and not is_seconds(timeout):
            raise ConfigurationError(f"command_timeout_s must be a positive number, got {timeout!r}")
        if timeout is not None:
            object.__setattr__(self, "command_timeout_s", float(timeout))
        if self.embedded not in get_args(EmbeddedPolicy):
            raise ConfigurationError(f"SQLFIRST_EMBEDDED must be 'auto' or 'never', got {self.embedded!r}")
        if self.min_size > self.max_size:
            raise ConfigurationError(f"pool min_size {self.min_size} exceeds max_size {self.max_size}")
        if self.max_size < 1:
            raise ConfigurationError("pool max_size must be at least 1")
        if self.role is not None and (not isinstance(self.role, str) or not self.role.strip()):
            raise ConfigurationError(f"role must be a role name, got {self.role!r}")
        if self.database_url is not None:
            object.__setattr__(self, "database_url", normalize_url(self.database_url))
        if isinstance(self.replica_urls, str):
            raise ConfigurationError("replica_urls must be a sequence of URLs, not one string")
        if not isinstance(self.replica_urls, Iterable) or isinstance(self.replica_urls, bytes | Mapping):
            raise ConfigurationError(
                f"replica_urls must be a sequence of URLs, got {type(self.replica_urls).__name__}"
            )
        object.__setattr__(self, "replica_urls", tuple(normalize_url(u) for u in self.replica_urls))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``DATABASE_URL`` (or ``PG*``) and the ``SQLFIRST_*`` tuning variables.

        ``SQLFIRST_REPLICA_URLS`` is a comma-separated list of read replica URLs; ``SQLFIRST_ROLE``
        the role connections act as (e.g. ``sqlfirst_app``).
        """
        env = os.environ if environ is None else environ
        if not isinstance(env, Mapping):
            raise ConfigurationError(
                f"environ must be a mapping of names to values, got {type(env).__name__}"
            )
        url = env.get("DATABASE_URL") or None
        if url is None and any(env.get(v) for v in _PG_VARS):
            url = _url_from_libpq_env(env)
        return cls(
            database_url=url,
            min_size=_int_env(env, "SQLFIRST_POOL_MIN", 5),
            max_size=_int_env(env, "SQLFIRST_POOL_MAX", 20),
            statement_timeout_ms=_int_env(env, "SQLFIRST_STATEMENT_TIMEOUT_MS", 30_000),
            lock_timeout_ms=_int_env(env, "SQLFIRST_LOCK_TIMEOUT_MS", 5_000),
            statement_cache_size=_int_env(env, "SQLFIRST_STATEMENT_CACHE_SIZE", 100),
            application_name=env.get("SQLFIRST_APPLICATION_NAME", "sqlfirst"),
            replica_urls=_url_list(env.get("SQLFIRST_REPLICA_URLS", "")),
            replica_max_lag_bytes=_int_env(env, "SQLFIRST_REPLICA_MAX_LAG_BYTES", 16 * 1024 * 1024),
            role=env.get("SQLFIRST_ROLE", "").strip() or None,
            embedded=env.get("SQLFIRST_EMBEDDED", "").strip().lower() or "auto",  # type: ignore[arg-type]  # checked in __post_init__
        )

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (validated again)."""
        unknown = sorted(set(changes) - set(self.__dataclass_fields__))
        if unknown:
            raise ConfigurationError(f"unknown setting(s): {', '.join(unknown)}")
        return replace(self, **changes)  # type: ignore[arg-type]

    def server_settings(self) -> dict[str, str]:
        """Session parameters every connection starts with (``role`` when one is set)."""
        settings = {
            "application_name": self.application_name,
            "statement_timeout": str(self.statement_timeout_ms),
            "timezone": self.timezone,
        }
        if self.role is not None:
            settings["role"] = self.role
        return settings


def _url_list(raw: str) -> tuple[str, ...]:
    return tuple(url.strip() for url in raw.split(",") if url.strip())


def _url_from_libpq_env(env: Mapping[str, str]) -> str:
    host = env.get("PGHOST", "")
    user = quote(env.get("PGUSER", ""), safe="")
    password = quote(env.get("PGPASSWORD", ""), safe="")
    port = env.get("PGPORT", "")
    database = env.get("PGDATABASE", "")
    query: dict[str, str] = {}
    netloc = ""
    if user:
        netloc = f"{user}:{password}@" if password else f"{user}@"
    if host.startswith("/"):
        query["host"] = host
        if port:
            query["port"] = port
    elif host:
        netloc += host + (f":{port}" if port else "")
    return urlunsplit(("postgresql", netloc, "/" + database, urlencode(query), ""))


def normalize_url(url: str) -> str:
    """Return ``url`` as a plain ``postgresql://`` URL, or raise :class:`ConfigurationError`."""
    if not isinstance(url, str):
        raise ConfigurationError(f"a database URL must be text, got {type(url).__name__}")
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError as exc:
        raise ConfigurationError(f"malformed database URL {redact(url)!r}: {exc}") from None
    if parts.scheme not in _SCHEMES:
        raise ConfigurationError(
            f"unsupported database URL scheme {parts.scheme!r} in {redact(url)!r}; "
            "expected postgresql://user:password@host:port/database"
        )
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, parts.fragment))


def yoyo_url(url: str) -> str:
    """The URL yoyo-migrations needs to drive psycopg 3."""
    return "postgresql+psycopg" + normalize_url(url)[len("postgresql") :]


def psycopg_url(url: str) -> str:
    """The URL psycopg 3 (libpq) accepts."""
    return normalize_url(url)


_QUERY_PASSWORD = re.compile(r"(?i)(^|&)(password=)[^&]*")


def redact(url: str) -> str:
    """``url`` with its password (``user:password@`` or ``?password=``) replaced, safe to print."""
    if not isinstance(url, str):
        return f"<not a URL: {type(url).__name__}>"
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc
    if password:
        netloc = netloc.replace(f":{password}@", ":***@", 1)
    query = _QUERY_PASSWORD.sub(r"\1\2***", parts.query)
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
