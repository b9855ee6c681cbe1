"""Per named query: statistics, the slow-query log and OpenTelemetry spans, on a real database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from sqlfirst import monitoring
from sqlfirst.agent_hub import users
from sqlfirst.binding import SqlFile
from sqlfirst.db import Database, Executor, create_pool
from sqlfirst.deals import tokens
from sqlfirst.errors import Conflict, NotFound
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


async def test_spans_carry_the_query_rows_and_error_type_but_no_values(
    pool: asyncpg.Pool[asyncpg.Record], exporter: InMemorySpanExporter
) -> None:
    ada = await users.create(pool, username="ada", email="ada@example.com", password="correct horse")
    await users.get_by_id(pool, id=ada.id)
    with pytest.raises(Conflict):
        await users.create(pool, username="ada", email="x@example.com", password="correct horse")
    stranger = uuid4()
    with pytest.raises(NotFound):
        await tokens.deduct(pool, user_id=stranger, amount=1)
    spans = {s.name: s for s in exporter.get_finished_spans()}
    lookup = spans["agent_hub.get_user_by_id"]
    assert lookup.attributes is not None
    assert lookup.attributes["db.system"] == "postgresql"
    assert lookup.attributes["db.operation.name"] == "SELECT"
    assert lookup.attributes["db.response.returned_rows"] == 1
    conflict = spans["agent_hub.insert_user"]
    assert conflict.attributes is not None and conflict.attributes["error.type"] == "Conflict"
    missing = spans["deals.deduct_tokens"]
    assert missing.attributes is not None and missing.attributes["error.type"] == "DatabaseError"
    for span in exporter.get_finished_spans():
        text = repr(dict(span.attributes or {}))
        for secret in (str(ada.id), str(stranger), "correct horse", "argon2", "ada@example.com"):
            assert secret not in text, (span.name, text)


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
