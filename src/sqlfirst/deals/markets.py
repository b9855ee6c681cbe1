"""Markets: the shops agents search, with their rate limits and error counts; api keys are never returned."""

from __future__ import annotations

from uuid import UUID

from pydantic import SecretStr

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, Market, MarketCreate, MarketStatus, MarketType

__all__ = [
    "consume_rate_limit",
    "create",
    "get",
    "get_api_key",
    "list_active",
    "list_by_type_status",
    "record_error",
    "reset_errors",
    "set_api_key",
    "set_status",
    "update_config",
]

_sql = SqlFile("deals", "markets")


@_sql.query("insert_market")
async def _insert(
    conn: Executor,
    *,
    name: str,
    type: MarketType,
    status: MarketStatus,
    base_url: str,
    api_endpoint: str | None,
    api_key: str | None,
    rate_limit: int | None,
    rate_limit_window: int | None,
    meta_data: JsonObject,
) -> Market: ...


async def create(
    conn: Executor,
    *,
    name: str,
    type: MarketType | str,
    base_url: str,
    status: MarketStatus | str = MarketStatus.ACTIVE,
    api_endpoint: str | None = None,
    api_key: str | None = None,
    rate_limit: int | None = None,
    rate_limit_window: int | None = None,
    meta_data: JsonObject | None = None,
) -> Market:
    """Register a market. ``rate_limit`` calls are allowed per ``rate_limit_window`` seconds."""
    new = MarketCreate.model_validate(
        {
            "name": name,
            "type": type,
            "status": status,
            "base_url": base_url,
            "api_endpoint": api_endpoint,
            "api_key": api_key,
            "rate_limit": rate_limit,
            "rate_limit_window": rate_limit_window,
            "meta_data": meta_data if meta_data is not None else {},
        }
    )
    fields = new.model_dump(exclude={"api_key"})
    key = new.api_key.get_secret_value() if new.api_key is not None else None
    return await _insert(conn, api_key=key, **fields)


@_sql.query("get_market_by_id")
async def get(conn: Executor, *, id: UUID) -> Market | None:
    """The market with this id, or None."""


@_sql.query("list_markets_by_type_status")
async def list_by_type_status(conn: Executor, *, type: MarketType, status: MarketStatus) -> list[Market]:
    """The markets of one type in one status, by name."""


@_sql.query("set_market_status")
async def set_status(conn: Executor, *, id: UUID, status: MarketStatus) -> Market | None:
    """Change the market's status; None when there is no such market."""


@_sql.query("consume_market_rate_limit")
async def consume_rate_limit(conn: Executor, *, id: UUID) -> int | None:
    """Take one call from the market's rate limit, in one statement.

    Returns the calls used in the current window (a window that has passed starts over at 1), or None
    when the limit is reached, the market is not active, or there is no such market. Concurrent
    callers never exceed the limit together.
    """


@_sql.query("record_market_error")
async def record_error(conn: Executor, *, id: UUID, error: str) -> Market | None:
    """Count an error and keep its message and time; None when there is no such market."""


@_sql.query("list_active_markets")
async def list_active(conn: Executor) -> list[Market]:
    """Every active market, by name."""


_CONFIG = {"base_url", "api_endpoint", "rate_limit", "rate_limit_window", "meta_data"}


@_sql.query("update_market_config")
async def _update_config(
    conn: Executor,
    *,
    id: UUID,
    base_url: str,
    api_endpoint: str | None,
    rate_limit: int | None,
    rate_limit_window: int | None,
    meta_data: JsonObject,
) -> Market | None: ...


async def update_config(
    conn: Executor,
    *,
    id: UUID,
    base_url: str,
    api_endpoint: str | None = None,
    rate_limit: int | None = None,
    rate_limit_window: int | None = None,
    meta_data: JsonObject | None = None,
) -> Market | None:
    """Replace the market's endpoints, rate limit (calls per window of seconds) and meta data; the api
    key stays (see :func:`set_api_key`). None when there is no such market; ``ValidationError`` first."""
    checked = MarketCreate.model_validate(
        {
            "name": "-",
            "type": MarketType.AMAZON,
            "base_url": base_url,
            "api_endpoint": api_endpoint,
            "rate_limit": rate_limit,
            "rate_limit_window": rate_limit_window,
            "meta_data": meta_data if meta_data is not None else {},
        }
    )
    return await _update_config(
        conn,
        id=id,
        **checked.model_dump(
            include={"base_url", "api_endpoint", "rate_limit", "rate_limit_window", "meta_data"}
        ),
    )


@_sql.query("set_market_api_key")
async def _set_api_key(conn: Executor, *, id: UUID, api_key: str | None) -> Market | None: ...


async def set_api_key(conn: Executor, *, id: UUID, api_key: SecretStr | str | None) -> Market | None:
    """Store the market's api key (None removes it); the key is never returned (``has_api_key`` says)."""
    raw = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    return await _set_api_key(conn, id=id, api_key=raw)


@_sql.query("reset_market_errors")
async def reset_errors(conn: Executor, *, id: UUID) -> Market | None:
    """Clear the market's error count and last error; None when there is no such market."""


@_sql.query("get_market_api_key")
async def get_api_key(conn: Executor, *, id: UUID) -> str | None:
    """The market's api key (None without one or without such a market), to hand to a sync worker.

    Only ``sqlfirst_worker`` (and the owner) may read it: the application role gets
    :class:`~sqlfirst.errors.PermissionDenied`, and no other query returns the key.
    """
