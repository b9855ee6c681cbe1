"""sqlfirst.bench.restore: a table given back exactly as snapshotted, whatever was done to it since."""

from __future__ import annotations

import asyncpg
import pytest

from sqlfirst.bench.restore import restore_table, snapshot_name, snapshot_table
from sqlfirst.errors import ConfigurationError

TABLE = "public.restore_probe"
ROWS = f"select * from {TABLE} order by id, part"


async def _probe(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    await conn.execute(
        f"create table {TABLE} (id bigint generated always as identity, part int not null,"
        " name text not null unique, doc jsonb not null default '{}', seen timestamptz,"
        " twice int generated always as (part * 2) stored, primary key (id, part))"
    )
    await conn.execute(
        "create function public.restore_probe_touch() returns trigger language plpgsql as $$"
        " begin new.seen := now(); return new; end $$"
    )
    await conn.execute(
        f"create trigger tg_restore_probe before update on {TABLE}"
        " for each row execute function public.restore_probe_touch()"
    )
    await conn.execute(
        f"insert into {TABLE} (part, name, doc) select n % 3, 'row ' || n, jsonb_build_object('n', n)"
        " from generate_series(1, 50) as n"
    )


async def test_added_rows_go_changed_rows_come_back_deleted_rows_return(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        await _probe(conn)
        await snapshot_table(conn, TABLE)
        loaded = [tuple(r) for r in await conn.fetch(ROWS)]
        await conn.execute(f"insert into {TABLE} (part, name) values (1, 'added'), (2, 'added too')")
        await conn.execute(f"update {TABLE} set doc = '{{\"changed\": true}}', part = 2 where id = 3")
        await conn.execute(f"update {TABLE} set name = name || ' renamed' where id between 10 and 12")
        await conn.execute(f"delete from {TABLE} where id in (20, 21)")
        # A deleted row's unique name taken by an added row: the added row goes before it returns.
        await conn.execute(f"insert into {TABLE} (part, name) values (0, 'row 20')")
        assert [tuple(r) for r in await conn.fetch(ROWS)] != loaded

        # 3 added rows deleted; row 3 moved (its key holds part): deleted and inserted; 3 renamed
        # rows updated; 2 deleted rows inserted.
        assert await restore_table(conn, TABLE) == 3 + 2 + 3 + 2
        assert [tuple(r) for r in await conn.fetch(ROWS)] == loaded  # seen stays null: no trigger ran
        assert await restore_table(conn, TABLE) == 0


async def test_a_partial_snapshot_puts_back_values_and_leaves_other_rows(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        await _probe(conn)
        await snapshot_table(conn, TABLE, where="part = 0")
        await conn.execute(f"insert into {TABLE} (part, name) values (0, 'added')")
        await conn.execute(f"update {TABLE} set doc = '[]'")
        assert await restore_table(conn, TABLE, partial=True) == await conn.fetchval(
            f"select count(*) from {snapshot_name(TABLE)}"
        )
        docs = await conn.fetch(f"select part, name, doc::text as doc from {TABLE}")
        assert all(r["doc"] != "[]" for r in docs if r["part"] == 0 and r["name"] != "added")
        assert all(r["doc"] == "[]" for r in docs if r["part"] != 0 or r["name"] == "added")


async def test_a_table_without_a_primary_key_cannot_be_snapshotted(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        await conn.execute("create table public.restore_keyless (n int)")
        with pytest.raises(ConfigurationError, match="no primary key"):
            await snapshot_table(conn, "public.restore_keyless")
