"""Per named query: statistics, the slow-query log and OpenTelemetry spans, on a real database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import asyncpg
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from sqlfirst import monitoring
from sqlfirst.agent_hub import sessions, users
from sqlfirst.agent_hub.models import UserLogin
from sqlfirst.binding import SqlFile
from sqlfirst.db import Database, Executor, connect_one, copy_models, create_pool
from sqlfirst.deals import tokens
from sqlfirst.errors import Conflict, InvalidInput, NotFound
from sqlfirst.settings import Settings

SLEEPY = """
-- name: nap(seconds)$
-- Sleep, then say so.
select 'slept'::text from pg_sleep(:seconds);
"""


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    monitoring.enable_tracing(tracer_provider=provider)
    try:
        yield spans
    finally:
        monitoring.disable_tracing()


async def test_statistics_count_calls_errors_and_rows_exactly_under_32_clients(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    ada = await users.create(pool, username="ada", email="ada@example.com", password="correct horse")
    monitoring.reset()

    async def client() -> None:
        for _ in range(20):
            assert await users.get_by_id(pool, id=ada.id) is not None
        assert await users.get_by_id(pool, id=uuid4()) is None
        with pytest.raises(Conflict):
            await users.create(pool, username="ada", email="other@example.com", password="correct horse")

    await asyncio.gather(*(client() for _ in range(32)))
    found = monitoring.stats()
    lookups = found["agent_hub.get_user_by_id"]
    assert (lookups.calls, lookups.rows, lookups.errors) == (32 * 21, 32 * 20, {})
    inserts = found["agent_hub.insert_user"]
    assert (inserts.calls, inserts.rows, inserts.errors) == (32, 0, {"Conflict": 32})
    assert 0 < lookups.p50_ms <= lookups.p95_ms <= lookups.p99_ms
    assert sum(lookups.buckets) == lookups.calls
    monitoring.reset()
    assert "agent_hub.get_user_by_id" not in monitoring.stats()


async def test_the_slow_query_log_fires_over_the_threshold_only(
    tmp_path: Path, pool: asyncpg.Pool[asyncpg.Record], caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "naps.sql").write_text(SLEEPY)
    sql = SqlFile("probe", "naps", root=tmp_path)

    @sql.query("nap")
    async def nap(conn: Executor, *, seconds: float) -> str: ...

    monitoring.set_slow_threshold(0.2)
    try:
        with caplog.at_level(logging.WARNING, logger="sqlfirst.slow"):
            await nap(pool, seconds=0.0)
            assert not caplog.records
            with monitoring.acting_user("user-42"):
                await nap(pool, seconds=0.3)
    finally:
        monitoring.set_slow_threshold(1.0)
    (record,) = caplog.records
    assert record.query == "probe.nap"  # type: ignore[attr-defined]
    assert record.duration_ms >= 300 and record.rows == 1  # type: ignore[attr-defined]
    assert record.user == "user-42"  # type: ignore[attr-defined]
    assert "0.3" not in record.getMessage().replace(f"{record.duration_ms:.1f}", "")  # type: ignore[attr-defined]


def _everything_said(span: ReadableSpan) -> str:
    """All a span tells an exporter: name, attributes, status, events with their attributes."""
    events = [(e.name, dict(e.attributes or {})) for e in span.events]
    return repr((span.name, dict(span.attributes or {}), span.status.description, events))


def _server(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parse_qs(parts.query).get("host", [parts.hostname or ""])[0]
    return host, parts.port or 5432


def _assert_server(span: ReadableSpan, url: str) -> None:
    attributes = span.attributes or {}
    host, port = _server(url)
    if host.startswith("/"):  # a Unix socket (the embedded server): its path, no port
        assert str(attributes["server.address"]).startswith(host), (span.name, attributes)
        assert "server.port" not in attributes
    else:
        assert (attributes["server.address"], attributes["server.port"]) == (host, port), attributes


async def test_spans_carry_the_query_rows_server_and_error_type_but_no_values(
    db_url: str, pool: asyncpg.Pool[asyncpg.Record], exporter: InMemorySpanExporter
) -> None:
    ada = await users.create(pool, username="ada", email="ada@example.com", password="correct horse")
    await users.get_by_id(pool, id=ada.id)
    with pytest.raises(Conflict):
        await users.create(pool, username="ada", email="x@example.com", password="correct horse")
    stranger = uuid4()
    with pytest.raises(NotFound):
        await tokens.deduct(pool, user_id=stranger, amount=1)
    with pytest.raises(NotFound):
        await sessions.append_messages(pool, id=stranger, messages=[{"secret": "correct horse"}])
    spans = {s.name: s for s in exporter.get_finished_spans()}
    lookup = spans["agent_hub.get_user_by_id"]
    assert lookup.attributes is not None
    assert lookup.attributes["db.system.name"] == lookup.attributes["db.system"] == "postgresql"
    assert lookup.attributes["db.namespace"] == f"{urlsplit(db_url).path.lstrip('/')}.agent_hub"
    assert lookup.attributes["db.operation.name"] == "SELECT"
    assert lookup.attributes["db.query.summary"] == "agent_hub.get_user_by_id"
    assert lookup.attributes["db.response.returned_rows"] == 1
    assert "error.type" not in lookup.attributes and "db.query.text" not in lookup.attributes
    for span in spans.values():
        if span.name != "transaction":
            _assert_server(span, db_url)
    conflict = spans["agent_hub.insert_user"]
    assert conflict.attributes is not None and conflict.attributes["error.type"] == "Conflict"
    assert conflict.attributes["db.response.status_code"] == "23505"
    # deduct's NotFound: the database refused the unknown user (SQLSTATE SF021); the query's span
    # says what the database said, the caller gets NotFound (see the transaction test below).
    missing = spans["deals.deduct_tokens"]
    assert missing.attributes is not None and missing.attributes["error.type"] == "DatabaseError"
    assert missing.attributes["db.response.status_code"] == tokens.UNKNOWN_USER_SQLSTATE
    # append_messages' NotFound: the database function answers NULL for a missing session (one row,
    # no database error); the caller turns the NULL into NotFound.
    absent = spans["agent_hub.append_session_messages"]
    assert absent.attributes is not None and absent.attributes["db.response.returned_rows"] == 1
    assert "error.type" not in absent.attributes
    for span in exporter.get_finished_spans():
        said = _everything_said(span)
        for secret in (str(ada.id), str(stranger), "correct horse", "argon2", "ada@example.com"):
            assert secret not in said, (span.name, said)


async def test_a_transaction_span_carries_the_error_its_block_raised_but_not_its_message(
    db_url: str, exporter: InMemorySpanExporter
) -> None:
    db = Database(await create_pool(Settings(database_url=db_url, min_size=1)))
    stranger = uuid4()
    try:
        with pytest.raises(NotFound):
            async with db.transaction() as conn:
                await tokens.deduct(conn, user_id=stranger, amount=1)
    finally:
        await db.close()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    transaction = spans["transaction"]
    assert transaction.attributes is not None and transaction.attributes["error.type"] == "NotFound"
    assert not transaction.status.is_ok
    query = spans["deals.deduct_tokens"]
    assert query.parent is not None and query.parent.span_id == transaction.context.span_id
    _assert_server(query, db_url)  # on a pooled connection (the transaction's)
    for span in spans.values():  # NotFound's message names the user's id: no span may carry it
        assert str(stranger) not in _everything_said(span), span.name


async def test_copy_models_is_recorded_and_traced_like_a_query(
    db_url: str, exporter: InMemorySpanExporter
) -> None:
    conn = await connect_one(db_url)
    try:
        ada = await users.create(conn, username="ada", email="ada@example.com", password="correct horse")
        login = UserLogin(**ada.model_dump(), password_hash="$argon2id$fixed")
        fresh = [
            login.model_copy(update={"id": uuid4(), "username": f"u{n}", "email": f"u{n}@example.com"})
            for n in range(3)
        ]
        monitoring.reset()
        assert await copy_models(conn, "agent_hub.users", fresh) == 3
        with pytest.raises(Conflict):
            await copy_models(conn, "agent_hub.users", [login])
        with pytest.raises(InvalidInput):
            await copy_models(conn, "agent_hub.users", [ada], columns=["id", "password_hash"])
    finally:
        await conn.close()
    copied = monitoring.stats()["agent_hub.copy_users"]
    assert (copied.calls, copied.rows, copied.errors) == (3, 3, {"Conflict": 1, "InvalidInput": 1})
    spans = [s for s in exporter.get_finished_spans() if s.name == "agent_hub.copy_users"]
    assert [dict(s.attributes or {}).get("error.type") for s in spans] == [None, "Conflict", "InvalidInput"]
    ok, conflict, _ = spans
    assert ok.attributes is not None and ok.attributes["db.response.returned_rows"] == 3
    assert ok.attributes["db.operation.name"] == "COPY"
    assert ok.attributes["db.collection.name"] == "agent_hub.users"
    assert conflict.attributes is not None and conflict.attributes["db.response.status_code"] == "23505"
    _assert_server(ok, db_url)
    for span in spans:
        assert str(ada.id) not in _everything_said(span) and "argon2" not in _everything_said(span)


async def test_statistics_can_be_turned_off_while_spans_go_on(
    pool: asyncpg.Pool[asyncpg.Record], exporter: InMemorySpanExporter
) -> None:
    monitoring.reset()
    monitoring.disable_statistics()
    try:
        assert await users.get_by_id(pool, id=uuid4()) is None
    finally:
        monitoring.enable_statistics()
    assert "agent_hub.get_user_by_id" not in monitoring.stats()
    assert [s.name for s in exporter.get_finished_spans()] == ["agent_hub.get_user_by_id"]
    assert await users.get_by_id(pool, id=uuid4()) is None
    assert monitoring.stats()["agent_hub.get_user_by_id"].calls == 1


async def test_a_transaction_is_the_parent_of_its_queries_spans(
    db_url: str, exporter: InMemorySpanExporter
) -> None:
    db = Database(await create_pool(Settings(database_url=db_url, min_size=1)))
    try:
        async with db.transaction() as conn:
            await users.get_by_username(conn, username="nobody")
    finally:
        await db.close()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    query, transaction = spans["agent_hub.get_user_by_username"], spans["transaction"]
    assert query.parent is not None and query.parent.span_id == transaction.context.span_id


def _implementations() -> list[object]:
    both: list[object] = [pytest.param("python", id="python")]
    if monitoring._speedups is not None:
        both.append(pytest.param("c", id="c"))
    return both


@pytest.mark.parametrize("implementation", _implementations())
def test_both_implementations_count_the_same_and_call_the_slow_log(
    implementation: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The C counting (the default where it compiled) and the Python twin keep the same figures;
    both hand slow calls to the same log. The typed functions above run on the default one."""
    name = f"parity.{implementation}"
    slot: Any
    done: Any
    failed: Any
    if implementation == "c":
        slot = monitoring.recorder(name, namespace="parity", operation="SELECT", sql="")
        done, failed = monitoring._speedups.done, monitoring._speedups.failed
    else:
        slot = monitoring._Recorder(name, "parity", {}, "")
        slot.stats = monitoring.QueryStats(name)
        monitoring._RECORDERS[name] = slot
        done, failed = monitoring._py_done, monitoring._py_failed
    try:
        for rows in (1, 0, 7):
            done(slot, monitoring.now(), rows, None)
        failed(slot, monitoring.now(), Conflict("x"), None)
        failed(slot, monitoring.now(), NotFound("y"), None)
        failed(slot, monitoring.now(), Conflict("z"), None)
        found = monitoring.stats()[name]
        assert (found.calls, found.rows, found.errors) == (6, 8, {"Conflict": 2, "NotFound": 1})
        assert sum(found.buckets) == 6 and found.total_ns > 0 and 0 < found.p50_ms < 1000
        monitoring.disable_statistics()
        done(slot, monitoring.now(), 5, None)
        monitoring.enable_statistics()
        assert monitoring.stats()[name].calls == 6
        monitoring.set_slow_threshold(0)
        with caplog.at_level(logging.WARNING, logger="sqlfirst.slow"):
            done(slot, monitoring.now() - 5_000_000, 2, None)
            failed(slot, monitoring.now() - 5_000_000, NotFound("secret-value"), None)
        slow = [r for r in caplog.records if r.name == "sqlfirst.slow"]
        assert [(r.query, r.rows, r.error) for r in slow] == [(name, 2, None), (name, 0, "NotFound")]  # type: ignore[attr-defined]
        assert all(r.duration_ms >= 5 for r in slow)  # type: ignore[attr-defined]
        assert "secret-value" not in caplog.text
        monitoring.reset()
        assert name not in monitoring.stats()
    finally:
        monitoring.set_slow_threshold(1.0)
        monitoring.enable_statistics()
        monitoring._RECORDERS.pop(name, None)
