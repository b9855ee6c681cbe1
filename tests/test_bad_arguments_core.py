"""Bad arguments through the engine's own public API (``sqlfirst``, ``sqlfirst.db``, ``bulk``,
``partitions``, ``health``, ``monitoring``, ``roles``, ``settings``, ``passwords``, ``loader``,
``rows``, ``replicas``' sessions, ``credentials.rotate_keys``): only ``ValidationError`` or a
:mod:`sqlfirst.errors` type comes out, never a bare ``TypeError``, ``ValueError`` or
``AttributeError`` from the function's own handling of its input.

The domains' functions are covered by ``test_bad_arguments_everywhere``; the engine's API is
irregular (a pool first, a Database's methods, context managers, constructors), so each entry below
names its call and a plausible value for every argument, and each argument in turn gets each bad
value. Calls that write run in a savepoint rolled back afterwards, or commit nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pydantic
import pytest

import sqlfirst
from sqlfirst import arguments, health, monitoring, partitions, passwords, roles, rows, settings
from sqlfirst.acting import acting_user
from sqlfirst.db import Connection, Database, retry_transaction, transaction_on
from sqlfirst.easyflow import credentials
from sqlfirst.errors import SqlfirstError
from sqlfirst.loader import Loader
from sqlfirst.settings import Settings

from .easyflow.factories import key_ring
from .test_bad_arguments_everywhere import BAD


class _Row(pydantic.BaseModel):
    id: int
    name: str


@dataclass
class Env:
    conn: Connection
    db: Database
    url: str

    @property
    def pool(self) -> asyncpg.Pool[asyncpg.Record]:
        return self.db.pool


async def _select_one(conn: Connection) -> int:
    value: int = await conn.fetchval("select 1")
    return value


async def _enter(manager: contextlib.AbstractAsyncContextManager[Any]) -> None:
    async with manager:
        pass


def _enter_sync(manager: contextlib.AbstractContextManager[Any]) -> None:
    with manager:
        pass


async def _copy(env: Env, kw: dict[str, Any]) -> None:
    await env.conn.execute("create temp table if not exists bad_copy (id int, name text)")
    await sqlfirst.copy_models(env.conn, **kw)


async def _load(env: Env, kw: dict[str, Any]) -> None:
    async def batch(keys: list[int]) -> list[int | None]:
        return list(keys)

    loader: Loader[int, int] = Loader(batch, max_batch=kw["max_batch"])
    await loader.load(kw["key"])
    await loader.load_many(kw["keys"])


async def _ensure_roles(env: Env, kw: dict[str, Any]) -> None:
    await roles.ensure_roles(env.conn, **kw)


# name -> (call, a plausible value for every argument)
Call = Callable[[Env, dict[str, Any]], Awaitable[Any]]
TARGETS: dict[str, tuple[Call, dict[str, Any]]] = {
    "connect": (
        lambda env, kw: _open_close(sqlfirst.connect(**kw)),
        {"database_url": "URL", "min_size": 1, "max_size": 1, "application_name": "bad-args"},
    ),
    "connect(settings=)": (lambda env, kw: _open_close(sqlfirst.connect(**kw)), {"settings": "SETTINGS"}),
    "connect_one": (lambda env, kw: _close(sqlfirst.connect_one(**kw)), {"url": "URL"}),
    "create_pool": (lambda env, kw: _close_pool(sqlfirst.create_pool(**kw)), {"settings": "SETTINGS"}),
    "Settings": (
        lambda env, kw: _sync(Settings, **kw),
        {
            "database_url": "URL",
            "min_size": 1,
            "max_size": 2,
            "statement_timeout_ms": 1000,
            "lock_timeout_ms": 1000,
            "timezone": "UTC",
            "application_name": "x",
            "command_timeout_s": 1.0,
            "statement_cache_size": 10,
            "replica_urls": (),
            "replica_max_lag_bytes": 1024,
            "replica_retry_s": 1.0,
            "replica_check_interval_s": 1.0,
            "replica_connect_timeout_s": 1.0,
            "embedded": "never",
            "role": None,
        },
    ),
    "Settings.from_env": (lambda env, kw: _sync(Settings.from_env, **kw), {"environ": {}}),
    "Database.transaction": (
        lambda env, kw: _enter(env.db.transaction(**kw)),
        {"isolation": "read_committed", "readonly": False, "as_user": None},
    ),
    "Database.reader": (lambda env, kw: _enter(env.db.reader(**kw)), {"min_lsn": None}),
    "Database.run_read": (
        lambda env, kw: env.db.run_read(**kw),
        {"work": _select_one, "min_lsn": None, "attempts": 2},
    ),
    "Database.run_in_transaction": (
        lambda env, kw: env.db.run_in_transaction(**kw),
        {
            "work": _select_one,
            "isolation": "read_committed",
            "attempts": 2,
            "base_delay": 0.0,
            "as_user": None,
        },
    ),
    "Database.call": (lambda env, kw: env.db.call(kw["fn"]), {"fn": _select_one}),
    "Database.connection": (lambda env, kw: _enter(env.db.connection()), {}),
    "Session.transaction": (
        lambda env, kw: _enter(env.db.session().transaction(**kw)),
        {"isolation": "read_committed"},
    ),
    "Session.run_read": (
        lambda env, kw: env.db.session().run_read(**kw),
        {"work": _select_one, "attempts": 2},
    ),
    "retry_transaction": (
        lambda env, kw: retry_transaction(env.pool, **kw),
        {
            "work": _select_one,
            "isolation": "read_committed",
            "attempts": 2,
            "base_delay": 0.0,
            "as_user": None,
        },
    ),
    "transaction_on": (
        lambda env, kw: _enter(transaction_on(env.conn, **kw)),
        {"isolation": None, "readonly": False, "as_user": None},
    ),
    "acting_user": (lambda env, kw: env.db.call(_acting_select), {"user": None}),
    "copy_models": (
        _copy,
        {"table": "bad_copy", "models": [_Row(id=1, name="a")], "columns": None},
    ),
    "partitions.maintain": (lambda env, kw: partitions.maintain(env.conn, **kw), {"parent": None}),
    "health.check_health": (
        lambda env, kw: health.check_health(env.conn, **kw),
        {"schemas": ["core"], "thresholds": None},
    ),
    "health.Thresholds": (
        lambda env, kw: health.check_health(env.conn, schemas=["core"], thresholds=health.Thresholds(**kw)),
        {
            "min_table_scans": 50,
            "dead_ratio": 0.2,
            "min_dead_tuples": 1000,
            "transaction_threshold_s": 300.0,
            "connections_ratio": 0.8,
            "replica_lag_s": 30.0,
        },
    ),
    "roles.ensure_roles": (_ensure_roles, {"passwords": None}),
    "roles.passwords_from_env": (lambda env, kw: _sync(roles.passwords_from_env, **kw), {"environ": {}}),
    "roles.scram_verifier": (
        lambda env, kw: _sync(roles.scram_verifier, **kw),
        {"password": "secret", "salt": None, "iterations": 4096},
    ),
    "monitoring.set_slow_threshold": (
        lambda env, kw: _sync(_slow_threshold, **kw),
        {"seconds": 1.0},
    ),
    "monitoring.enable_tracing": (
        lambda env, kw: _sync(_tracing, **kw),
        {"tracer_provider": None, "include_sql": False},
    ),
    "settings.normalize_url": (lambda env, kw: _sync(settings.normalize_url, **kw), {"url": "URL"}),
    "settings.psycopg_url": (lambda env, kw: _sync(settings.psycopg_url, **kw), {"url": "URL"}),
    "settings.yoyo_url": (lambda env, kw: _sync(settings.yoyo_url, **kw), {"url": "URL"}),
    "settings.redact": (lambda env, kw: _sync(settings.redact, **kw), {"url": "URL"}),
    "passwords.hash_password": (lambda env, kw: passwords.hash_password(**kw), {"password": "secret"}),
    "passwords.verify_password": (
        lambda env, kw: passwords.verify_password(**kw),
        {
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "password": "x",
        },
    ),
    "passwords.needs_rehash": (lambda env, kw: _sync(passwords.needs_rehash, **kw), {"password_hash": "x"}),
    "rows.row_factory": (lambda env, kw: _sync(rows.row_factory, **kw), {"model": _Row, "accelerated": None}),
    "Loader": (_load, {"max_batch": 10, "key": 1, "keys": [1, 2]}),
    "credentials.rotate_keys": (
        lambda env, kw: credentials.rotate_keys(env.pool, **kw),
        {"keys": key_ring(), "batch_size": 10},
    ),
}


async def _acting_select(conn: Connection) -> int:
    return await _select_one(conn)


async def _sync(fn: Callable[..., Any], **kw: Any) -> None:
    fn(**kw)


def _slow_threshold(seconds: Any) -> None:
    try:
        monitoring.set_slow_threshold(seconds)
    finally:
        monitoring.set_slow_threshold(1.0)


def _tracing(**kw: Any) -> None:
    try:
        monitoring.enable_tracing(**kw)
    finally:
        monitoring.disable_tracing()


async def _open_close(opening: Awaitable[Database]) -> None:
    db = await opening
    await db.close()


async def _close(opening: Awaitable[Any]) -> None:
    conn = await opening
    await conn.close()


async def _close_pool(opening: Awaitable[asyncpg.Pool[asyncpg.Record]]) -> None:
    pool = await opening
    await pool.close()


CASES = [(name, argument, bad) for name, (_, good) in TARGETS.items() for argument in good for bad in BAD]


@pytest.fixture(scope="module")
async def env_db(shared_url: str) -> AsyncIterator[Database]:
    db = await sqlfirst.connect(Settings(database_url=shared_url, min_size=1, max_size=2))
    try:
        yield db
    finally:
        await db.close()


def _placeholders(value: Any, url: str) -> Any:
    if value == "URL":
        return url
    if value == "SETTINGS":
        return Settings(database_url=url, min_size=1, max_size=1)
    return value


@pytest.mark.parametrize(("name", "argument", "bad"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
async def test_a_bad_argument_to_the_engine_raises_only_a_validation_or_sqlfirst_error(
    conn: Connection, env_db: Database, shared_url: str, name: str, argument: str, bad: str
) -> None:
    call, good = TARGETS[name]
    kwargs = {key: _placeholders(value, shared_url) for key, value in good.items()}
    kwargs[argument] = BAD[bad]
    env = Env(conn=conn, db=env_db, url=shared_url)
    try:
        async with conn.transaction():  # a savepoint: whatever the call wrote goes
            if name == "acting_user":
                with acting_user(kwargs["user"]):
                    await asyncio.wait_for(call(env, kwargs), timeout=20)
            else:
                await asyncio.wait_for(call(env, kwargs), timeout=20)
            raise _RolledBack
    except (_RolledBack, pydantic.ValidationError, SqlfirstError):
        pass


class _RolledBack(Exception):
    """Leaves the savepoint of a call that succeeded, undoing what it wrote."""


# -- what the checks must not do: leak a secret, refuse a good value, or take the caller's own error


async def test_a_url_given_for_settings_is_refused_without_its_password() -> None:
    with pytest.raises(pydantic.ValidationError) as refused:
        await sqlfirst.connect("postgresql://app:S3cretPw@db.example/prod")  # type: ignore[arg-type]
    assert "S3cretPw" not in str(refused.value)
    assert "settings" in str(refused.value)


def test_a_count_is_an_integer_of_any_integer_type_and_never_below_its_least() -> None:
    numpy = pytest.importorskip("numpy")

    class Level(enum.IntEnum):
        NONE = 0
        ONE = 1

    assert arguments.count("f", "n", numpy.int64(3), least=1) == 3
    assert arguments.count("f", "n", Level.ONE, least=1) == 1
    for bad in (Level.NONE, numpy.int64(0), 0):
        with pytest.raises(pydantic.ValidationError, match="must be 1 or more"):
            arguments.count("f", "n", bad, least=1)
    for bad in (True, 1.0, "1", numpy.float64(1.0)):
        with pytest.raises(pydantic.ValidationError):
            arguments.count("f", "n", bad, least=1)


async def test_numpy_numbers_and_flags_pass_where_python_s_do(env_db: Database) -> None:
    numpy = pytest.importorskip("numpy")
    async with env_db.transaction(readonly=numpy.bool_(True)) as conn:
        assert await conn.fetchval("select current_setting('transaction_read_only')") == "on"
    assert await env_db.run_in_transaction(_select_one, attempts=numpy.int64(2)) == 1
    settings = Settings(
        replica_retry_s=numpy.float64(1.5),
        command_timeout_s=numpy.float32(2.0),
        replica_urls={"postgresql://u@r1/d"},  # type: ignore[arg-type]
    )
    assert settings.replica_urls == ("postgresql://u@r1/d",)
    assert roles.scram_verifier("pw", salt=bytearray(b"salt"), iterations=numpy.int64(4096)).startswith(  # type: ignore[arg-type]
        "SCRAM-SHA-256$4096:"
    )
    for bad in (float("nan"), 0, -1.0):
        with pytest.raises(sqlfirst.errors.ConfigurationError, match="command_timeout_s"):
            Settings(command_timeout_s=bad)


async def test_the_caller_s_own_iterator_errors_leave_copy_models_as_they_were_raised(
    conn: Connection,
) -> None:
    await conn.execute("create temp table own_errors (id int, name text)")
    raised = TypeError("unsupported operand in the caller's generator")

    def models() -> Iterator[_Row]:
        yield _Row(id=1, name="a")
        raise raised

    with pytest.raises(TypeError) as caught:
        await sqlfirst.copy_models(conn, "own_errors", models())
    assert caught.value is raised
    with pytest.raises(sqlfirst.errors.InvalidInput, match="pydantic models, got a int"):
        await sqlfirst.copy_models(conn, "own_errors", [_Row(id=1, name="a"), 7])  # type: ignore[list-item]


async def test_role_passwords_keyed_by_anything_but_a_role_name_are_a_configuration_error(
    conn: Connection,
) -> None:
    for given in ({5: "x"}, {None: "a", 5: "b"}):
        with pytest.raises(sqlfirst.errors.ConfigurationError, match="role name"):
            await roles.ensure_roles(conn, passwords=given)  # type: ignore[arg-type]


async def test_numpy_arrays_huge_numbers_and_a_none_model_are_refused_with_typed_errors(
    conn: Connection, env_db: Database
) -> None:
    numpy = pytest.importorskip("numpy")
    with pytest.raises(pydantic.ValidationError, match="readonly"):
        async with env_db.transaction(readonly=numpy.array([True, False])):
            pass
    for bad in (numpy.array([5]), numpy.array(5.0), numpy.True_):
        with pytest.raises(pydantic.ValidationError):
            arguments.count("f", "n", bad)
    for seconds in (1e308, 10**400, float("inf")):
        with pytest.raises(pydantic.ValidationError, match="seconds"):
            monitoring.set_slow_threshold(seconds)
    with pytest.raises(sqlfirst.errors.ConfigurationError, match="replica_retry_s"):
        Settings(replica_retry_s=10**400)
    await conn.execute("create temp table none_first (id int, name text)")
    with pytest.raises(sqlfirst.errors.InvalidInput, match="pydantic models, got a NoneType"):
        await sqlfirst.copy_models(conn, "none_first", [None, _Row(id=1, name="a")])  # type: ignore[list-item]


def test_numpy_integers_in_settings_and_thresholds_are_kept_as_python_s() -> None:
    numpy = pytest.importorskip("numpy")
    settings = Settings(min_size=numpy.int64(1), max_size=numpy.int32(2), replica_retry_s=numpy.float32(0.5))
    assert (type(settings.min_size), type(settings.max_size), type(settings.replica_retry_s)) == (
        int,
        int,
        float,
    )
    limits = health.Thresholds(min_table_scans=numpy.int64(5), dead_ratio=numpy.float64(0.5))
    assert (type(limits.min_table_scans), type(limits.dead_ratio)) == (int, float)
