"""Bulk ingest with COPY that streams: memory stays flat however many models come in.

``copy_models`` reads its models lazily from a list, a generator or an async iterator and hands
asyncpg one row tuple at a time; asyncpg encodes them into its COPY buffer and sends a CopyData
message whenever the buffer fills (about 512 KiB), waiting for the socket to drain. So a generator
of ten million models never has more than one buffer of rows in memory, and a single COPY keeps the
all-or-nothing guarantee (a failure part way writes nothing).

Each COPY is recorded by :mod:`sqlfirst.monitoring` like a named query, as ``<schema>.copy_<table>``
(``agent_hub.copy_events``): statistics, the slow-query log and, when tracing is on, a span with the
rows written or the error raised.
"""

from __future__ import annotations

import operator
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field, TypeAdapter

from sqlfirst import arguments, monitoring
from sqlfirst.arguments import invalid_argument
from sqlfirst.calls import driver_failed, rows_affected
from sqlfirst.errors import RAISED_BY_DRIVER, InvalidInput, SqlfirstError

if TYPE_CHECKING:
    from sqlfirst.db import Executor

__all__ = ["copy_models"]

RowOf = Callable[[dict[str, object]], tuple[object, ...]]
_END = object()  # no first model (None is a bad one, not the end)


def _row_getter(names: tuple[str, ...]) -> RowOf:
    """A C-speed ``__dict__`` -> column tuple (itemgetter of one name returns a bare value)."""
    getter = operator.itemgetter(*names)
    if len(names) == 1:
        return lambda values: (getter(values),)
    return getter


def _missing(model: object, exc: Exception) -> InvalidInput:
    if not isinstance(model, BaseModel):
        return InvalidInput(f"copy_models takes pydantic models, got a {type(model).__name__}")
    field = exc.args[0] if exc.args else "?"
    return InvalidInput(f"{type(model).__name__} has no field {field!r} to copy")


_names: TypeAdapter[tuple[str, ...]] = TypeAdapter(
    Annotated[tuple[Annotated[str, Field(min_length=1)], ...], Field(min_length=1)]
)


def _columns(columns: tuple[str, ...] | None, first: object) -> tuple[str, ...]:
    """The columns to copy: ``columns`` when given, else the first model's fields."""
    if columns is not None:
        return columns
    if not isinstance(first, BaseModel):
        raise _missing(first, TypeError())
    return tuple(type(first).model_fields)


def _row(model: object, row_of: RowOf) -> tuple[object, ...]:
    """``model``'s columns; only what reading the model raises is called its fault (the caller's
    iterator raises its own errors)."""
    try:
        return row_of(model.__dict__)
    except (KeyError, AttributeError, TypeError) as exc:  # a model without the column, or no model at all
        raise _missing(model, exc) from None


def _rows(first: object, rest: Iterator[BaseModel], row_of: RowOf) -> Iterator[tuple[object, ...]]:
    yield _row(first, row_of)
    for model in rest:
        try:
            row = row_of(model.__dict__)
        except (KeyError, AttributeError, TypeError) as exc:  # inline: this loop runs once per row
            raise _missing(model, exc) from None
        yield row


async def _arows(
    first: object, rest: AsyncIterator[BaseModel], row_of: RowOf
) -> AsyncIterator[tuple[object, ...]]:
    yield _row(first, row_of)
    async for model in rest:
        try:
            row = row_of(model.__dict__)
        except (KeyError, AttributeError, TypeError) as exc:
            raise _missing(model, exc) from None
        yield row


async def copy_models(
    conn: Executor,
    table: str,
    models: Iterable[BaseModel] | AsyncIterable[BaseModel],
    *,
    columns: Sequence[str] | None = None,
) -> int:
    """Bulk-insert models into ``table`` (``schema.table``) with COPY; returns the rows written.

    ``models`` may be any iterable or async iterable; it is consumed lazily, so memory does not grow
    with the number of rows. Each model's fields are the columns (or only ``columns``, in that
    order), taken from the first model; values go through the same codecs as every query (jsonb ⇄
    dict, enums as text). COPY is all or nothing and fires no per-row RETURNING, so it is the way to
    ingest thousands of rows: on a connection in a transaction the rows commit with it. Passing the
    pool copies on one pooled connection. A model lacking a column raises
    :class:`~sqlfirst.errors.InvalidInput` and nothing is written; driver errors come out as
    :mod:`sqlfirst.errors` types (a duplicate key is a ``Conflict``).
    """
    if not isinstance(table, str) or not table.rpartition(".")[2].strip():
        raise invalid_argument("copy_models", "table", "a table name (schema.table)", table)
    fixed = None if columns is None else arguments.listed("copy_models", "columns", columns, _names)
    if not isinstance(models, Iterable | AsyncIterable) or isinstance(models, str | bytes | Mapping):
        raise invalid_argument(
            "copy_models", "models", "an iterable or async iterable of pydantic models", models
        )
    schema, _, name = table.rpartition(".")
    records: Iterable[tuple[object, ...]] | AsyncIterable[tuple[object, ...]]
    if isinstance(models, AsyncIterable):
        stream = aiter(models)
        first = await anext(stream, _END)
        if first is _END:
            return 0
        names = _columns(fixed, first)
        records = _arows(first, stream, _row_getter(names))
    else:
        rest = iter(models)
        first = next(rest, _END)
        if first is _END:
            return 0
        names = _columns(fixed, first)
        records = _rows(first, rest, _row_getter(names))
    slot = monitoring.recorder(
        f"{schema}.copy_{name}" if schema else f"copy_{name}",
        namespace=schema or "public",
        operation="COPY",
        sql=f"COPY {table} FROM STDIN (FORMAT binary)",
        collection=table,
    )
    started = monitoring.now()
    try:
        status = await conn.copy_records_to_table(
            name, schema_name=schema or None, columns=list(names), records=records
        )
    except RAISED_BY_DRIVER as exc:
        # Not OSError or TimeoutError: the caller's own iterator runs inside the COPY and may raise them.
        raise driver_failed(slot, started, exc, conn) from exc
    except SqlfirstError as exc:  # a model without a column (InvalidInput), raised while streaming
        monitoring.failed(slot, started, exc, conn)
        raise
    written = rows_affected(status)
    monitoring.done(slot, started, written, conn)
    return written
