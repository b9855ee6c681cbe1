"""`Conflict.columns` names the key's columns for unique, primary-key, expression and exclusion keys."""

from __future__ import annotations

import asyncpg
import pytest

from sqlfirst.db import Connection
from sqlfirst.errors import Conflict, translate


async def _conflict(conn: Connection, setup: str, insert: str) -> Conflict:
    await conn.execute(setup)
    await conn.execute(insert)
    with pytest.raises(asyncpg.PostgresError) as caught:
        await conn.execute(insert)
    error = translate(caught.value)
    assert isinstance(error, Conflict)
    return error


@pytest.mark.parametrize(
    ("setup", "insert", "columns"),
    [
        (
            "create temp table t (id int primary key)",
            "insert into t values (1)",
            ("id",),
        ),
        (
            "create temp table t (a int, b text, unique (a, b))",
            "insert into t values (1, 'x, y')",
            ("a", "b"),
        ),
        (
            'create temp table t ("Odd, Name" text unique)',
            "insert into t values ('v')",
            ("Odd, Name",),
        ),
        (
            "create temp table t (email text); create unique index on t (lower(email))",
            "insert into t values ('A@x.org')",
            ("email",),
        ),
        (
            "create temp table t (room int, starts timestamptz, ends timestamptz, exclude using gist"
            " (int4range(room, room, '[]') with =, tstzrange(starts, ends, '[)') with &&))",
            "insert into t values (1, '2026-01-01', '2026-01-02')",
            ("room", "starts", "ends"),
        ),
    ],
    ids=["primary-key", "unique-pair", "quoted", "expression", "exclusion"],
)
async def test_conflict_columns_name_the_keys_columns(
    conn: Connection, setup: str, insert: str, columns: tuple[str, ...]
) -> None:
    error = await _conflict(conn, setup, insert)
    assert error.columns == columns
    assert error.constraint


async def test_the_deals_pricing_exclusion_names_its_columns(conn: Connection) -> None:
    # The key is deals.textrange(service_type::text, ...) && tstzrange(valid_from, valid_to, ...): once
    # reported as fragments of those expressions, now as the columns they read.
    from datetime import UTC, datetime, timedelta

    from sqlfirst.deals import token_pricing

    start = datetime(2025, 1, 1, tzinfo=UTC)
    await token_pricing.create(conn, service_type="deal_search", token_cost="1", valid_from=start)
    with pytest.raises(Conflict) as caught:
        await token_pricing.create(
            conn, service_type="deal_search", token_cost="2", valid_from=start + timedelta(days=1)
        )
    assert caught.value.constraint == "ex_token_pricing_service_type_validity"
    assert caught.value.columns == ("service_type", "valid_from", "valid_to")
