"""Through the public API, a typed function returns exactly what Pydantic's validation gives.

Each case was a way the fast row path once lied: a NULL from an outer join or a computed column in
a non-Optional field, a model config that transforms strings, typed JSON left as strings, fields
dumped in SELECT order, a factory reused across shapes, a declared default beating the caller's
value, a stream from a pool, and a ``<!`` declared to return a list.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from sqlfirst.binding import SqlFile
from sqlfirst.db import Connection, Executor, create_pool
from sqlfirst.errors import DatabaseError, QueryDeclarationError
from sqlfirst.rows import row_factory
from sqlfirst.settings import Settings

SQL = """
-- name: pet_with_owner(id)^
-- A pet and its owner's name; the owner may be missing.
select p.id, o.name as name
from pets p
left join owners o on o.id = p.owner_id
where p.id = :id;

-- name: newest_owner_name()^
-- A computed column that is NULL on an empty table.
select (select max(name) from owners) as name;

-- name: padded()^
-- Whitespace the model's config strips.
select '  padded  '::text as name;

-- name: typed_json()^
-- A jsonb array of uuids.
select '["00000000-0000-0000-0000-000000000001"]'::jsonb as ids;

-- name: reordered()^
-- Columns in another order than the model's fields.
select 'b' as second, 'a' as first;

-- name: limited(lim)
-- The first pets by id.
select p.id, p.name from pets p order by p.id limit :lim;

-- name: streamed(lim)
-- The same, through a cursor.
select p.id, p.name from pets p order by p.id limit :lim;

-- name: add_pet(name)<!
-- Add a pet.
insert into pets (id, name) values (gen_random_uuid(), :name) returning id, name;

-- name: owner_of(id)$
-- The owner's id of a pet (NULL for a stray).
select owner_id from pets where id = :id;
"""


class Named(BaseModel):
    id: uuid.UUID
    name: str


class NameOnly(BaseModel):
    name: str


class Stripped(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str


class Ids(BaseModel):
    ids: list[uuid.UUID]


class Ordered(BaseModel):
    first: str
    second: str


@pytest.fixture
def sql(tmp_path: Path) -> SqlFile:
    (tmp_path / "zoo").mkdir()
    (tmp_path / "zoo" / "pets.sql").write_text(SQL)
    return SqlFile("zoo", "pets", root=tmp_path)


TABLES = """
create table if not exists owners (id uuid primary key, name text not null);
create table if not exists pets (
    id uuid primary key, owner_id uuid references owners (id), name text not null
);
"""


@pytest.fixture
async def zoo(conn: Connection) -> Connection:
    await conn.execute(TABLES)
    return conn


async def test_a_null_from_the_outer_side_of_a_join_is_a_validation_error(
    sql: SqlFile, zoo: Connection
) -> None:
    @sql.query("pet_with_owner")
    async def pet_with_owner(conn: Executor, *, id: uuid.UUID) -> Named | None: ...

    pet = uuid.uuid4()
    await zoo.execute("insert into pets (id, name) values ($1, 'rex')", pet)
    with pytest.raises(ValidationError, match="name"):
        await pet_with_owner(zoo, id=pet)


async def test_a_null_computed_column_is_a_validation_error(sql: SqlFile, zoo: Connection) -> None:
    @sql.query("newest_owner_name")
    async def newest(conn: Executor) -> NameOnly | None: ...

    with pytest.raises(ValidationError, match="name"):
        await newest(zoo)


async def test_the_model_config_applies_to_returned_rows(sql: SqlFile, zoo: Connection) -> None:
    @sql.query("padded")
    async def padded(conn: Executor) -> Stripped | None: ...

    assert await padded(zoo) == Stripped(name="padded")


async def test_typed_json_is_validated_into_its_types(sql: SqlFile, zoo: Connection) -> None:
    @sql.query("typed_json")
    async def typed_json(conn: Executor) -> Ids | None: ...

    found = await typed_json(zoo)
    assert found is not None
    assert found.ids == [uuid.UUID(int=1)] and type(found.ids[0]) is uuid.UUID


async def test_fields_dump_in_the_models_order_whatever_the_select_order(
    sql: SqlFile, zoo: Connection
) -> None:
    @sql.query("reordered")
    async def reordered(conn: Executor) -> Ordered | None: ...

    found = await reordered(zoo)
    assert found is not None
    assert found.model_dump_json() == '{"first":"a","second":"b"}'
    assert list(found.__dict__) == ["first", "second"]


async def test_a_factory_reused_on_rows_of_another_shape_maps_each_value_to_its_field(
    zoo: Connection,
) -> None:
    factory = row_factory(Ordered)
    one = await zoo.fetchrow("select 'a' as first, 'b' as second")
    other = await zoo.fetchrow("select 'b' as second, 'a' as first")
    assert factory(one) == factory(other) == Ordered(first="a", second="b")
    assert factory.many(await zoo.fetch("select 'b' as second, 'a' as first")) == [
        Ordered(first="a", second="b")
    ]


async def test_the_callers_value_beats_the_declared_default(sql: SqlFile, zoo: Connection) -> None:
    @sql.query("limited")
    async def limited(conn: Executor, *, lim: int = 3) -> list[Named]: ...

    for n in range(5):
        await zoo.execute("insert into pets (id, name) values ($1, $2)", uuid.UUID(int=n + 1), f"p{n}")
    assert len(await limited(zoo)) == 3
    assert len(await limited(zoo, lim=1)) == 1
    assert len(await limited(zoo, lim=5)) == 5


async def test_a_stream_from_a_pool_yields_every_row(sql: SqlFile, db_url: str) -> None:
    @sql.query("streamed")
    def streamed(conn: Executor, *, lim: int) -> AsyncIterator[Named]: ...

    setup = await asyncpg.connect(db_url)
    try:
        await setup.execute(TABLES)
        await setup.execute(
            "insert into pets (id, name) select gen_random_uuid(), 'p' || g from generate_series(1, 1200) g"
        )
    finally:
        await setup.close()
    pool = await create_pool(Settings(database_url=db_url, min_size=1, max_size=2))
    try:
        names = [pet.name async for pet in streamed(pool, lim=1100)]
    finally:
        await pool.close()
    assert len(names) == 1100  # more than one cursor prefetch (500)


def test_a_returning_query_declared_to_return_a_list_fails_at_import(sql: SqlFile) -> None:
    with pytest.raises(QueryDeclarationError, match="returns one row"):

        @sql.query("add_pet")
        async def add_pet(conn: Executor, *, name: str) -> list[Named]: ...


def test_a_returning_query_may_return_its_model(sql: SqlFile) -> None:
    @sql.query("add_pet")
    async def add_pet(conn: Executor, *, name: str) -> Named: ...

    decl: Any = add_pet.__sqlfirst__  # type: ignore[attr-defined]
    assert decl.kind == "returning" and decl.result_type is Named


async def test_a_required_scalar_says_whether_the_row_was_missing_or_its_value_null(
    sql: SqlFile, zoo: Connection
) -> None:
    @sql.query("owner_of")
    async def owner_of(conn: Executor, *, id: uuid.UUID) -> uuid.UUID: ...

    stray = uuid.uuid4()
    await zoo.execute("insert into pets (id, name) values ($1, 'rex')", stray)
    with pytest.raises(
        DatabaseError, match=r"owner_of\(\): the query returned NULL, but the declaration's result"
    ):
        await owner_of(zoo, id=stray)
    with pytest.raises(DatabaseError, match=r"owner_of\(\): the query returned no row"):
        await owner_of(zoo, id=uuid.uuid4())
