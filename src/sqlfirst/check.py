"""``sqlfirst check``: prove every typed declaration against a freshly migrated database.

For each named query in ``sql/`` this prepares the statement on a scratch database built by the
migrations and compares what PostgreSQL reports with the Python declaration:

* every query has a declaration and every declaration has a query;
* parameter names and count, and each parameter's type against its annotation
  (asyncpg ``PreparedStatement.get_parameters()``);
* result column names and types against the model's fields (``get_attributes()``);
* nullability: a column that comes straight from a nullable table column needs an ``Optional``
  field, and a NOT NULL one a non-``Optional`` field (unless an outer join can null it); the source
  table and column of each result column come from libpq's statement description.
"""

from __future__ import annotations

import importlib
import re
import secrets
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg
import psycopg
from pydantic import BaseModel

from sqlfirst import paths
from sqlfirst.binding import DECLARATIONS, Declaration, NamedQuery, load_file
from sqlfirst.db import connect_one
from sqlfirst.migrate import Migrator

__all__ = ["CheckReport", "Problem", "check_database", "run_check", "scratch_database"]

_OUTER_JOIN = re.compile(r"\b(left|right|full)\s+(outer\s+)?join\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int
    query: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.query}: {self.message}"


@dataclass(frozen=True, slots=True)
class CheckReport:
    verified: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class _PgType:
    oid: int
    name: str
    schema: str
    typtype: str
    element: int
    labels: tuple[str, ...]

    def __str__(self) -> str:
        return self.name if self.schema == "pg_catalog" else f"{self.schema}.{self.name}"


_SCALARS: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int2": (int,),
    "int4": (int,),
    "int8": (int,),
    "float4": (float,),
    "float8": (float,),
    "numeric": (Decimal,),
    "text": (str,),
    "varchar": (str,),
    "bpchar": (str,),
    "name": (str,),
    "citext": (str,),
    "uuid": (UUID,),
    "timestamptz": (datetime,),
    "timestamp": (datetime,),
    "date": (date,),
    "time": (time,),
    "timetz": (time,),
    "interval": (timedelta,),
    "bytea": (bytes,),
    "inet": (IPv4Address, IPv6Address, IPv4Interface, IPv6Interface),
    "cidr": (IPv4Address, IPv6Address, IPv4Interface, IPv6Interface),
}
# Python values a parameter of this type also accepts (asyncpg converts them losslessly).
_PARAM_WIDENING: dict[str, tuple[type, ...]] = {"float4": (int,), "float8": (int,), "numeric": (int,)}


def _strip(tp: Any) -> tuple[Any, bool]:
    """Remove ``Annotated`` and ``Optional`` layers; report whether None was allowed."""
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = typing.get_args(tp)
            rest = [a for a in args if a is not type(None)]
            if len(rest) < len(args):
                optional = True
            if len(rest) == 1:
                tp = rest[0]
                continue
            return typing.Union[tuple(rest)], optional  # noqa: UP007
        if type(tp).__name__ == "TypeAliasType":
            tp = tp.__value__
            continue
        return tp, optional


def _is_json_like(tp: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    if origin in (dict, list):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_json_like(a) for a in typing.get_args(tp))
    return tp is Any or (isinstance(tp, type) and issubclass(tp, BaseModel))


def _type_problem(
    pg: _PgType, annotation: Any, types_by_oid: Mapping[int, _PgType], *, param: bool
) -> str | None:
    """Why ``annotation`` cannot carry values of ``pg``, or None when it can."""
    tp, _ = _strip(annotation)
    if pg.typtype == "e":
        if not (isinstance(tp, type) and issubclass(tp, Enum)):
            return f"is the enum {pg} but annotated {_name(annotation)}; use a StrEnum"
        values = tuple(str(m.value) for m in tp)
        if values != pg.labels:
            return f"enum {pg} has {list(pg.labels)} but {tp.__name__} has {list(values)}"
        return None
    if pg.element and pg.name.startswith("_"):
        origin = typing.get_origin(tp)
        if origin not in (list, tuple, typing.get_origin(typing.Sequence[int])):
            return f"is the array {pg} but annotated {_name(annotation)}"
        args = typing.get_args(tp)
        element = types_by_oid.get(pg.element)
        if args and element is not None:
            inner = _type_problem(element, args[0], types_by_oid, param=param)
            return f"array element {inner}" if inner else None
        return None
    if pg.name in ("json", "jsonb"):
        return None if _is_json_like(tp) else f"is {pg} but annotated {_name(annotation)}"
    accepted = _SCALARS.get(pg.name)
    if accepted is None:
        return None  # a type sqlfirst has no opinion about (ranges, composites, extensions)
    if param:
        accepted = accepted + _PARAM_WIDENING.get(pg.name, ())
    candidates = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
    for candidate in candidates:
        if not isinstance(candidate, type):
            return f"is {pg} but annotated {_name(annotation)}"
        if candidate is bool and bool not in accepted:
            return f"is {pg} but annotated bool"
        if not issubclass(candidate, accepted):
            return f"is {pg} but annotated {_name(annotation)}"
    return None


def _name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


async def _load_types(conn: asyncpg.Connection[asyncpg.Record], oids: Iterable[int]) -> dict[int, _PgType]:
    wanted = set(oids)
    found: dict[int, _PgType] = {}
    while wanted - set(found):
        rows = await conn.fetch(
            """
            select t.oid, t.typname, n.nspname, t.typtype, t.typelem,
                   coalesce(array(select e.enumlabel from pg_enum e
                                  where e.enumtypid = t.oid order by e.enumsortorder), '{}') as labels
            from pg_type t join pg_namespace n on n.oid = t.typnamespace
            where t.oid = any($1::oid[])
            """,
            list(wanted - set(found)),
        )
        for r in rows:
            found[r["oid"]] = _PgType(
                r["oid"], r["typname"], r["nspname"], r["typtype"], r["typelem"], tuple(r["labels"])
            )
        elements = {t.element for t in found.values() if t.element} - set(found)
        if not rows and not elements:
            break
        wanted |= elements
    return found


def _column_sources(pg: psycopg.Connection[Any], sql: str) -> list[tuple[int, int]]:
    """(table oid, column number) of each result column, 0 where it is computed."""
    pgconn = pg.pgconn
    name = b"sqlfirst_check"
    result = pgconn.prepare(name, sql.encode())
    if result.status != psycopg.pq.ExecStatus.COMMAND_OK:
        raise psycopg.Error((result.error_message or b"").decode())
    described = pgconn.describe_prepared(name)
    sources = [(described.ftable(i), described.ftablecol(i)) for i in range(described.nfields)]
    pgconn.exec_(b"deallocate sqlfirst_check")
    return sources


def _not_null(pg: psycopg.Connection[Any], sources: list[tuple[int, int]]) -> list[bool | None]:
    verdicts: list[bool | None] = []
    for table, column in sources:
        if not table:
            verdicts.append(None)
            continue
        row = pg.execute(
            "select attnotnull from pg_attribute where attrelid = %s and attnum = %s", (table, column)
        ).fetchone()
        verdicts.append(bool(row[0]) if row else None)
    return verdicts


def _import_declarations(sql_root: Path) -> None:
    """Import ``sqlfirst.<domain>.<entity>`` for every query file so its declarations register."""
    for domain_dir in sorted(p for p in sql_root.iterdir() if p.is_dir()):
        for path in sorted(domain_dir.glob("*.sql")):
            try:
                importlib.import_module(f"sqlfirst.{domain_dir.name}.{path.stem}")
            except ModuleNotFoundError:
                continue  # reported below as queries without a declaration


async def check_database(
    url: str,
    *,
    sql_root: Path | None = None,
    declarations: Mapping[tuple[str, str, str], Declaration] | None = None,
) -> CheckReport:
    """Check every query under ``sql_root`` against the (already migrated) database at ``url``."""
    sql_root = sql_root or paths.sql_dir()
    if declarations is None:
        _import_declarations(sql_root)
        declarations = DECLARATIONS
    problems: list[Problem] = []
    files: dict[tuple[str, str], dict[str, NamedQuery]] = {}
    for domain_dir in sorted(p for p in sql_root.iterdir() if p.is_dir()):
        for path in sorted(domain_dir.glob("*.sql")):
            try:
                files[(domain_dir.name, path.stem)] = load_file(path)
            except Exception as exc:  # aiosql parse errors carry the file and line in their text
                problems.append(Problem(path, 1, "-", f"cannot parse: {exc}"))

    pairs: list[tuple[NamedQuery, Declaration]] = []
    for (domain, entity), queries in files.items():
        for name, query in queries.items():
            decl = declarations.get((domain, entity, name))
            if decl is None:
                problems.append(
                    Problem(query.path, query.line, name, "no typed declaration (sqlfirst.binding)")
                )
            else:
                pairs.append((query, decl))
    checked_domains = {domain for domain, _ in files}
    for (domain, entity, name), decl in declarations.items():
        if domain in checked_domains and name not in files.get((domain, entity), {}):
            problems.append(
                Problem(
                    sql_root / domain / f"{entity}.sql",
                    decl.query.line,
                    name,
                    f"declared by {decl.function} but no longer in the file",
                )
            )

    conn = await connect_one(url)
    pg = psycopg.connect(url, autocommit=True)
    verified = 0
    try:
        for query, decl in pairs:
            found = await _check_one(conn, pg, query, decl)
            problems.extend(found)
            verified += not found
    finally:
        await conn.close()
        pg.close()
    problems.sort(key=lambda p: (str(p.path), p.line))
    return CheckReport(verified=verified, problems=problems)


async def _check_one(
    conn: asyncpg.Connection[asyncpg.Record],
    pg: psycopg.Connection[Any],
    query: NamedQuery,
    decl: Declaration,
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(query.path, query.line, query.name, f"{message} ({decl.function})"))

    if set(query.parameters) != set(decl.parameter_types):
        missing = sorted(set(query.parameters) - set(decl.parameter_types))
        extra = sorted(set(decl.parameter_types) - set(query.parameters))
        problem(f"parameters differ: query has {missing} undeclared, declaration has {extra} unused")
        return problems
    try:
        stmt = await conn.prepare(query.sql)
    except asyncpg.PostgresError as exc:
        problem(f"does not prepare: {exc}")
        return problems
    params = stmt.get_parameters()
    attributes = stmt.get_attributes()
    types_by_oid = await _load_types(conn, [t.oid for t in params] + [a.type.oid for a in attributes])

    for name, pg_type in zip(query.parameters, params, strict=True):
        why = _type_problem(types_by_oid[pg_type.oid], decl.parameter_types[name], types_by_oid, param=True)
        if why:
            problem(f"parameter {name!r} {why}")

    if decl.kind == "execute":
        return problems
    if not attributes:
        problem("returns no columns but is declared to return rows")
        return problems

    not_null = _not_null(pg, _column_sources(pg, query.sql))
    outer_join = bool(_OUTER_JOIN.search(query.sql))
    model = decl.result_type
    if isinstance(model, type) and issubclass(model, BaseModel):
        hints = typing.get_type_hints(model, include_extras=True)
        fields = model.model_fields
        columns = [a.name for a in attributes]
        for absent in [f for f, info in fields.items() if info.is_required() and f not in columns]:
            problem(f"model {model.__name__} field {absent!r} has no column in the result")
        for index, attribute in enumerate(attributes):
            if attribute.name not in fields:
                problem(f"column {attribute.name!r} is not a field of {model.__name__}")
                continue
            annotation = hints[attribute.name]
            why = _type_problem(types_by_oid[attribute.type.oid], annotation, types_by_oid, param=False)
            if why:
                problem(f"column {attribute.name!r} {why}")
            _, optional = _strip(annotation)
            verdict = not_null[index] if index < len(not_null) else None
            if verdict is False and not optional:
                field = f"{model.__name__}.{attribute.name}"
                problem(f"column {attribute.name!r} is nullable but {field} is not Optional")
            elif verdict is True and optional and not outer_join:
                problem(
                    f"column {attribute.name!r} is NOT NULL but {model.__name__}.{attribute.name} is Optional"
                )
        return problems

    first = attributes[0]
    why = _type_problem(types_by_oid[first.type.oid], model, types_by_oid, param=False)
    if why:
        problem(f"result column {first.name!r} {why}")
    if decl.kind == "value" and len(attributes) > 1:
        problem(f"a `$` query should select one column, got {len(attributes)}")
    return problems


def scratch_database(url: str) -> tuple[str, str]:
    """(name, URL) for a new, uniquely named database on the server at ``url`` (not yet created)."""
    name = f"sqlfirst_check_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    return name, urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def run_check(url: str, *, sql_root: Path | None = None, migrations: Path | None = None) -> CheckReport:
    """Create a scratch database on the server, migrate it, check every query, drop it."""
    name, scratch_url = scratch_database(url)
    admin = await connect_one(url)
    try:
        await admin.execute(f'create database "{name}"')
        try:
            Migrator(scratch_url, directory=migrations).up()
            return await check_database(scratch_url, sql_root=sql_root)
        finally:
            await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()
