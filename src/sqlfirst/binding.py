"""Named SQL queries bound to typed async functions.

A query lives in ``sql/<domain>/<entity>.sql``::

    -- name: get_user_by_id(id)^
    -- The user with this id.
    select id, username, email from agent_hub.users where id = :id;

and has exactly one typed declaration in ``sqlfirst.<domain>.<entity>``::

    _sql = SqlFile("agent_hub", "users")

    @_sql.query("get_user_by_id")
    async def get_by_id(conn: Executor, *, id: UUID) -> User | None:
        \"\"\"The user with this id, or None.\"\"\"

The declaration's signature is the contract (what mypy and callers see); its body is the SQL. The
decorator checks at import time that the keyword parameters are exactly the query's parameters and
that the return annotation fits the aiosql operator:

========  ===================================  =========================================
operator  meaning                              return annotation
========  ===================================  =========================================
``^``     one row or none                      ``Model | None``
(none)    all rows                             ``list[Model]``; ``AsyncIterator[Model]`` on
                                               a plain ``def`` streams through a cursor
``$``     first column of the first row        a scalar type (``int``, ``str | None``...)
``!``     insert/update/delete                 ``int`` (rows affected)
``<!``    insert/update ... returning          ``Model``, ``Model | None`` or a scalar
========  ===================================  =========================================

aiosql parses the files (names, operators, declared parameters, docs) through :class:`LeanAdapter`,
which rewrites ``:name`` to ``$n`` once at load. The generated functions then call asyncpg directly
with positional arguments: no per-call ``dir(conn)`` probe, no pool acquire, no dict of parameters
handed through three layers. Driver errors become :mod:`sqlfirst.errors` types.

Rows become models through :func:`row_factory`. Pydantic validation of a row costs more than the
driver spends decoding it (the benchmarks measured 2.8 µs per 11-column row against ~9 µs for the
whole fetch of it), and it re-checks what is already proven: ``sqlfirst check`` verifies each
column's type and nullability against the model's fields, and asyncpg's codecs produce exactly those
Python types. So a model whose fields are plain types (no constraints, no validators, no nested
models) is built straight from the row; enum fields are converted to their ``StrEnum``. Any other
model, or a query whose columns are not exactly the model's fields, is validated as before. The
building itself runs in C when the optional accelerator ``sqlfirst._speedups`` was compiled at
install (about 0.2 µs per such row against 0.5 µs for the generated Python loop; see
:data:`ACCELERATED`); both give the same models.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import os
import re
import sys
import types
import typing
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network
from pathlib import Path
from typing import Any, Literal, TypeVar
from uuid import UUID

import aiosql
import asyncpg
from aiosql.adapters.asyncpg import AsyncPGAdapter
from aiosql.types import SQLOperationType
from pydantic import BaseModel, JsonValue

from sqlfirst import paths
from sqlfirst.errors import DRIVER_ERRORS, DatabaseError, QueryDeclarationError, from_driver

_RowBuilder: type[_speedups.RowBuilder] | None
try:
    from sqlfirst import _speedups

    _RowBuilder = _speedups.RowBuilder
except ImportError:  # installed without a C compiler: the generated Python loop builds the rows
    _RowBuilder = None

__all__ = [
    "DECLARATIONS",
    "Declaration",
    "LeanAdapter",
    "RowFactory",
    "SqlFile",
    "row_factory",
    "rows_affected",
]

F = TypeVar("F", bound=Callable[..., Any])
ModelT = TypeVar("ModelT", bound=BaseModel)
Kind = Literal["one", "many", "stream", "value", "execute", "returning"]

STREAM_PREFETCH = 500

ACCELERATED: bool = _RowBuilder is not None and os.environ.get(
    "SQLFIRST_PURE_PYTHON", ""
).strip().lower() not in {"1", "true", "yes", "on"}
"""Whether trusted rows become models in C (``sqlfirst._speedups``, compiled at install when a C
compiler is there) rather than in generated Python; ``SQLFIRST_PURE_PYTHON=1`` turns it off."""

DECLARATIONS: dict[tuple[str, str, str], Declaration] = {}
"""Every declaration made so far, keyed by (domain, entity, query name); read by ``sqlfirst check``."""


def _driver_error(exc: BaseException, conn: object = None) -> DatabaseError:
    return from_driver(exc, conn)


_DRIVER_ERRORS = DRIVER_ERRORS


def rows_affected(status: str) -> int:
    """The row count of a command status such as ``UPDATE 3`` or ``INSERT 0 1``."""
    tail = status.rpartition(" ")[2]
    return int(tail) if tail.isdigit() else 0


class LeanAdapter(AsyncPGAdapter):
    """aiosql adapter for asyncpg without the stock adapter's per-call costs.

    The stock adapter wraps every call in ``MaybeAcquire``, which evaluates ``"acquire" in
    dir(conn)`` and acquires from a pool; asyncpg's ``Pool`` already has ``fetch``/``fetchrow``/
    ``execute``, so this adapter calls the executor directly and translates driver errors.
    """

    def _ordered(self, query_name: str, parameters: Any) -> list[Any] | tuple[Any, ...]:
        if isinstance(parameters, dict):
            return [parameters[name] for name in self.var_sorted[query_name]]
        return tuple(parameters or ())

    async def select(
        self, conn: Any, query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> AsyncIterator[Any]:
        try:
            rows = await conn.fetch(sql, *self._ordered(query_name, parameters))
        except _DRIVER_ERRORS as exc:
            raise _driver_error(exc) from exc
        for row in rows:
            yield row if record_class is None else record_class(**dict(row))

    async def select_one(
        self, conn: Any, query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> Any:
        try:
            row = await conn.fetchrow(sql, *self._ordered(query_name, parameters))
        except _DRIVER_ERRORS as exc:
            raise _driver_error(exc) from exc
        return row if row is None or record_class is None else record_class(**dict(row))

    async def select_value(self, conn: Any, query_name: str, sql: str, parameters: Any) -> Any:
        try:
            return await conn.fetchval(sql, *self._ordered(query_name, parameters))
        except _DRIVER_ERRORS as exc:
            raise _driver_error(exc) from exc

    async def insert_returning(self, conn: Any, query_name: str, sql: str, parameters: Any) -> Any:
        try:
            row = await conn.fetchrow(sql, *self._ordered(query_name, parameters))
        except _DRIVER_ERRORS as exc:
            raise _driver_error(exc) from exc
        if row is None:
            return None
        return row[0] if len(row) == 1 else row

    async def insert_update_delete(self, conn: Any, query_name: str, sql: str, parameters: Any) -> int:
        try:
            status = await conn.execute(sql, *self._ordered(query_name, parameters))
        except _DRIVER_ERRORS as exc:
            raise _driver_error(exc) from exc
        return rows_affected(status)

    async def insert_update_delete_many(self, conn: Any, query_name: str, sql: str, parameters: Any) -> int:
        batch = [self._ordered(query_name, p) for p in parameters]
        try:
            await conn.executemany(sql, batch)
        except _DRIVER_ERRORS as exc:
            raise _driver_error(exc) from exc
        return len(batch)

    async def execute_script(self, conn: Any, sql: str) -> str:
        try:
            return str(await conn.execute(sql))
        except _DRIVER_ERRORS as exc:
            raise _driver_error(exc) from exc


aiosql.register_adapter("sqlfirst", LeanAdapter)  # type: ignore[arg-type]  # aiosql's Protocol types `select` as a sync def


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """One query of a ``.sql`` file, as aiosql parsed it."""

    name: str
    path: Path
    line: int
    operation: SQLOperationType
    sql: str
    """The SQL with ``:name`` rewritten to ``$n``."""
    parameters: tuple[str, ...]
    """Parameter names in ``$n`` order."""
    doc: str


@dataclass(frozen=True, slots=True)
class Declaration:
    """A typed Python function bound to a named query (what ``sqlfirst check`` verifies)."""

    domain: str
    entity: str
    query: NamedQuery
    function: str
    kind: Kind
    parameter_types: Mapping[str, Any]
    result_type: Any
    """The model class for row-returning kinds, the scalar type for ``value``/scalar ``returning``."""
    result_optional: bool = False
    not_null: Mapping[str, str] = field(default_factory=dict)
    """Result columns the declaration vouches are never NULL although ``sqlfirst check`` cannot prove
    it from the catalog (computed columns, the outer side of a join), each with the reason why."""


def _declared_names(text: str) -> dict[str, int]:
    """Query names of a file with the line of their ``-- name:`` comment."""
    names: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _NAME_LINE.match(line)
        if match:
            names[match.group("name").replace("-", "_")] = number
    return names


_NAME_LINE = re.compile(r"^\s*--\s*name\s*:\s*(?P<name>[\w-]+)")


def load_file(path: Path) -> dict[str, NamedQuery]:
    """Parse one ``.sql`` file through aiosql with the lean adapter."""
    queries = aiosql.from_path(path, "sqlfirst", attribute=None)
    adapter = queries.driver_adapter
    assert isinstance(adapter, LeanAdapter)
    result: dict[str, NamedQuery] = {}
    # aiosql also exposes ``<name>_cursor`` helpers; only the names written in the file are queries.
    for name, line in _declared_names(path.read_text(encoding="utf-8")).items():
        fn = getattr(queries, name)
        result[name] = NamedQuery(
            name=name,
            path=path,
            line=line,
            operation=fn.operation,
            sql=fn.sql,
            parameters=tuple(adapter.var_sorted[name]),
            doc=fn.__doc__ or "",
        )
    return result


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) < len(typing.get_args(tp)):
            inner = args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
            return inner, True
    return tp, False


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


class SqlFile:
    """The named queries of ``sql/<domain>/<entity>.sql`` and the decorator that declares them."""

    def __init__(self, domain: str, entity: str, *, root: Path | None = None) -> None:
        self.domain = domain
        self.entity = entity
        self.path = (root or paths.sql_dir()) / domain / f"{entity}.sql"
        if not self.path.is_file():
            raise QueryDeclarationError(f"no query file {self.path}")
        self.queries = load_file(self.path)
        # The project's own files register globally (``sqlfirst check`` reads DECLARATIONS); a file
        # from another root (a test, a user's own tree) keeps its declarations to itself.
        self.declarations: dict[tuple[str, str, str], Declaration] = DECLARATIONS if root is None else {}

    def __repr__(self) -> str:
        return f"SqlFile({self.domain!r}, {self.entity!r})"

    def query(self, name: str, *, not_null: Mapping[str, str] | None = None) -> Callable[[F], F]:
        """Bind the decorated declaration to the named query (see the module docstring).

        ``not_null`` maps result columns that ``sqlfirst check`` cannot prove NOT NULL (computed
        columns such as ``count(*)``, the outer side of a join) to the reason they never are NULL;
        only those may feed a non-``Optional`` field. A NULL that arrives anyway is still refused
        at run time by Pydantic's validation.
        """
        vouched = dict(not_null or {})
        for column, reason in vouched.items():
            if not isinstance(reason, str) or not reason.strip():
                raise QueryDeclarationError(f"{self.path}: {name}: not_null[{column!r}] needs a reason")

        def decorate(fn: F) -> F:
            return self._bind(name, fn, vouched)

        return decorate

    def _fail(self, query: NamedQuery | None, fn: Callable[..., Any], problem: str) -> QueryDeclarationError:
        where = f"{query.path}:{query.line}" if query else str(self.path)
        return QueryDeclarationError(f"{where}: {fn.__module__}.{fn.__qualname__}: {problem}")

    def _bind(self, name: str, fn: F, not_null: Mapping[str, str]) -> F:
        query = self.queries.get(name)
        if query is None:
            raise self._fail(None, fn, f"no query named {name!r} in {self.path.name}")
        key = (self.domain, self.entity, name)
        existing = self.declarations.get(key)
        if existing is not None and existing.function != f"{fn.__module__}.{fn.__qualname__}":
            raise self._fail(query, fn, f"query {name!r} is already declared by {existing.function}")
        hints = typing.get_type_hints(fn)
        signature = inspect.signature(fn)
        params = list(signature.parameters.values())
        if not params or params[0].kind not in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD):
            raise self._fail(query, fn, "the first parameter must be the connection")
        keyword = [p for p in params[1:]]
        not_kw = [p.name for p in keyword if p.kind is not p.KEYWORD_ONLY]
        if not_kw:
            raise self._fail(query, fn, f"query parameters must be keyword-only (after *): {not_kw}")
        declared = {p.name for p in keyword}
        needed = set(query.parameters)
        if declared != needed:
            missing = sorted(needed - declared)
            extra = sorted(declared - needed)
            raise self._fail(
                query, fn, f"parameters differ from the query: missing {missing}, not in the query {extra}"
            )
        if "return" not in hints:
            raise self._fail(query, fn, "missing return annotation")
        kind, result_type, optional = self._result(query, fn, hints["return"])
        declaration = Declaration(
            domain=self.domain,
            entity=self.entity,
            query=query,
            function=f"{fn.__module__}.{fn.__qualname__}",
            kind=kind,
            parameter_types={p.name: hints.get(p.name, Any) for p in keyword},
            result_type=result_type,
            result_optional=optional,
            not_null=not_null,
        )
        impl = _make_impl(declaration, {p.name: p.default for p in keyword if p.default is not p.empty})
        functools.update_wrapper(impl, fn)
        impl.__sqlfirst__ = declaration  # type: ignore[attr-defined]
        self.declarations[key] = declaration
        return typing.cast(F, impl)

    def _result(self, query: NamedQuery, fn: Callable[..., Any], ret: Any) -> tuple[Kind, Any, bool]:
        op = query.operation
        inner, optional = _unwrap_optional(ret)
        origin = typing.get_origin(inner)
        args = typing.get_args(inner)
        is_async = inspect.iscoroutinefunction(fn)
        if op is SQLOperationType.SELECT:
            if origin is list and args and _is_model(args[0]) and is_async and not optional:
                return "many", args[0], False
            if origin is collections.abc.AsyncIterator and args and _is_model(args[0]) and not is_async:
                return "stream", args[0], False
            raise self._fail(
                query, fn, "a plain select returns `list[Model]` (async def) or `AsyncIterator[Model]` (def)"
            )
        if not is_async:
            raise self._fail(query, fn, "declare it `async def`")
        if op is SQLOperationType.SELECT_ONE:
            if _is_model(inner) and optional:
                return "one", inner, True
            raise self._fail(query, fn, "a `^` query returns `Model | None`")
        if op is SQLOperationType.SELECT_VALUE:
            return "value", inner, optional
        if op is SQLOperationType.INSERT_UPDATE_DELETE:
            if ret is int:
                return "execute", int, False
            raise self._fail(query, fn, "a `!` query returns `int` (rows affected)")
        if op is SQLOperationType.INSERT_RETURNING:
            return "returning", inner, optional
        raise self._fail(query, fn, f"operator {op.name} has no typed declaration in sqlfirst")


# Field types asyncpg's codecs already deliver as the exact Python value the model holds.
_PLAIN_TYPES: frozenset[Any] = frozenset(
    {
        str, int, float, bool, bytes, UUID, datetime, date, time, timedelta, Decimal,
        IPv4Address, IPv6Address, IPv4Interface, IPv6Interface, IPv4Network, IPv6Network,
    }
)  # fmt: skip
_JSON_TYPES: frozenset[Any] = frozenset({JsonValue, Any})


class _Untrusted(Exception):
    """A field whose value needs Pydantic's validation."""


def _field_converter(annotation: Any) -> dict[Any, Any] | None:
    """None when a decoded column value is already the field's value, else a value -> value mapping.

    Enum fields map the label asyncpg returns to the member (a dict lookup, far cheaper than
    calling the enum class).
    """
    inner, optional = _unwrap_optional(annotation)
    if inner in _PLAIN_TYPES or inner in _JSON_TYPES:
        return None
    if isinstance(inner, type) and issubclass(inner, Enum):
        mapping: dict[Any, Any] = {member.value: member for member in inner}
        if optional:
            mapping[None] = None
        return mapping
    origin = typing.get_origin(inner)
    args = typing.get_args(inner)
    # jsonb (orjson) and array columns decode to lists and dicts of plain values.
    if origin is list and len(args) == 1 and (args[0] in _PLAIN_TYPES or args[0] in _JSON_TYPES):
        return None
    if origin is dict and args and args[0] is str and (args[1] in _PLAIN_TYPES or args[1] in _JSON_TYPES):
        return None
    raise _Untrusted(repr(annotation))


def _trusted_plan(model: type[BaseModel]) -> dict[str, dict[Any, Any] | None] | None:
    """Per-field conversions when ``model`` can be built from a row without validation, else None."""
    decorators = model.__pydantic_decorators__
    if (
        model.__pydantic_root_model__
        or model.__private_attributes__
        or model.__pydantic_post_init__
        or model.model_config.get("extra") == "allow"
        or decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.model_validators
    ):
        return None
    plan: dict[str, dict[Any, Any] | None] = {}
    for name, info in model.__pydantic_fields__.items():
        if info.metadata or info.alias not in (None, name) or info.validation_alias not in (None, name):
            return None
        try:
            plan[name] = _field_converter(info.annotation)
        except _Untrusted:
            return None
    return plan


class RowFactory(typing.Generic[ModelT]):
    """Turns asyncpg ``Record``s (or any mappings) into ``model`` instances; see :func:`row_factory`.

    For a trusted model the first result fixes the column order and, once per query, the builder:
    the C ``RowBuilder`` when the accelerator is there (``accelerated``, default
    :data:`ACCELERATED`), else a generated loop specialised to the columns, where each row is
    unpacked into locals and the model's ``__dict__`` is a dict display of them. Either way enum
    columns go through their label -> member map. Per-row cost is all the layer adds over the
    driver, which matters on a page of rows.
    """

    __slots__ = (
        "_accelerated",
        "_build_many",
        "_build_one",
        "_model",
        "_names",
        "_plan",
        "_positional",
        "_validate",
    )

    def __init__(self, model: type[ModelT], *, accelerated: bool | None = None) -> None:
        if accelerated and _RowBuilder is None:
            raise RuntimeError("sqlfirst._speedups is not built (no C compiler at install)")
        self._accelerated = ACCELERATED if accelerated is None else accelerated
        self._model = model
        self._validate = model.__pydantic_validator__.validate_python
        self._plan = _trusted_plan(model)
        self._names = frozenset(self._plan or ())
        self._build_many: Callable[[Sequence[Any]], list[ModelT]] | None = None
        self._build_one: Callable[[Any], ModelT] | None = None
        self._positional = False

    def _validated_many(self, rows: Sequence[Any]) -> list[ModelT]:
        validate = self._validate
        return [validate(dict(row)) for row in rows]

    def _validated_one(self, row: Any) -> ModelT:
        return typing.cast(ModelT, self._validate(dict(row)))

    def _decide(self, row: Any) -> None:
        # A query's columns never change, so the first row decides for every later one.
        columns = tuple(row.keys())
        plan = self._plan
        if plan is None or len(columns) != len(self._names) or set(columns) != self._names:
            self._build_many, self._build_one = self._validated_many, self._validated_one
            return
        self._positional = True
        builders = None
        if self._accelerated:
            builders = _accelerated_builders(
                self._model, columns, plan, self._validated_many, self._validated_one
            )
        if builders is None:
            builders = _generate_builders(
                self._model, columns, plan, self._validated_many, self._validated_one
            )
        self._build_many, self._build_one = builders

    def __call__(self, row: Any) -> ModelT:
        """One row as a model."""
        build = self._build_one
        if build is None:
            self._decide(row)
            build = typing.cast(Callable[[Any], ModelT], self._build_one)
        if self._positional and not isinstance(row, asyncpg.Record):
            row = tuple(row.values())  # a mapping (tests, callers): index it like a Record
        return build(row)

    def many(self, rows: Sequence[Any]) -> list[ModelT]:
        """All rows as models."""
        if not rows:
            return []
        build = self._build_many
        if build is None:
            self._decide(rows[0])
            build = typing.cast(Callable[[Sequence[Any]], list[ModelT]], self._build_many)
        if self._positional and not isinstance(rows[0], asyncpg.Record):
            rows = [tuple(row.values()) for row in rows]  # mappings (tests, callers): index like a Record
        return build(rows)


# BaseModel's slot descriptors for what model_construct sets besides __dict__, in the C builder's order.
_MODEL_SLOTS: tuple[Any, Any, Any] = (
    BaseModel.__dict__["__pydantic_fields_set__"],
    BaseModel.__dict__["__pydantic_extra__"],
    BaseModel.__dict__["__pydantic_private__"],
)


def _generate_builders(
    model: type[ModelT],
    columns: tuple[str, ...],
    plan: Mapping[str, dict[Any, Any] | None],
    fallback: Callable[[Sequence[Any]], list[ModelT]],
    fallback_one: Callable[[Any], ModelT],
) -> tuple[Callable[[Sequence[Any]], list[ModelT]], Callable[[Any], ModelT]]:
    """Compile the row loop and the single-row builder for ``columns`` (names come from the catalog;
    emitted with ``repr``)."""
    # BaseModel's own slot descriptors: setting through them skips object.__setattr__'s name lookup,
    # measurably cheaper per row (0.71 vs 0.86 us for an 11-column row, instance included).
    env: dict[str, Any] = {
        "_new": object.__new__,
        "_set_dict": BaseModel.__dict__["__dict__"].__set__,
        "_set_fields_set": _MODEL_SLOTS[0].__set__,
        "_set_extra": _MODEL_SLOTS[1].__set__,
        "_set_private": _MODEL_SLOTS[2].__set__,
        "_model": model,
        "_fallback": fallback,
        "_fallback_one": fallback_one,
        "_fields_set": frozenset(columns),
    }
    items = []
    for index, column in enumerate(columns):
        mapping = plan[column]
        if mapping is None:
            items.append(f"{column!r}: v{index}")
        else:
            env[f"_map{index}"] = mapping
            items.append(f"{column!r}: _map{index}[v{index}]")
    # Unpacking a Record into locals is cheaper than indexing it once per column.
    unpack = ", ".join(f"v{index}" for index in range(len(columns))) + ","
    # Frozen models never change their fields-set, so all instances can share one; others get a copy.
    fields_set = "_shared_set" if model.model_config.get("frozen") else "set(_fields_set)"
    env["_shared_set"] = set(columns)
    map_defaults = "".join(f"_map{i}=_map{i}, " for i in range(len(columns)) if plan[columns[i]] is not None)
    source = f"""
def build_many(
    rows, _new=_new, _model=_model, _set_dict=_set_dict, _set_fields_set=_set_fields_set,
    _set_extra=_set_extra, _set_private=_set_private, _shared_set=_shared_set, {map_defaults}
):
    # Everything the loop touches is a default argument: a local (LOAD_FAST), not a global lookup.
    out = []
    append = out.append
    try:
        for ({unpack}) in rows:
            instance = _new(_model)
            _set_dict(instance, {{{", ".join(items)}}})
            _set_fields_set(instance, {fields_set})
            _set_extra(instance, None)
            _set_private(instance, None)
            append(instance)
    except (KeyError, TypeError):
        # A value the enum map does not know: let Pydantic explain it.
        return _fallback([dict(zip({columns!r}, row, strict=True)) for row in rows])
    return out

def build_one(row):
    try:
        ({unpack}) = row
        instance = _new(_model)
        _set_dict(instance, {{{", ".join(items)}}})
    except (KeyError, TypeError):
        return _fallback_one(dict(zip({columns!r}, row, strict=True)))
    _set_fields_set(instance, {fields_set})
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance
"""
    exec(compile(source, f"<sqlfirst rows of {model.__qualname__}>", "exec"), env)  # noqa: S102
    return env["build_many"], env["build_one"]


def _accelerated_builders(
    model: type[ModelT],
    columns: tuple[str, ...],
    plan: Mapping[str, dict[Any, Any] | None],
    fallback: Callable[[Sequence[Any]], list[ModelT]],
    fallback_one: Callable[[Any], ModelT],
) -> tuple[Callable[[Sequence[Any]], list[ModelT]], Callable[[Any], ModelT]] | None:
    """The C builder's ``many`` and ``one`` for ``columns``, or None when it cannot build ``model``
    (a class with its own ``__new__``, say)."""
    assert _RowBuilder is not None
    try:
        builder = _RowBuilder(
            model,
            tuple(sys.intern(column) for column in columns),
            tuple(plan[column] for column in columns),
            set(columns),
            # Frozen models never change their fields-set, so all instances share one.
            not model.model_config.get("frozen"),
            _MODEL_SLOTS,
        )
    except (TypeError, ValueError):
        return None
    many, one = builder.many, builder.one

    def build_many(rows: Sequence[Any]) -> list[ModelT]:
        try:
            return typing.cast(list[ModelT], many(rows))
        except (KeyError, TypeError):
            # A value the enum map does not know: let Pydantic explain it.
            return fallback([dict(zip(columns, row, strict=True)) for row in rows])

    def build_one(row: Any) -> ModelT:
        try:
            return typing.cast(ModelT, one(row))
        except (KeyError, TypeError):
            return fallback_one(dict(zip(columns, row, strict=True)))

    return build_many, build_one


def row_factory(model: type[ModelT], *, accelerated: bool | None = None) -> RowFactory[ModelT]:
    """A callable turning an asyncpg ``Record`` (or any mapping) into ``model``; ``.many(rows)`` for lists.

    Models of plain fields are built without validation once a row's columns turn out to be exactly
    the model's fields (see the module docstring); anything else is validated by Pydantic.
    ``accelerated`` picks the C builder (True) or the generated Python one (False); by default the C
    one when it was compiled (:data:`ACCELERATED`).
    """
    return RowFactory(model, accelerated=accelerated)


def _not_a_model(row: Any) -> Any:
    raise AssertionError("this query returns no model")


_BODIES: dict[str, str] = {
    # Each body runs inside ``try`` with ``_args`` standing for the positional arguments in $n order.
    "one": """
    try:
        row = await conn.fetchrow(_sql, {args})
    except _DRIVER_ERRORS as exc:
        raise _driver_error(exc, conn) from exc
    if row is None:
        if _required:
            raise _DatabaseError(_no_row)
        return None
    return _one(row)
""",
    "many": """
    try:
        rows = await conn.fetch(_sql, {args})
    except _DRIVER_ERRORS as exc:
        raise _driver_error(exc, conn) from exc
    return _many(rows)
""",
    "stream": """
    try:
        if isinstance(conn, _Pool):
            async with conn.acquire() as own, own.transaction(readonly=True):
                async for row in own.cursor(_sql, {args} prefetch=_prefetch):
                    yield _one(row)
        elif conn.is_in_transaction():
            async for row in conn.cursor(_sql, {args} prefetch=_prefetch):
                yield _one(row)
        else:
            async with conn.transaction(readonly=True):
                async for row in conn.cursor(_sql, {args} prefetch=_prefetch):
                    yield _one(row)
    except _DRIVER_ERRORS as exc:
        raise _driver_error(exc, conn) from exc
""",
    "value": """
    try:
        row = await conn.fetchrow(_sql, {args})
    except _DRIVER_ERRORS as exc:
        raise _driver_error(exc, conn) from exc
    value = None if row is None else row[0]
    if value is None and _required:
        raise _DatabaseError(_no_value)
    return value
""",
    "execute": """
    try:
        status = await conn.execute(_sql, {args})
    except _DRIVER_ERRORS as exc:
        raise _driver_error(exc, conn) from exc
    return _rows_affected(status)
""",
}


def _make_impl(decl: Declaration, defaults: dict[str, Any]) -> Callable[..., Any]:
    """Build the function that runs ``decl``'s query.

    The function is compiled with the declaration's own keyword-only signature (as dataclasses do
    for ``__init__``), so Python itself checks the arguments and passes them straight through as
    asyncpg's positional ``$n`` arguments: nothing is rebuilt per call.
    """
    order = decl.query.parameters
    fname = decl.function.rpartition(".")[2]
    kind = decl.kind
    returns_model = kind in ("one", "many", "stream") or (kind == "returning" and _is_model(decl.result_type))
    factory: RowFactory[Any] | None = row_factory(decl.result_type) if returns_model else None
    # ``<!`` runs as a one-row fetch when it returns a model, as a value fetch otherwise.
    body = ("one" if returns_model else "value") if kind == "returning" else kind
    env: dict[str, Any] = {
        "_sql": decl.query.sql,
        "_DRIVER_ERRORS": _DRIVER_ERRORS,
        "_driver_error": _driver_error,
        "_DatabaseError": DatabaseError,
        "_rows_affected": rows_affected,
        "_Pool": asyncpg.Pool,
        "_prefetch": STREAM_PREFETCH,
        "_one": factory if factory is not None else _not_a_model,
        "_many": factory.many if factory is not None else _not_a_model,
        "_required": kind in ("returning", "value") and not decl.result_optional,
        "_no_row": f"{fname}(): the query returned no row",
        "_no_value": f"{fname}(): the query returned no value",
    }
    # Names are aiosql parameter names (``\w+``) and were matched against the declaration.
    params = []
    for name in order:
        if name in defaults:
            env[f"_default_{name}"] = defaults[name]
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
    signature = f"conn, /, *, {', '.join(params)}" if params else "conn, /"
    args = "".join(f"{name}, " for name in order)
    name = fname if fname not in env else "_impl"  # the name Python's own TypeErrors will show
    source = f"async def {name}({signature}):" + _BODIES[body].format(args=args)
    exec(compile(source, f"<sqlfirst {decl.function}>", "exec"), env)  # noqa: S102
    impl: Callable[..., Any] = env[name]
    return impl
