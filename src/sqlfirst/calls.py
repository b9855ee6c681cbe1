"""The functions a declaration becomes: compiled per query, with its own signature, calling asyncpg.

:class:`sqlfirst.binding.SqlFile` checks a declaration against its query; :func:`make_call` then
builds the function that runs it. Its source is one of :data:`_BODIES` (one row, all rows, a cursor,
a value, a command), compiled with the declaration's keyword-only signature so Python checks the
arguments and hands them to asyncpg as positional ``$n`` arguments; with ``validate=`` the model's
arguments pass through it first. Every body records the call (:mod:`sqlfirst.monitoring`) on every
way out and turns driver errors into :mod:`sqlfirst.errors` types.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import asyncpg
from pydantic import BaseModel, ValidationError

from sqlfirst import monitoring
from sqlfirst.arguments import member
from sqlfirst.errors import DRIVER_ERRORS, DatabaseError, from_driver
from sqlfirst.pgtypes import strip_optional
from sqlfirst.rows import RowFactory, row_factory

if TYPE_CHECKING:
    from sqlfirst.binding import Declaration

__all__ = ["STREAM_PREFETCH", "driver_failed", "is_model", "make_call", "rows_affected"]

STREAM_PREFETCH = 500


def driver_failed(slot: Any, started: int, exc: BaseException, conn: object) -> DatabaseError:
    """The :mod:`sqlfirst.errors` error a driver error ``exc`` becomes, recorded as the failure of the
    call ``slot`` timed from ``started``: what every body's ``except`` branch raises (errors are cold,
    so the success path makes no call for it)."""
    error = from_driver(exc, conn)
    monitoring.failed(slot, started, error, conn)
    return error


_DRIVER_ERRORS = DRIVER_ERRORS


def rows_affected(status: str) -> int:
    """The row count of a command status such as ``UPDATE 3`` or ``INSERT 0 1``."""
    tail = status.rpartition(" ")[2]
    return int(tail) if tail.isdigit() else 0


def is_model(tp: Any) -> bool:
    """Whether ``tp`` is a Pydantic model class."""
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _not_a_model(row: Any) -> Any:
    raise AssertionError("this query returns no model")


def _fetched(into: str, method: str) -> str:
    """The opening of a body that fetches at once: read the clock, run the query through
    ``conn.<method>`` into ``into``; a driver error leaves as its sqlfirst error, recorded."""
    return f"""
    _t0 = _now()
    try:
        {into} = await conn.{method}(_sql, {{args}})
    except _DRIVER_ERRORS as exc:
        raise _driver_failed(_slot, _t0, exc, conn) from exc
"""


_BODIES: dict[str, str] = {
    # Each body reads the clock first and records the call (sqlfirst.monitoring) on every way out:
    # rows on success, the sqlfirst error (or ValidationError) it raises on failure; `conn` names the
    # server a span reports.
    "one": _fetched("row", "fetchrow")
    + """    if row is None:
        if _required:
            error = _DatabaseError(_no_row)
            _failed(_slot, _t0, error, conn)
            raise error
        _done(_slot, _t0, 0, conn)
        return None
    try:
        model = _one(row)
    except _ValidationError as exc:
        _failed(_slot, _t0, exc, conn)
        raise
    _done(_slot, _t0, 1, conn)
    return model
""",
    "many": _fetched("rows", "fetch")
    + """    try:
        models = _many(rows)
    except _ValidationError as exc:
        _failed(_slot, _t0, exc, conn)
        raise
    _done(_slot, _t0, len(models), conn)
    return models
""",
    "stream": """
    _t0 = _now()
    _count = 0
    try:
        if isinstance(conn, _Pool):
            async with conn.acquire() as own, own.transaction(readonly=True):
                async for row in own.cursor(_sql, {args} prefetch=_prefetch):
                    _count += 1
                    yield _one(row)
        elif conn.is_in_transaction():
            async for row in conn.cursor(_sql, {args} prefetch=_prefetch):
                _count += 1
                yield _one(row)
        else:
            async with conn.transaction(readonly=True):
                async for row in conn.cursor(_sql, {args} prefetch=_prefetch):
                    _count += 1
                    yield _one(row)
    except _DRIVER_ERRORS as exc:
        raise _driver_failed(_slot, _t0, exc, conn) from exc
    except _ValidationError as exc:
        _failed(_slot, _t0, exc, conn)
        raise
    except GeneratorExit:
        _done(_slot, _t0, _count, conn)  # the caller stopped reading: what it read is what the call did
        raise
    _done(_slot, _t0, _count, conn)
""",
    "value": _fetched("row", "fetchrow")
    + """    value = None if row is None else row[0]
    if value is None and _required:
        error = _DatabaseError(_no_row if row is None else _null_value)
        _failed(_slot, _t0, error, conn)
        raise error
    _done(_slot, _t0, 0 if row is None else 1, conn)
    return value
""",
    "execute": _fetched("status", "execute")
    + """    affected = _rows_affected(status)
    _done(_slot, _t0, affected, conn)
    return affected
""",
}


def _validated(decl: Declaration, env: dict[str, Any]) -> str:
    """With ``validate=``: the lines that pass the model's arguments through it (before the clock
    starts: a ``ValidationError`` here never reached the database) and rebind them to its output."""
    if decl.validate is None:
        return ""
    env["_validate"] = decl.validate.model_validate
    fields = decl.validate.model_fields
    given = ", ".join(f"{n!r}: {n}" for n in fields)
    # None where the declaration takes None but the model's field does not (it has a default) means
    # "the default", as the wrappers this replaces said: the field is left out and the model fills it
    # in. Anywhere else None goes to the model, which refuses it where the field does.
    unset = "".join(
        f"\n    if {n} is None:\n        del _given[{n!r}]" for n in sorted(decl.none_means_default)
    )
    rebind = "".join(f"\n    {n} = _checked[{n!r}]" for n in fields)
    return f"\n    _given = {{{given}}}{unset}\n    _checked = _validate(_given).model_dump(){rebind}"


def _enum_of(tp: Any) -> tuple[type[enum.Enum] | None, bool]:
    """The string enum a parameter declared ``tp`` takes (alone, or beside ``str`` or None), and
    whether it takes None; None for any other type (a list of members, an enum beside an int...)."""
    inner, optional = strip_optional(tp)
    options = (
        typing.get_args(inner) if typing.get_origin(inner) in (typing.Union, types.UnionType) else (inner,)
    )
    options = tuple(strip_optional(o)[0] for o in options)
    enums = [o for o in options if isinstance(o, type) and issubclass(o, enum.Enum) and issubclass(o, str)]
    rest = [o for o in options if o not in enums]
    if len(enums) != 1 or any(o is not str for o in rest):
        return None, optional
    return enums[0], optional


def _members(decl: Declaration, env: dict[str, Any]) -> str:
    """The lines that make an enum parameter's value its member (``"active"`` is ``Status.ACTIVE``)
    before the clock starts, or raise ``ValidationError`` naming the parameter and the values it takes:
    the server would refuse it only after a round trip, as ``InvalidInput`` naming no argument."""
    fname = decl.function.rpartition(".")[2]
    modelled = decl.validate.model_fields if decl.validate is not None else {}
    lines = []
    for name in decl.query.parameters:
        if name in modelled:  # the input model checks it (and says what None means there)
            continue
        found, optional = _enum_of(decl.parameter_types.get(name))
        if found is None:
            continue
        env[f"_enum_{name}"] = found
        unless_none = f" and {name} is not None" if optional else ""
        lines.append(
            f"\n    if _type({name}) is not _enum_{name}{unless_none}:"
            f"\n        {name} = _member({fname!r}, {name!r}, {name}, _enum_{name})"
        )
    if lines:
        env["_member"] = member
        env["_type"] = type  # a parameter may be named `type`
    return "".join(lines)


def make_call(decl: Declaration, defaults: dict[str, Any]) -> Callable[..., Any]:
    """Build the function that runs ``decl``'s query.

    The function is compiled with the declaration's own keyword-only signature (as dataclasses do
    for ``__init__``), so Python itself checks the arguments and passes them straight through as
    asyncpg's positional ``$n`` arguments: nothing is rebuilt per call.
    """
    order = decl.query.parameters
    fname = decl.function.rpartition(".")[2]
    kind = decl.kind
    returns_model = kind in ("one", "many", "stream") or (kind == "returning" and is_model(decl.result_type))
    factory: RowFactory[Any] | None = row_factory(decl.result_type) if returns_model else None
    # ``<!`` runs as a one-row fetch when it returns a model, as a value fetch otherwise.
    body = ("one" if returns_model else "value") if kind == "returning" else kind
    env: dict[str, Any] = {
        "_sql": decl.query.sql,
        "_DRIVER_ERRORS": _DRIVER_ERRORS,
        "_driver_failed": driver_failed,
        "_DatabaseError": DatabaseError,
        "_rows_affected": rows_affected,
        "_Pool": asyncpg.Pool,
        "_prefetch": STREAM_PREFETCH,
        "_one": factory.build_one if factory is not None else _not_a_model,
        "_many": factory.build_many if factory is not None else _not_a_model,
        "_required": kind in ("returning", "value") and not decl.result_optional,
        "_no_row": f"{fname}(): the query returned no row",
        "_null_value": f"{fname}(): the query returned NULL, but the declaration's result is not Optional",
        "_ValidationError": ValidationError,
        "_now": monitoring.now,
        "_done": monitoring.done,
        "_failed": monitoring.failed,
        "_slot": monitoring.recorder(
            f"{decl.domain}.{decl.query.name}",
            namespace=decl.domain,
            operation=(decl.query.sql.split(None, 1) or ["?"])[0].upper(),
            sql=decl.query.sql,
        ),
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
    checks = _members(decl, env) + _validated(decl, env)
    source = f"async def {name}({signature}):" + checks + _BODIES[body].format(args=args)
    exec(compile(source, f"<sqlfirst {decl.function}>", "exec"), env)  # noqa: S102
    impl: Callable[..., Any] = env[name]
    return impl
