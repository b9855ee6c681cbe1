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

import re
import secrets
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psycopg
from pydantic import BaseModel

from sqlfirst.binding import DECLARATIONS, Declaration, NamedQuery, load_file
from sqlfirst.db import connect_one
from sqlfirst.migrate import Migrator
from sqlfirst.pgtypes import DRIVER_TYPES, PARAM_WIDENING, strip_optional
from sqlfirst.project import import_declarations, query_folders

__all__ = ["CheckReport", "Problem", "check_database", "run_check", "scratch_database"]

_OUTER_JOIN = re.compile(r"\b(left|right|full)\s+(outer\s+)?join\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int
    query: str
    message: str

    def __str__(self) -> str:
        """``path:line: query: message``, the path relative to the working directory when under it
        (the line is the query's ``-- name:`` line)."""
        where = self.path.relative_to(Path.cwd()) if self.path.is_relative_to(Path.cwd()) else self.path
        return f"{where}:{self.line}: {self.query}: {self.message}"


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
    tp, _ = strip_optional(annotation)
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
    accepted = DRIVER_TYPES.get(pg.name)
    if accepted is None:
        return None  # a type sqlfirst has no opinion about (ranges, composites, extensions)
    candidates = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
    for candidate in candidates:
        if not isinstance(candidate, type):
            return f"is {pg} but annotated {_name(annotation)}"
        if param:
            # asyncpg encodes subclasses too (a StrEnum for text), and ints for float/numeric; but
            # never a bool for an integer, nor a datetime for a date (it would drop the time).
            widened = accepted + PARAM_WIDENING.get(pg.name, ())
            fits = issubclass(candidate, widened) and not (
                (candidate is bool and bool not in accepted)
                or (issubclass(candidate, datetime) and datetime not in accepted)
            )
        else:
            # Results: the field must hold exactly what the driver delivers (a date column does not
            # fill a datetime field, a cidr column is a network, not an address); text may fill an enum.
            fits = candidate in accepted or (
                str in accepted and issubclass(candidate, Enum) and issubclass(candidate, str)
            )
        if not fits:
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
            select t.oid, t.typname, n.nspname, t.typtype::text as typtype, t.typelem,
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


_NULLABLE_SIDES = {"Left": ("Inner",), "Right": ("Outer",), "Full": ("Outer", "Inner")}


def _outer_join_nullable_tables(pg: psycopg.Connection[Any], sql: str, nparams: int) -> set[int] | None:
    """Oids of the tables (and their partitioned ancestors) on the NULL-extended side of an outer
    join in the query's generic plan, or None when that side reads through a CTE (not traced)."""
    pgconn = pg.pgconn
    name = b"sqlfirst_check_nulls"
    result = pgconn.prepare(name, sql.encode())
    if result.status != psycopg.pq.ExecStatus.COMMAND_OK:
        raise psycopg.Error((result.error_message or b"").decode())
    try:
        args = ", ".join(["null"] * nparams)
        with pg.transaction():
            pg.execute("set local plan_cache_mode = force_generic_plan")
            row = pg.execute(
                f"explain (verbose, format json) execute sqlfirst_check_nulls{f'({args})' if nparams else ''}"
            ).fetchone()
    finally:
        pgconn.exec_(b"deallocate sqlfirst_check_nulls")
    assert row is not None
    plan = row[0][0]["Plan"]
    names: set[tuple[str, str]] = set()
    opaque = False

    def collect(node: dict[str, Any]) -> None:
        nonlocal opaque
        if "Relation Name" in node:
            names.add((node.get("Schema", "public"), node["Relation Name"]))
        if node.get("Node Type") in ("CTE Scan", "WorkTable Scan"):
            opaque = True
        for child in node.get("Plans", ()):
            collect(child)

    def walk(node: dict[str, Any]) -> None:
        sides = _NULLABLE_SIDES.get(node.get("Join Type", ""), ())
        for child in node.get("Plans", ()):
            if child.get("Parent Relationship") in sides:
                collect(child)
            walk(child)

    walk(plan)
    if opaque:
        return None
    oids: set[int] = set()
    for schema, relation in names:
        # The relation itself (a plain table has no ancestors) and, for a partition, its parents.
        found = pg.execute(
            "select to_regclass(%s)::oid"
            " union select a.relid::oid from pg_partition_ancestors(to_regclass(%s)) a",
            (f'"{schema}"."{relation}"',) * 2,
        ).fetchall()
        oids.update(int(r[0]) for r in found)
    return oids


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


async def check_database(
    url: str,
    *,
    sql_root: Path | None = None,
    declarations: Mapping[tuple[str, str, str], Declaration] | None = None,
) -> CheckReport:
    """Check every query under ``sql_root`` (by default the current project's query folders, the
    included built-in domains' too: :func:`sqlfirst.project.query_folders`) against the (already
    migrated) database at ``url``."""
    if declarations is None:
        import_declarations(sql_root)
        declarations = DECLARATIONS
    problems: list[Problem] = []
    folders = dict(query_folders(sql_root))
    files: dict[tuple[str, str], dict[str, NamedQuery]] = {}
    for domain, domain_dir in folders.items():
        for path in sorted(domain_dir.glob("*.sql")):
            try:
                files[(domain, path.stem)] = load_file(path)
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
                    folders[domain] / f"{entity}.sql",
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

    sources = _column_sources(pg, query.sql)
    if _OUTER_JOIN.search(query.sql):
        nullable_tables = _outer_join_nullable_tables(pg, query.sql, len(params))
        if nullable_tables is None:  # cannot tell which side: prove nothing from the catalog
            sources = [(0, 0)] * len(sources)
        else:
            sources = [(0, 0) if table in nullable_tables else (table, col) for table, col in sources]
    not_null = _not_null(pg, sources)
    model = decl.result_type
    columns = [a.name for a in attributes]
    for vouched in sorted(set(decl.not_null) - set(columns)):
        problem(f"not_null names {vouched!r}, which is not a result column")
    if isinstance(model, type) and issubclass(model, BaseModel):
        hints = typing.get_type_hints(model, include_extras=True)
        fields = model.model_fields
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
            _, optional = strip_optional(annotation)
            verdict = not_null[index] if index < len(not_null) else None
            field = f"{model.__name__}.{attribute.name}"
            is_vouched = attribute.name in decl.not_null
            if verdict is True and optional:
                problem(f"column {attribute.name!r} is NOT NULL but {field} is Optional")
            elif verdict is True and is_vouched:
                problem(f"column {attribute.name!r} is proven NOT NULL by the catalog: drop it from not_null")
            elif verdict is False and not optional and not is_vouched:
                problem(f"column {attribute.name!r} is nullable but {field} is not Optional")
            elif verdict is None and not optional and not is_vouched:
                problem(
                    f"column {attribute.name!r} cannot be proven NOT NULL (computed, or the outer side of a "
                    f"join) but {field} is not Optional: make it Optional, or vouch for it with "
                    f"not_null={{{attribute.name!r}: 'why it is never NULL'}}"
                )
        return problems

    first = attributes[0]
    why = _type_problem(types_by_oid[first.type.oid], model, types_by_oid, param=False)
    if why:
        problem(f"result column {first.name!r} {why}")
    if decl.kind == "value" and len(attributes) > 1:
        problem(f"a `$` query should select one column, got {len(attributes)}")
    # A column the catalog proves nullable; computed values (count(*), exists) are proven neither way.
    nullable = bool(not_null) and not_null[0] is False
    # A required scalar (`$`, or `<!` returning one value) refuses NULL at run time (sqlfirst.calls).
    required = decl.kind in ("value", "returning") and not decl.result_optional
    if required and nullable and first.name not in decl.not_null:
        problem(
            f"result column {first.name!r} is nullable but the declaration returns {_name(model)}: "
            f"return {_name(model)} | None, or vouch for it with not_null={{{first.name!r}: 'why'}}"
        )
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
