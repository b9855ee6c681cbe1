"""messages is partitioned by month under core maintenance: default partition, premade months, retention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from sqlfirst import partitions
from sqlfirst.db import Connection, connect_one
from sqlfirst.easyflow import conversations, messages

from .factories import make_conversation


def month_start(months_from_now: int) -> datetime:
    now = datetime.now(UTC)
    index = now.year * 12 + now.month - 1 + months_from_now
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def name(months_from_now: int) -> str:
    return f"messages_p{month_start(months_from_now):%Y_%m}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Connection]:
    conn = await connect_one(db_url)
    try:
        yield conn
    finally:
        await conn.close()


async def partition_of(conn: Connection, message_id: object) -> str:
    relname: str = await conn.fetchval(
        "select tableoid::regclass::text from easyflow.messages where id = $1", message_id
    )
    return relname.rpartition(".")[2]


async def test_migration_registers_messages_with_a_default_and_premade_months(db: Connection) -> None:
    names = {
        r["relname"]
        for r in await db.fetch(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            " where i.inhparent = 'easyflow.messages'::regclass"
        )
    }
    assert names >= {"messages_default", *(name(m) for m in range(4))}
    config = await db.fetchrow(
        "select control_column, premake, retention, retention_mode from core.partitioned_tables"
        " where parent_table = 'easyflow.messages'"
    )
    assert tuple(config) == ("created_at", 3, timedelta(days=365), "detach")  # asyncpg: 1 year = 365 days


async def test_a_message_outside_every_month_is_kept_then_moved_by_maintenance(db: Connection) -> None:
    conversation = await make_conversation(db)
    far = month_start(8) + timedelta(days=3)
    stored = await messages.append_inbound(
        db,
        session_id=conversation.session_id,
        user_id=conversation.user_id,
        content="from the future",
        platform="telegram",
        platform_message_id="f:1",
        conversation_id=conversation.id,
        created_at=far,
    )
    assert await partition_of(db, stored.id) == "messages_default"
    async with db.transaction():
        actions = await partitions.maintain(db, parent="easyflow.messages")
    assert any(a.action == "moved" and a.partition_name == name(8) and a.row_count == 1 for a in actions)
    assert await partition_of(db, stored.id) == name(8)
    # Derived data and the dedupe key survive the move.
    again = await messages.append_inbound(
        db,
        session_id=conversation.session_id,
        user_id=conversation.user_id,
        content="from the future",
        platform="telegram",
        platform_message_id="f:1",
        conversation_id=conversation.id,
    )
    assert again.duplicate
    assert again.id == stored.id
    current = await conversations.get(db, id=conversation.id)
    assert current is not None
    assert current.messages_count == 1


async def test_retention_detaches_old_months_and_their_dedupe_keys_go_stale_safely(db: Connection) -> None:
    conversation = await make_conversation(db)
    old_month = month_start(-14)
    await db.execute(
        f"create table easyflow.{name(-14)} partition of easyflow.messages"
        f" for values from ('{old_month.isoformat()}') to ('{month_start(-13).isoformat()}')"
    )
    delivery = dict(
        session_id=conversation.session_id,
        user_id=conversation.user_id,
        content="old",
        platform="telegram",
        platform_message_id="old:1",
        conversation_id=conversation.id,
    )
    old = await messages.append_inbound(db, **delivery, created_at=old_month + timedelta(days=1))
    async with db.transaction():
        actions = await partitions.maintain(db, parent="easyflow.messages")
    assert [a.partition_name for a in actions if a.action == "detached"] == [name(-14)]
    assert await db.fetchval("select count(*) from easyflow.messages where id = $1", old.id) == 0
    # The detached month is kept as a plain table (archive).
    assert await db.fetchval(f"select count(*) from easyflow.{name(-14)}") == 1
    # A key whose message left with its partition no longer deduplicates: a redelivery is new.
    fresh = await messages.append_inbound(db, **delivery)
    assert not fresh.duplicate
    assert fresh.id != old.id
    assert await messages.purge_dedupe_keys(db, before=datetime.now(UTC) - timedelta(days=365)) == 0
    assert await messages.purge_dedupe_keys(db, before=datetime.now(UTC) + timedelta(minutes=1)) == 1
