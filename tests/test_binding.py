"""Typed declarations: bound at import, checked against their query, fast path with typed errors."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from sqlfirst.binding import SqlFile, rows_affected
from sqlfirst.db import Connection, Executor
from sqlfirst.errors import InvalidInput, QueryDeclarationError

SQL = """
-- name: get_thing(id)^
-- One thing.
select id, label from things where id = :id;

-- name: list_things(lo, hi)
-- Things in a range.
select id, label from things where id between :lo and :hi order by id;

-- name: stream_things(lo, hi)
-- Things in a range, through a cursor.
select id, label from things where id between :lo and :hi order by id;

-- name: count_things()$
-- How many things.
select count(*) from things;

-- name: rename_thing(id, label)!
-- Rename.
update things set label = :label where id = :id;

-- name: add_thing(label)<!
-- Add one.
insert into things (label) values (:label) returning id;

-- name: quoted_colon(id)^
-- A ':literal' inside quotes is not a parameter, and casts (::) are not either.
select id, label || ':x' as label from things where id = :id::int;
"""


class Thing(BaseModel):
    id: int
    label: str


@pytest.fixture
def sql_root(tmp_path: Path) -> Path:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "things.sql").write_text(SQL)
    return tmp_path


@pytest.fixture
async def things(conn: Connection) -> Connection:
    await conn.execute("create temporary table things (id serial primary key, label text not null)")
    await conn.execute("insert into things (label) select 'thing ' || g from generate_series(1, 5) g")
    return conn


def test_every_operator_binds_to_its_return_type(sql_root: Path) -> None:
    f = SqlFile("demo", "things", root=sql_root)

    @f.query("get_thing")
    async def get(conn: Executor, *, id: int) -> Thing | None: ...

    @f.query("list_things")
    async def many(conn: Executor, *, lo: int, hi: int) -> list[Thing]: ...

    @f.query("stream_things")
    def stream(conn: Executor, *, lo: int, hi: int) -> AsyncIterator[Thing]: ...

    @f.query("count_things")
    async def count(conn: Executor) -> int: ...

    @f.query("rename_thing")
    async def rename(conn: Executor, *, id: int, label: str) -> int: ...

    @f.query("add_thing")
    async def add(conn: Executor, *, label: str) -> int: ...

    kinds = [g.__sqlfirst__.kind for g in (get, many, stream, count, rename, add)]  # type: ignore[attr-defined]
    assert kinds == ["one", "many", "stream", "value", "execute", "returning"]


async def test_bound_functions_run_their_queries(sql_root: Path, things: Connection) -> None:
    f = SqlFile("demo", "things", root=sql_root)

    @f.query("get_thing")
    async def get(conn: Executor, *, id: int) -> Thing | None: ...

    @f.query("list_things")
    async def many(conn: Executor, *, lo: int, hi: int) -> list[Thing]: ...

    @f.query("count_things")
    async def count(conn: Executor) -> int: ...

    @f.query("rename_thing")
    async def rename(conn: Executor, *, id: int, label: str) -> int: ...

    @f.query("add_thing")
    async def add(conn: Executor, *, label: str) -> int: ...

    @f.query("quoted_colon")
    async def quoted(conn: Executor, *, id: int) -> Thing | None: ...

    assert await get(things, id=2) == Thing(id=2, label="thing 2")
    assert await get(things, id=99) is None
    assert [t.id for t in await many(things, lo=2, hi=4)] == [2, 3, 4]
    assert await count(things) == 5
    assert await rename(things, id=1, label="first") == 1
    assert await rename(things, id=99, label="none") == 0
    assert await add(things, label="sixth") == 6
    assert await quoted(things, id=1) == Thing(id=1, label="first:x")


async def test_streaming_declaration_yields_every_row_through_a_cursor(
    sql_root: Path, things: Connection
) -> None:
    f = SqlFile("demo", "things", root=sql_root)

    @f.query("stream_things")
    def stream(conn: Executor, *, lo: int, hi: int) -> AsyncIterator[Thing]: ...

    assert [t.id async for t in stream(things, lo=1, hi=5)] == [1, 2, 3, 4, 5]


async def test_wrong_keywords_raise_type_error_naming_them(sql_root: Path, things: Connection) -> None:
    f = SqlFile("demo", "things", root=sql_root)

    @f.query("get_thing")
    async def get(conn: Executor, *, id: int) -> Thing | None: ...

    with pytest.raises(TypeError, match="unexpected keyword argument 'ident'"):
        await get(things, ident=1)


async def test_a_value_of_the_wrong_type_raises_invalid_input(sql_root: Path, things: Connection) -> None:
    f = SqlFile("demo", "things", root=sql_root)

    @f.query("get_thing")
    async def get(conn: Executor, *, id: int) -> Thing | None: ...

    with pytest.raises(InvalidInput) as caught:
        await get(things, id="not a number")  # type: ignore[arg-type]
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "@f.query('get_thing')\nasync def g(conn, *, ident: int) -> Thing | None: ...",
            r"things.sql:2: .*missing \['id'\], not in the query \['ident'\]",
        ),
        ("@f.query('get_thing')\nasync def g(conn, *, id: int) -> Thing: ...", r"returns `Model \| None`"),
        ("@f.query('list_things')\nasync def g(conn, *, lo: int, hi: int) -> Thing: ...", "list"),
        ("@f.query('rename_thing')\nasync def g(conn, *, id: int, label: str) -> bool: ...", "int"),
        ("@f.query('get_thing')\nasync def g(conn, id: int) -> Thing | None: ...", "keyword-only"),
        ("@f.query('no_such_query')\nasync def g(conn) -> int: ...", "no query named 'no_such_query'"),
    ],
)
def test_a_declaration_that_does_not_fit_its_query_fails_at_import(
    sql_root: Path, source: str, message: str
) -> None:
    f = SqlFile("demo", "things", root=sql_root)
    with pytest.raises(QueryDeclarationError, match=message):
        exec(source, {"f": f, "Thing": Thing})  # noqa: S102


def test_a_missing_query_file_is_a_declaration_error(tmp_path: Path) -> None:
    with pytest.raises(QueryDeclarationError, match="no query file"):
        SqlFile("demo", "absent", root=tmp_path)


@pytest.mark.parametrize(
    ("status", "count"), [("UPDATE 3", 3), ("INSERT 0 1", 1), ("DELETE 0", 0), ("CREATE TABLE", 0)]
)
def test_rows_affected_reads_the_command_status(status: str, count: int) -> None:
    assert rows_affected(status) == count


def test_query_ids_are_unique_per_domain() -> None:
    # every declared agent_hub function knows the file and line of its query
    from sqlfirst.agent_hub import users

    decl = users.get_by_id.__sqlfirst__  # type: ignore[attr-defined]
    assert decl.query.path.name == "users.sql"
    assert decl.query.line > 0
    assert decl.query.parameters == ("id",)
    assert "$1" in decl.query.sql
    assert uuid.UUID in decl.parameter_types.values()


async def test_the_lean_adapter_serves_plain_aiosql_use(sql_root: Path, things: Connection) -> None:
    import aiosql

    queries = aiosql.from_path(sql_root / "demo" / "things.sql", "sqlfirst", attribute=None)
    row = await queries.get_thing(things, id=3)
    assert (row["id"], row["label"]) == (3, "thing 3")
    assert [r["id"] async for r in queries.list_things(things, lo=1, hi=2)] == [1, 2]
    assert await queries.count_things(things) == 5
    assert await queries.rename_thing(things, id=3, label="third") == 1
    assert await queries.add_thing(things, label="new") == 6
    with pytest.raises(InvalidInput):
        await queries.get_thing(things, id="x")
