"""A stored dataset is reused only while the generator declares the same tables, columns and row
counts; a reload restarts identities; what a generator or its load breaks names the table."""

from __future__ import annotations

import io
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest
from rich.console import Console

from sqlfirst.bench.dataset import dataset
from sqlfirst.bench.registry import DomainBench, TableLoad
from sqlfirst.errors import ConfigurationError
from tests.conftest import _create_database, _drop_database

ITEMS = 50

SCHEMA = """
create schema bt;
create table bt.items (id bigint generated always as identity primary key, name text not null);
create table bt.orders (id bigint generated always as identity primary key,
                        item_id bigint not null references bt.items (id));
"""


def _items() -> TableLoad:
    return TableLoad("bt.items", ("name",), ITEMS, lambda: iter((f"item {n}",) for n in range(ITEMS)))


def _orders(first_id: int = 1) -> TableLoad:
    def rows() -> Iterator[tuple[Any, ...]]:  # the generator assumes the items got ids 1..ITEMS
        return iter((first_id + n % ITEMS,) for n in range(2 * ITEMS))

    return TableLoad("bt.orders", ("item_id",), 2 * ITEMS, rows)


def _bench(*loads: TableLoad) -> DomainBench:
    async def sample(conn: Any, rng: Any) -> None:
        return None

    return DomainBench(domain="bt", tables=lambda factor, seed: list(loads), sample=sample, queries=[])


@pytest.fixture
async def plain(server_url: str) -> AsyncIterator[asyncpg.Connection[Any]]:
    name = f"sqlfirst_ds_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(SCHEMA)
        yield conn
    finally:
        await conn.close()
        await _drop_database(server_url, name)


async def _load(conn: asyncpg.Connection[Any], bench: DomainBench, *, fresh: bool = False) -> bool:
    console = Console(file=io.StringIO())
    _, reused = await dataset(conn, bench, scale="small", factor=0.02, seed=42, fresh=fresh, console=console)
    return reused


async def test_a_changed_generator_rebuilds_the_dataset_and_ids_start_again(
    plain: asyncpg.Connection[Any],
) -> None:
    assert not await _load(plain, _bench(_items()))
    assert await _load(plain, _bench(_items()))  # same generator: reused
    # A table added to tables(): the stored dataset is not the generator's any more. The reload
    # empties items too, and the orders' generator counts on ids from 1 again.
    assert not await _load(plain, _bench(_items(), _orders()))
    assert await plain.fetchval("select count(*) from bt.orders") == 2 * ITEMS
    assert await plain.fetchval("select min(id) from bt.items") == 1
    assert await _load(plain, _bench(_items(), _orders()))
    assert not await _load(plain, _bench(_items(), _orders()), fresh=True)  # --fresh: ids from 1 too
    assert await plain.fetchval("select max(id) from bt.items") == ITEMS
    # Another column or another row count is another dataset as well.
    more = TableLoad("bt.items", ("name",), ITEMS + 1, lambda: iter((f"i{n}",) for n in range(ITEMS + 1)))
    assert not await _load(plain, _bench(more))


async def test_a_load_breaking_a_constraint_names_the_table_and_the_constraint(
    plain: asyncpg.Connection[Any],
) -> None:
    with pytest.raises(
        ConfigurationError, match=r"loading bt.orders failed .*\[constraint orders_item_id_fkey\]"
    ):
        await _load(plain, _bench(_items(), _orders(first_id=ITEMS + 1)))


async def test_a_generator_that_raises_names_the_domain_or_the_table(plain: asyncpg.Connection[Any]) -> None:
    def broken(factor: float, seed: int) -> list[TableLoad]:
        raise KeyError("nope")

    bench = DomainBench(domain="bt", tables=broken, sample=_bench().sample, queries=[])
    with pytest.raises(ConfigurationError, match=r"^bt: BENCH.tables raised KeyError: 'nope'$"):
        await _load(plain, bench)

    def rows() -> Iterator[tuple[Any, ...]]:
        yield ("fine",)
        raise IndexError("Cannot choose from an empty sequence")

    bad = TableLoad("bt.items", ("name",), 2, rows)
    with pytest.raises(
        ConfigurationError,
        match=r"^loading bt.items: the generator raised IndexError: Cannot choose from an empty sequence$",
    ):
        await _load(plain, _bench(bad))


async def test_tables_derived_after_the_load_get_statistics_too(plain: asyncpg.Connection[Any]) -> None:
    """The planner sees every table of the domain's schemas analyzed (on a load and on a reuse), a
    table ``after_load`` derives from the generated ones included: with autovacuum off it would be
    planned on default estimates."""
    await plain.execute("create table bt.derived (item_id bigint primary key)")

    async def derive(conn: Any) -> None:
        await conn.execute("truncate bt.derived")
        await conn.execute("insert into bt.derived select id from bt.items")

    async def sample(conn: Any, rng: Any) -> None:
        return None

    bench = DomainBench(
        domain="bt", tables=lambda factor, seed: [_items()], sample=sample, queries=[], after_load=derive
    )
    estimate = "select reltuples from pg_class where oid = 'bt.derived'::regclass"
    assert await plain.fetchval(estimate) < 0  # never analyzed
    assert not await _load(plain, bench)
    assert await plain.fetchval(estimate) == ITEMS
    await plain.execute("insert into bt.derived select id + 1000 from bt.items")
    assert await _load(plain, bench)  # reused: analyzed again
    assert await plain.fetchval(estimate) == 2 * ITEMS
