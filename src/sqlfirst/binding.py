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

Rows become models through :func:`sqlfirst.rows.row_factory`: always exactly what Pydantic's
validation gives, built without running it where Pydantic's own schema proves it would keep every
value as is (see :mod:`sqlfirst.trust`).
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import re
import types
import typing
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosql
from aiosql.adapters.asyncpg import AsyncPGAdapter
from aiosql.types import SQLOperationType
from pydantic import (
    AwareDatetime,
    BaseModel,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
)

from sqlfirst import paths, project
from sqlfirst.calls import is_model, make_call, rows_affected
from sqlfirst.errors import DRIVER_ERRORS, ConfigurationError, QueryDeclarationError, from_driver
from sqlfirst.pgtypes import strip_optional
from sqlfirst.project import sql_root_for
from sqlfirst.rows import ACCELERATED, RowFactory, row_factory

__all__ = [
    "ACCELERATED",
    "DECLARATIONS",
    "Declaration",
    "LeanAdapter",
    "RowFactory",
    "SqlFile",
    "row_factory",
    "rows_affected",
]

F = TypeVar("F", bound=Callable[..., Any])
Kind = Literal["one", "many", "stream", "value", "execute", "returning"]

DECLARATIONS: dict[tuple[str, str, str], Declaration] = {}
"""Every declaration made so far, keyed by (domain, entity, query name); read by ``sqlfirst check``."""


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
        except DRIVER_ERRORS as exc:
            raise from_driver(exc) from exc
        for row in rows:
            yield row if record_class is None else record_class(**dict(row))

    async def select_one(
        self, conn: Any, query_name: str, sql: str, parameters: Any, record_class: Any = None
    ) -> Any:
        try:
            row = await conn.fetchrow(sql, *self._ordered(query_name, parameters))
        except DRIVER_ERRORS as exc:
            raise from_driver(exc) from exc
        return row if row is None or record_class is None else record_class(**dict(row))

    async def select_value(self, conn: Any, query_name: str, sql: str, parameters: Any) -> Any:
        try:
            return await conn.fetchval(sql, *self._ordered(query_name, parameters))
        except DRIVER_ERRORS as exc:
            raise from_driver(exc) from exc

    async def insert_returning(self, conn: Any, query_name: str, sql: str, parameters: Any) -> Any:
        try:
            row = await conn.fetchrow(sql, *self._ordered(query_name, parameters))
        except DRIVER_ERRORS as exc:
            raise from_driver(exc) from exc
        if row is None:
            return None
        return row[0] if len(row) == 1 else row

    async def insert_update_delete(self, conn: Any, query_name: str, sql: str, parameters: Any) -> int:
        try:
            status = await conn.execute(sql, *self._ordered(query_name, parameters))
        except DRIVER_ERRORS as exc:
            raise from_driver(exc) from exc
        return rows_affected(status)

    async def insert_update_delete_many(self, conn: Any, query_name: str, sql: str, parameters: Any) -> int:
        batch = [self._ordered(query_name, p) for p in parameters]
        try:
            await conn.executemany(sql, batch)
        except DRIVER_ERRORS as exc:
            raise from_driver(exc) from exc
        return len(batch)

    async def execute_script(self, conn: Any, sql: str) -> str:
        try:
            return str(await conn.execute(sql))
        except DRIVER_ERRORS as exc:
            raise from_driver(exc) from exc


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
    validate: type[BaseModel] | None = None
    """The input model the call's arguments go through before the query runs (``query(validate=)``)."""
    none_means_default: frozenset[str] = frozenset()
    """With ``validate``: parameters declared ``X | None`` whose model field has a default and does
    not take None; a None there is left out, so the model's default applies."""
    defaulted: frozenset[str] = frozenset()
    """Keyword parameters the function gives a default: a call may leave them out."""


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


_VALIDATES_TO: dict[Any, type] = {
    AwareDatetime: datetime,
    NaiveDatetime: datetime,
    PastDatetime: datetime,
    FutureDatetime: datetime,
    PastDate: date,
    FutureDate: date,
}
"""Pydantic's marker types, which are not the class of the value they validate to."""


def _sent_type(annotation: Any) -> Any:
    """The type of what a model field of ``annotation`` holds after validation: the annotation, with
    Pydantic's marker types (``AwareDatetime``...) replaced by the class they validate to."""
    if annotation in _VALIDATES_TO:
        return _VALIDATES_TO[annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        return typing.Annotated[(_sent_type(inner), *metadata)]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_sent_type(a) for a in typing.get_args(annotation))]  # noqa: UP007
    return annotation


class SqlFile:
    """The named queries of ``sql/<domain>/<entity>.sql`` and the decorator that declares them."""

    def __init__(self, domain: str, entity: str, *, root: Path | None = None) -> None:
        self.domain = domain
        self.entity = entity
        if root is None:
            try:
                root = sql_root_for(domain)
            except ConfigurationError as exc:
                raise QueryDeclarationError(str(exc)) from None
            registered = True
        else:
            registered = root.resolve() == paths.sql_dir().resolve()
        self.path = root / domain / f"{entity}.sql"
        if not self.path.is_file():
            current = project.current() if registered else None
            hint = (
                f": {domain!r} is not a built-in domain, and no project with a [tool.sqlfirst] table was "
                f"found from {Path.cwd()}; run from the project's folder or set SQLFIRST_PROJECT"
                if current is not None and current.is_builtin and current.domain(domain) is None
                else ""
            )
            raise QueryDeclarationError(f"no query file {self.path}{hint}")
        self.queries = load_file(self.path)
        # A project's own files (the current project's, or a built-in domain's) register globally:
        # ``sqlfirst check`` and ``docs`` read DECLARATIONS. A file from another root (a test's tree)
        # keeps its declarations to itself.
        self.declarations: dict[tuple[str, str, str], Declaration] = DECLARATIONS if registered else {}

    def __repr__(self) -> str:
        return f"SqlFile({self.domain!r}, {self.entity!r})"

    def query(
        self,
        name: str,
        *,
        not_null: Mapping[str, str] | None = None,
        validate: type[BaseModel] | None = None,
    ) -> Callable[[F], F]:
        """Bind the decorated declaration to the named query (see the module docstring).

        ``not_null`` maps result columns that ``sqlfirst check`` cannot prove NOT NULL (computed
        columns such as ``count(*)``, the outer side of a join) to the reason they never are NULL;
        only those may feed a non-``Optional`` field. A NULL that arrives anyway is still refused
        at run time by Pydantic's validation.

        ``validate`` names an input model whose fields are parameters of the query: on each call
        those arguments go through ``validate.model_validate`` (``ValidationError`` before the
        database) and the query receives the validated values (``model_dump()``): no wrapper
        function is needed just to validate. ``None`` for a field that has a default and does not
        take ``None`` stands for that default (``meta_data: JsonObject | None = None`` against a
        field defaulting to ``{}``). ``sqlfirst check`` compares the model's field types, which are
        what the query is sent, with the query's parameters.
        """
        vouched = dict(not_null or {})
        for column, reason in vouched.items():
            if not isinstance(reason, str) or not reason.strip():
                raise QueryDeclarationError(f"{self.path}: {name}: not_null[{column!r}] needs a reason")
        if validate is not None and not is_model(validate):
            raise QueryDeclarationError(f"{self.path}: {name}: validate= takes a Pydantic model class")

        def decorate(fn: F) -> F:
            return self._bind(name, fn, vouched, validate)

        return decorate

    def _fail(self, query: NamedQuery | None, fn: Callable[..., Any], problem: str) -> QueryDeclarationError:
        where = f"{query.path}:{query.line}" if query else str(self.path)
        return QueryDeclarationError(f"{where}: {fn.__module__}.{fn.__qualname__}: {problem}")

    def _bind(self, name: str, fn: F, not_null: Mapping[str, str], validate: type[BaseModel] | None) -> F:
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
        parameter_types = {p.name: hints.get(p.name, Any) for p in keyword}
        none_means_default: frozenset[str] = frozenset()
        if validate is not None:
            fields = validate.model_fields
            outside = sorted(set(fields) - declared)
            if outside:
                problem = f"validate={validate.__name__}: fields {outside} are not parameters"
                raise self._fail(query, fn, problem)
            # What the query is sent is the model's output: that is what check compares.
            parameter_types |= {n: _sent_type(f.annotation) for n, f in fields.items()}
            none_means_default = frozenset(
                n
                for n, f in fields.items()
                if not f.is_required()
                and not strip_optional(f.annotation)[1]
                and strip_optional(hints.get(n, Any))[1]
            )
        kind, result_type, optional = self._result(query, fn, hints["return"])
        defaults = {p.name: p.default for p in keyword if p.default is not p.empty}
        declaration = Declaration(
            domain=self.domain,
            entity=self.entity,
            query=query,
            function=f"{fn.__module__}.{fn.__qualname__}",
            kind=kind,
            parameter_types=parameter_types,
            result_type=result_type,
            result_optional=optional,
            not_null=not_null,
            validate=validate,
            none_means_default=none_means_default,
            defaulted=frozenset(defaults),
        )
        impl = make_call(declaration, defaults)
        functools.update_wrapper(impl, fn)
        impl.__sqlfirst__ = declaration  # type: ignore[attr-defined]
        self.declarations[key] = declaration
        return typing.cast(F, impl)

    def _result(self, query: NamedQuery, fn: Callable[..., Any], ret: Any) -> tuple[Kind, Any, bool]:
        op = query.operation
        inner, optional = strip_optional(ret)
        origin = typing.get_origin(inner)
        args = typing.get_args(inner)
        is_async = inspect.iscoroutinefunction(fn)
        if op is SQLOperationType.SELECT:
            if origin is list and args and is_model(args[0]) and is_async and not optional:
                return "many", args[0], False
            if origin is collections.abc.AsyncIterator and args and is_model(args[0]) and not is_async:
                return "stream", args[0], False
            raise self._fail(
                query, fn, "a plain select returns `list[Model]` (async def) or `AsyncIterator[Model]` (def)"
            )
        if not is_async:
            raise self._fail(query, fn, "declare it `async def`")
        if op is SQLOperationType.SELECT_ONE:
            if is_model(inner) and optional:
                return "one", inner, True
            raise self._fail(query, fn, "a `^` query returns `Model | None`")
        if op is SQLOperationType.SELECT_VALUE:
            return "value", inner, optional
        if op is SQLOperationType.INSERT_UPDATE_DELETE:
            if ret is int:
                return "execute", int, False
            raise self._fail(query, fn, "a `!` query returns `int` (rows affected)")
        if op is SQLOperationType.INSERT_RETURNING:
            if any(is_model(arg) for arg in args):
                raise self._fail(
                    query,
                    fn,
                    "a `<!` query returns one row: `Model`, `Model | None` or a scalar "
                    "(a plain select returns `list[Model]`)",
                )
            return "returning", inner, optional
        raise self._fail(query, fn, f"operator {op.name} has no typed declaration in sqlfirst")
