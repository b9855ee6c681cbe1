"""Hostile strings through every typed function of every domain, as the application role.

Every declaration (the typed function bound to a named query) with a string parameter is called
with each hostile string in every string parameter, and type-correct values for the others, on a
connection of ``sqlfirst_app`` acting for a user, each call in a savepoint rolled back afterwards.
The value must reach PostgreSQL as data: the call returns, or raises a :mod:`sqlfirst.errors` type
or a ``ValidationError``; a raw driver error (or anything else) fails the test. Where the call
returns a model holding a column named like the parameter, the value must be stored verbatim.

The database holds every domain's generated data (the bench's generators at a tiny scale), none of
it the acting user's (a fresh random id). After each call, inside its savepoint, a probe that sees
every row (a ``SECURITY DEFINER`` function of the superuser) checks that no row that was there
before the test's transaction was changed or deleted: a row's ``xmin`` moves on UPDATE, and a DELETE
removes it, so it counts the rows whose ``xmin`` predates the transaction, table by table. The keys
these calls pass are mostly unknown (random ids): the point is what happens to the string on its way
in, and that it touches nobody's rows. Each domain's own hostile tests store and read them back
through real rows.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import ipaddress
import types
import typing
import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import asyncpg
import pydantic
import pytest

import sqlfirst
from sqlfirst import paths
from sqlfirst.binding import DECLARATIONS, Declaration
from sqlfirst.db import Connection, Database
from sqlfirst.errors import SqlfirstError
from sqlfirst.settings import Settings

HOSTILE = [
    "Robert'); DROP TABLE users;--",
    "' OR '1'='1' -- /* comment */",
    "$1 $2 :name :id %s %(x)s {0} ?",
    "NUL \x00 inside",
    "\u202eRTL override \u200f mark \u200b zero width",
    "x" * 100_000,
    "",
]


def _declarations() -> list[Declaration]:
    for domain in paths.domains():
        importlib.import_module(f"sqlfirst.{domain}")
    found = [d for d in DECLARATIONS.values() if any(_is_str(t) for t in d.parameter_types.values())]
    return sorted(found, key=lambda d: (d.domain, d.query.name))


def _is_str(annotation: Any) -> bool:
    annotation = _bare(annotation)
    return annotation is str or (_is_union(annotation) and str in map(_bare, typing.get_args(annotation)))


def _bare(annotation: Any) -> Any:
    """``annotation`` without ``Annotated`` constraints (a ``validate=`` model's field types carry them)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _value(annotation: Any, text: str) -> Any:
    """A value of ``annotation`` (the hostile ``text`` wherever a string can go)."""
    annotation = _bare(annotation)
    if _is_union(annotation):
        members = [_bare(a) for a in typing.get_args(annotation) if a is not type(None)]
        return text if str in members else _value(members[0], text)
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        return [_value(item, text)]
    if origin is dict:
        return {text: text}
    simple: dict[Any, Callable[[], Any]] = {
        str: lambda: text,
        bytes: lambda: text.encode(),
        int: lambda: 1,
        float: lambda: 1.0,
        bool: lambda: False,
        Decimal: lambda: Decimal("1"),
        uuid.UUID: uuid.uuid4,
        dt.datetime: lambda: dt.datetime.now(dt.UTC),
        dt.date: dt.date.today,
        dt.timedelta: lambda: dt.timedelta(hours=1),
        ipaddress.IPv4Address: lambda: ipaddress.ip_address("127.0.0.1"),
    }
    if annotation in simple:
        return simple[annotation]()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation))
    if annotation is typing.Any or str(annotation).endswith("JsonValue"):
        return text
    raise AssertionError(f"no value for parameter type {annotation!r}: teach _value about it")


def _function(decl: Declaration) -> Callable[..., Any]:
    module, _, name = decl.function.rpartition(".")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


DECLS = _declarations()


@pytest.fixture(scope="module")
async def app_db(server_url: str, template_name: str) -> AsyncIterator[Database]:
    from .conftest import _create_database, _drop_database

    name = f"sqlfirst_hostile_{uuid.uuid4().hex[:8]}"
    url = await _create_database(server_url, name, template_name)
    await _seed_with_a_probe(url)
    db = await sqlfirst.connect(Settings(database_url=url, role="sqlfirst_app", min_size=1, max_size=1))
    try:
        yield db
    finally:
        await db.close()
        await _drop_database(server_url, name)


_PROBE = """
create schema probe;
create table probe.seeded (rel regclass primary key, rows bigint not null);
create function probe.changed(p_mark bigint) returns setof text
language plpgsql security definer set search_path = pg_catalog
as $$
declare
    r record;
    v_kept bigint;
begin
    for r in select rel, rows from probe.seeded order by rel::text loop
        execute format('select count(*) from %s where xmin::text::bigint < $1', r.rel)
            into v_kept using p_mark;
        if v_kept <> r.rows then
            return next format('%s: %s of its %s rows changed or deleted', r.rel, r.rows - v_kept, r.rows);
        end if;
    end loop;
end;
$$;
grant usage on schema probe to sqlfirst_app;
grant execute on function probe.changed(bigint) to sqlfirst_app;
"""


async def _seed_with_a_probe(url: str) -> None:
    """Every domain's generated rows (the bench's generators, tiny), and the probe counting them."""
    from rich.console import Console

    from sqlfirst.bench import registry
    from sqlfirst.bench.dataset import _DATASETS, load_domain

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(_DATASETS)
        for bench in registry.discover().values():
            await load_domain(conn, bench, scale="small", factor=0.001, seed=7, console=Console(quiet=True))
        await conn.execute(_PROBE)
        tables = await conn.fetch(
            "select c.oid::regclass::text as rel"
            " from pg_class as c join pg_namespace as n on n.oid = c.relnamespace"
            " where c.relkind = 'r' and n.nspname not like 'pg\\_%'"
            " and n.nspname not in ('pg_catalog', 'information_schema', 'public', 'probe')"
        )
        for table in tables:
            await conn.execute(
                f"insert into probe.seeded select '{table['rel']}'::regclass, count(*) from {table['rel']}"
            )
        seeded = await conn.fetchval("select sum(rows) from probe.seeded")
        assert seeded > 10_000, seeded
    finally:
        await conn.close()


def test_every_string_parameter_is_covered() -> None:
    assert len(DECLS) > 100, "the declarations of every domain are found"


@pytest.mark.parametrize("decl", DECLS, ids=lambda d: f"{d.domain}.{d.query.name}")
async def test_hostile_strings_are_data_for(app_db: Database, decl: Declaration) -> None:
    fn = _function(decl)
    acting = uuid.uuid4()
    problems: list[str] = []
    async with app_db.transaction(as_user=acting) as conn:
        mark = await conn.fetchval("select pg_current_xact_id()::text::bigint")  # every seeded row is older
        for text in HOSTILE:
            arguments = {name: _value(t, text) for name, t in decl.parameter_types.items()}
            try:
                async with conn.transaction():  # a savepoint: each call leaves nothing behind
                    result = await fn(conn, **arguments)
                    _check_verbatim(decl, arguments, result, text, problems)
                    changed = [row[0] for row in await conn.fetch("select probe.changed($1)", mark)]
                    problems += [f"{text[:30]!r}: changed another row: {c}" for c in changed]
                    raise _RollBack
            except _RollBack:
                pass
            except (SqlfirstError, pydantic.ValidationError):
                pass
            except Exception as exc:  # what must never leave the public API
                problems.append(f"{text[:30]!r}: {type(exc).__module__}.{type(exc).__name__}: {exc}"[:300])
        await _still_usable(conn)
    assert not problems, f"{decl.function}:\n" + "\n".join(problems)


class _RollBack(Exception):
    """Leaves the savepoint of a call that succeeded, undoing what it wrote."""


def _check_verbatim(
    decl: Declaration, arguments: dict[str, Any], result: Any, text: str, problems: list[str]
) -> None:
    models = result if isinstance(result, list) else [result]
    for model in models:
        if not isinstance(model, pydantic.BaseModel):
            continue
        for name, value in arguments.items():
            if value == text and name in type(model).model_fields and decl.kind == "returning":
                stored = getattr(model, name)
                if stored != text:
                    problems.append(f"{name}: stored {str(stored)[:30]!r}, given {text[:30]!r}")


async def _still_usable(conn: Connection) -> None:
    assert await conn.fetchval("select 1") == 1


async def test_the_probe_reports_a_changed_or_deleted_row(app_db: Database) -> None:
    """The check above can fail: even an UPDATE that writes the same value is seen (a DELETE removes
    the row, which the same count sees)."""
    async with app_db.transaction() as conn:
        first = await conn.fetchval("select id from agent_hub.users order by id limit 1")
    async with app_db.transaction(as_user=first) as conn:  # an account is changed by its own user
        mark = await conn.fetchval("select pg_current_xact_id()::text::bigint")
        assert await conn.fetch("select probe.changed($1)", mark) == []
        try:
            async with conn.transaction():
                await conn.execute("update agent_hub.users set full_name = full_name where id = $1", first)
                changed = [row[0] for row in await conn.fetch("select probe.changed($1)", mark)]
                assert changed == [changed[0]] and changed[0].startswith("agent_hub.users: 1 of its ")
                raise _RollBack
        except _RollBack:
            pass
        assert await conn.fetch("select probe.changed($1)", mark) == []
