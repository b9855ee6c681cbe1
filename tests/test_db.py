"""Pool, transactions, retries and error translation against a real server."""

from __future__ import annotations

import pytest

from sqlfirst.db import Connection, Database, connect
from sqlfirst.errors import (
    CheckViolation,
    DatabaseUnavailable,
    Deadlock,
    NotNullViolation,
    QueryCanceled,
    SerializationFailure,
    translate,
)
from sqlfirst.settings import Settings


@pytest.fixture
async def database(db_url: str) -> Database:
    db = await connect(Settings(database_url=db_url, min_size=1, max_size=4))
    yield db  # type: ignore[misc]
    await db.close()


async def test_connections_use_utc_the_statement_timeout_and_json_codecs(database: Database) -> None:
    async with database.connection() as conn:
        assert await conn.fetchval("show timezone") == "UTC"
        assert await conn.fetchval("show statement_timeout") == "30s"
        assert await conn.fetchval("show application_name") == "sqlfirst"
        assert await conn.fetchval("select $1::jsonb", {"a": [1, "two", None]}) == {"a": [1, "two", None]}


async def test_transaction_commits_on_success_and_rolls_back_on_error(database: Database) -> None:
    async with database.connection() as conn:
        await conn.execute("create table t (n int primary key)")
    async with database.transaction() as conn:
        await conn.execute("insert into t values (1)")
    with pytest.raises(RuntimeError):
        async with database.transaction() as conn:
            await conn.execute("insert into t values (2)")
            raise RuntimeError("boom")
    async with database.connection() as conn:
        assert [r[0] for r in await conn.fetch("select n from t")] == [1]


async def test_retry_reruns_the_whole_transaction_after_a_serialization_failure(database: Database) -> None:
    async with database.connection() as conn:
        await conn.execute("create table attempts (n int)")
    calls = 0

    async def work(conn: Connection) -> str:
        nonlocal calls
        calls += 1
        await conn.execute("insert into attempts values ($1)", calls)
        if calls < 3:
            await conn.execute(
                "do $$ begin raise exception using errcode = '40001', message = 'lost'; end $$"
            )
        return "done"

    assert await database.run_in_transaction(work, isolation="serializable") == "done"
    assert calls == 3
    async with database.connection() as conn:
        assert [r[0] for r in await conn.fetch("select n from attempts")] == [
            3
        ]  # failed attempts left nothing


async def test_retry_gives_up_after_three_attempts(database: Database) -> None:
    calls = 0

    async def work(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        await conn.execute(
            "do $$ begin raise exception using errcode = '40P01', message = 'deadlock'; end $$"
        )

    with pytest.raises(Deadlock) as caught:
        await database.run_in_transaction(work)
    assert calls == 3
    assert caught.value.sqlstate == "40P01"


async def test_non_retryable_errors_are_raised_at_once(database: Database) -> None:
    calls = 0

    async def work(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        await conn.execute("create temporary table c (n int check (n > 0))")
        await conn.execute("insert into c values (-1)")

    with pytest.raises(CheckViolation):
        await database.run_in_transaction(work)
    assert calls == 1


@pytest.mark.parametrize(
    ("sql", "kind", "detail"),
    [
        ("create temporary table x (n int not null); insert into x values (null)", NotNullViolation, "n"),
        ("set statement_timeout = 50; select pg_sleep(2)", QueryCanceled, None),
        ("do $$ begin raise exception using errcode = '40001'; end $$", SerializationFailure, None),
    ],
)
async def test_driver_errors_translate_to_sqlfirst_types(
    conn: Connection, sql: str, kind: type[Exception], detail: str | None
) -> None:
    import asyncpg

    with pytest.raises(asyncpg.PostgresError) as raw:
        await conn.execute(sql)
    translated = translate(raw.value)
    assert isinstance(translated, kind)
    if detail is not None:
        assert isinstance(translated, NotNullViolation)
        assert translated.column == detail


async def test_unreachable_server_raises_database_unavailable() -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot connect"):
        await connect(Settings(database_url="postgresql://postgres@127.0.0.1:1/x", min_size=1, max_size=1))
