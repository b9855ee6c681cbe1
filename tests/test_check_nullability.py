"""`sqlfirst check` proves nullability and types the way the row builders rely on them.

A non-Optional field must be fed by a column the catalog proves NOT NULL (a table column outside
the NULL-extended side of an outer join), or by one its declaration vouches for with a reason; a
NOT NULL column declared Optional, a date column for a datetime field and a cidr column for an
address are reported with the file and line.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from uuid import UUID

import asyncpg
import pytest
from pydantic import BaseModel

from sqlfirst.binding import SqlFile
from sqlfirst.check import CheckReport, check_database
from sqlfirst.db import Executor

SCHEMA = """
create table owners (id uuid primary key, name text not null, nickname text);
create table pets (
    id uuid primary key, owner_id uuid references owners (id), name text not null,
    born date not null, seen timestamptz not null, net cidr not null
);
"""


async def _check(db_url: str, tmp_path: Path, sql: str, declare: object) -> CheckReport:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(SCHEMA)
    finally:
        await conn.close()
    (tmp_path / "zoo").mkdir()
    (tmp_path / "zoo" / "pets.sql").write_text(textwrap.dedent(sql))
    sql_file = SqlFile("zoo", "pets", root=tmp_path)
    assert callable(declare)
    declare(sql_file)
    return await check_database(db_url, sql_root=tmp_path, declarations=sql_file.declarations)


class Pair(BaseModel):
    pet: str
    owner: str


class MaybePair(BaseModel):
    pet: str | None
    owner: str | None


class Counted(BaseModel):
    owner: str
    pets: int


LEFT_JOIN = """
-- name: pairs()
-- Every pet with its owner, if any.
select p.name as pet, o.name as owner
from pets p
left join owners o on o.id = p.owner_id;
"""


async def test_the_outer_side_of_a_left_join_must_be_optional(db_url: str, tmp_path: Path) -> None:
    def declare(sql: SqlFile) -> None:
        @sql.query("pairs")
        async def pairs(conn: Executor) -> list[Pair]: ...

    report = await _check(db_url, tmp_path, LEFT_JOIN, declare)
    assert [(p.line, p.query) for p in report.problems] == [(2, "pairs")]
    assert "column 'owner' cannot be proven NOT NULL" in report.problems[0].message


async def test_the_preserved_side_of_a_left_join_declared_optional_is_reported(
    db_url: str, tmp_path: Path
) -> None:
    def declare(sql: SqlFile) -> None:
        @sql.query("pairs")
        async def pairs(conn: Executor) -> list[MaybePair]: ...

    report = await _check(db_url, tmp_path, LEFT_JOIN, declare)
    assert len(report.problems) == 1
    assert "column 'pet' is NOT NULL but MaybePair.pet is Optional" in report.problems[0].message


async def test_a_right_join_nulls_the_other_side(db_url: str, tmp_path: Path) -> None:
    sql = """
    -- name: pairs()
    -- Every owner with their pets, if any.
    select p.name as pet, o.name as owner
    from pets p
    right join owners o on o.id = p.owner_id;
    """

    def declare(sql_file: SqlFile) -> None:
        @sql_file.query("pairs")
        async def pairs(conn: Executor) -> list[Pair]: ...

    report = await _check(db_url, tmp_path, sql, declare)
    assert len(report.problems) == 1
    assert "column 'pet' cannot be proven NOT NULL" in report.problems[0].message


async def test_a_computed_column_needs_optional_or_a_reason(db_url: str, tmp_path: Path) -> None:
    sql = """
    -- name: counted()
    -- Owners and how many pets they have.
    select o.name as owner, (select count(*) from pets p where p.owner_id = o.id) as pets
    from owners o;

    -- name: counted_vouched()
    -- The same, vouched for.
    select o.name as owner, (select count(*) from pets p where p.owner_id = o.id) as pets
    from owners o;
    """

    def declare(sql_file: SqlFile) -> None:
        @sql_file.query("counted")
        async def counted(conn: Executor) -> list[Counted]: ...

        @sql_file.query("counted_vouched", not_null={"pets": "count(*) is never NULL"})
        async def counted_vouched(conn: Executor) -> list[Counted]: ...

    report = await _check(db_url, tmp_path, sql, declare)
    assert [(p.query, p.line) for p in report.problems] == [("counted", 2)]
    assert "column 'pets' cannot be proven NOT NULL" in report.problems[0].message
    assert "not_null=" in report.problems[0].message


async def test_a_vouch_for_a_missing_or_proven_column_is_reported(db_url: str, tmp_path: Path) -> None:
    sql = """
    -- name: names()
    -- Owners.
    select o.name as owner, 1 as pets from owners o;
    """

    def declare(sql_file: SqlFile) -> None:
        @sql_file.query("names", not_null={"pets": "a literal", "owner": "x", "ghost": "y"})
        async def names(conn: Executor) -> list[Counted]: ...

    report = await _check(db_url, tmp_path, sql, declare)
    messages = " | ".join(p.message for p in report.problems)
    assert "not_null names 'ghost', which is not a result column" in messages
    assert "column 'owner' is proven NOT NULL by the catalog: drop it from not_null" in messages
    assert len(report.problems) == 2


class Dated(BaseModel):
    born: datetime
    seen: datetime


class Networked(BaseModel):
    net: IPv4Address


class Good(BaseModel):
    id: UUID
    born: date
    net: IPv4Network


async def test_date_for_datetime_and_cidr_for_address_are_reported(db_url: str, tmp_path: Path) -> None:
    sql = """
    -- name: dated()
    -- Dates.
    select born, seen from pets;

    -- name: networked()
    -- Networks.
    select net from pets;

    -- name: good()
    -- What the driver delivers.
    select id, born, net from pets;
    """

    def declare(sql_file: SqlFile) -> None:
        @sql_file.query("dated")
        async def dated(conn: Executor) -> list[Dated]: ...

        @sql_file.query("networked")
        async def networked(conn: Executor) -> list[Networked]: ...

        @sql_file.query("good")
        async def good(conn: Executor) -> list[Good]: ...

    report = await _check(db_url, tmp_path, sql, declare)
    found = sorted((p.query, p.message.split(" (")[0]) for p in report.problems)
    assert found == [
        ("dated", "column 'born' is date but annotated datetime"),
        ("networked", "column 'net' is cidr but annotated IPv4Address"),
    ]


@pytest.mark.parametrize("annotation", ["datetime", "bool"])
async def test_a_parameter_that_asyncpg_would_truncate_is_reported(
    db_url: str, tmp_path: Path, annotation: str
) -> None:
    sql = """
    -- name: born_on(day)
    -- Pets born that day.
    select id, born, net from pets where born = :day;
    """

    def declare(sql_file: SqlFile) -> None:
        if annotation == "datetime":

            @sql_file.query("born_on")
            async def born_on(conn: Executor, *, day: datetime) -> list[Good]: ...
        else:

            @sql_file.query("born_on")
            async def born_on_bool(conn: Executor, *, day: bool) -> list[Good]: ...

    report = await _check(db_url, tmp_path, sql, declare)
    assert [p.message.split(" (")[0] for p in report.problems] == [
        f"parameter 'day' is date but annotated {annotation}"
    ]


NICKNAME = """
-- name: nickname(id)$
-- An owner's nickname.
select nickname from owners where id = :id;

-- name: name_of(id)$
-- An owner's name.
select name from owners where id = :id;

-- name: renamed(id)<!
-- Clear an owner's nickname, returning the old one.
update owners set nickname = null where id = :id returning nickname;
"""


async def test_a_scalar_query_of_a_nullable_column_must_return_an_optional(
    db_url: str, tmp_path: Path
) -> None:
    def declare(sql: SqlFile) -> None:
        @sql.query("nickname")
        async def nickname(conn: Executor, *, id: UUID) -> str: ...

        @sql.query("name_of")
        async def name_of(conn: Executor, *, id: UUID) -> str: ...

        @sql.query("renamed")
        async def renamed(conn: Executor, *, id: UUID) -> str: ...

    report = await _check(db_url, tmp_path, NICKNAME, declare)
    assert [(p.line, p.query) for p in report.problems] == [(2, "nickname"), (10, "renamed")]
    assert (
        "result column 'nickname' is nullable but the declaration returns str" in report.problems[0].message
    )


async def test_a_scalar_query_of_a_nullable_column_may_return_an_optional(
    db_url: str, tmp_path: Path
) -> None:
    def declare(sql: SqlFile) -> None:
        @sql.query("nickname")
        async def nickname(conn: Executor, *, id: UUID) -> str | None: ...

        @sql.query("name_of")
        async def name_of(conn: Executor, *, id: UUID) -> str: ...

        @sql.query("renamed")
        async def renamed(conn: Executor, *, id: UUID) -> str | None: ...

    report = await _check(db_url, tmp_path, NICKNAME, declare)
    assert report.problems == []
