from __future__ import annotations

import asyncio
import logging

import pytest

from sqlfirst.db import create_pool, resolve_url
from sqlfirst.errors import ConfigurationError
from sqlfirst.settings import Settings, normalize_url, redact, yoyo_url
from tests.fault_server import RestartableServer


def test_defaults_follow_the_design() -> None:
    s = Settings.from_env({})
    assert (s.database_url, s.min_size, s.max_size, s.statement_timeout_ms, s.timezone) == (
        None,
        5,
        20,
        30_000,
        "UTC",
    )


def test_database_url_wins_over_pg_variables() -> None:
    s = Settings.from_env({"DATABASE_URL": "postgres://a@h/db", "PGHOST": "elsewhere"})
    assert s.database_url == "postgresql://a@h/db"


def test_pg_variables_build_a_url_including_socket_hosts() -> None:
    tcp = Settings.from_env({"PGHOST": "db.local", "PGPORT": "6543", "PGUSER": "app", "PGDATABASE": "main"})
    assert tcp.database_url == "postgresql://app@db.local:6543/main"
    socket = Settings.from_env({"PGHOST": "/run/postgresql", "PGUSER": "app", "PGPASSWORD": "p w"})
    assert socket.database_url == "postgresql://app:p%20w@/?host=%2Frun%2Fpostgresql"


def test_pool_settings_come_from_the_environment_and_are_checked() -> None:
    s = Settings.from_env({"SQLFIRST_POOL_MIN": "1", "SQLFIRST_POOL_MAX": "3"})
    assert (s.min_size, s.max_size) == (1, 3)
    with pytest.raises(ConfigurationError, match="exceeds"):
        Settings.from_env({"SQLFIRST_POOL_MIN": "9", "SQLFIRST_POOL_MAX": "3"})
    with pytest.raises(ConfigurationError, match="must be an integer"):
        Settings.from_env({"SQLFIRST_POOL_MAX": "many"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+asyncpg://u:p@h:5432/d", "postgresql://u:p@h:5432/d"),
        ("postgres://u@h/d?sslmode=require", "postgresql://u@h/d?sslmode=require"),
    ],
)
def test_urls_are_normalized(url: str, expected: str) -> None:
    assert normalize_url(url) == expected
    assert yoyo_url(url) == "postgresql+psycopg" + expected[len("postgresql") :]


def test_bad_urls_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="scheme"):
        normalize_url("http://example.com")
    with pytest.raises(ConfigurationError, match="malformed"):
        normalize_url("postgresql://h:notaport/d")


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://u:secret@h/d") == "postgresql://u:***@h/d"
    assert redact("postgresql://u@h/d") == "postgresql://u@h/d"


def test_replica_urls_come_from_the_environment_normalized() -> None:
    settings = Settings.from_env(
        {
            "SQLFIRST_REPLICA_URLS": "postgres://u@r1/d, postgresql+asyncpg://u@r2:5433/d,",
            "DATABASE_URL": "postgresql://u@p/d",
        }
    )
    assert settings.replica_urls == ("postgresql://u@r1/d", "postgresql://u@r2:5433/d")
    assert Settings.from_env({}).replica_urls == ()
    with pytest.raises(ConfigurationError, match="scheme"):
        Settings.from_env({"SQLFIRST_REPLICA_URLS": "http://r1/d"})
    with pytest.raises(ConfigurationError, match="not one string"):
        Settings(replica_urls="postgresql://u@r1/d")  # type: ignore[arg-type]


def test_redact_hides_a_password_given_in_the_query_string() -> None:
    assert redact("postgresql://u@h/d?sslmode=require&password=secret") == (
        "postgresql://u@h/d?sslmode=require&password=***"
    )
    assert redact("postgresql://h/d?PASSWORD=secret&application_name=x") == (
        "postgresql://h/d?PASSWORD=***&application_name=x"
    )
    assert "secret" not in redact("postgresql://u:secret@h/d?password=secret")


def test_embedded_policy_comes_from_the_environment_and_is_checked() -> None:
    assert Settings.from_env({}).embedded == "auto"
    assert Settings.from_env({"SQLFIRST_EMBEDDED": "never"}).embedded == "never"
    with pytest.raises(ConfigurationError, match="SQLFIRST_EMBEDDED"):
        Settings.from_env({"SQLFIRST_EMBEDDED": "sometimes"})


def test_a_missing_url_is_a_configuration_error_when_the_embedded_server_is_forbidden() -> None:
    settings = Settings.from_env({"SQLFIRST_EMBEDDED": "never"})
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        resolve_url(settings)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        asyncio.run(create_pool(settings))
    assert resolve_url(settings.with_(database_url="postgresql://u@h/d")) == "postgresql://u@h/d"


def test_falling_back_to_the_embedded_server_logs_one_line_naming_its_data_directory(
    restartable_server: RestartableServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The fault tests' throwaway server stands in for the user's data directory: already running.
    monkeypatch.setenv("SQLFIRST_DATA_DIR", str(restartable_server.pgdata))
    with caplog.at_level(logging.INFO, logger="sqlfirst"):
        url = resolve_url(Settings.from_env({}))
    lines = [r for r in caplog.records if r.name == "sqlfirst"]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING
    assert str(restartable_server.pgdata) in lines[0].getMessage()
    assert url.startswith("postgresql://")


def test_unknown_or_mistyped_settings_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="max_sise"):
        Settings().with_(max_sise=4)
    with pytest.raises(ConfigurationError, match="min_size"):
        Settings(min_size="5")  # type: ignore[arg-type]


def test_statement_cache_size_comes_from_the_environment_and_is_checked() -> None:
    assert Settings.from_env({}).statement_cache_size == 100
    assert Settings.from_env({"SQLFIRST_STATEMENT_CACHE_SIZE": "0"}).statement_cache_size == 0
    with pytest.raises(ConfigurationError, match="SQLFIRST_STATEMENT_CACHE_SIZE"):
        Settings.from_env({"SQLFIRST_STATEMENT_CACHE_SIZE": "-1"})
    with pytest.raises(ConfigurationError, match="statement_cache_size"):
        Settings(statement_cache_size=-5)


@pytest.mark.parametrize(("size", "named"), [(0, 0), (100, 1)])
async def test_statement_cache_size_reaches_every_pooled_connection(
    shared_url: str, size: int, named: int
) -> None:
    # With the cache off (what a transaction-mode PgBouncer needs) asyncpg uses unnamed statements:
    # nothing stays prepared on the server; with it on, the query stays prepared for the next call.
    pool = await create_pool(
        Settings(database_url=shared_url, min_size=1, max_size=1, statement_cache_size=size)
    )
    try:
        async with pool.acquire() as conn:
            await conn.fetchval("select $1::int + 1", 1)
            kept = await conn.fetchval(
                "select count(*) from pg_prepared_statements where statement = 'select $1::int + 1'"
            )
        assert kept == named
    finally:
        await pool.close()
