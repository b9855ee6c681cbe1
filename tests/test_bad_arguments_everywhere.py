"""Bad arguments through every public function of every domain: only ``ValidationError`` or a
:mod:`sqlfirst.errors` type comes out, never a bare ``TypeError``, ``ValueError``, ``IndexError`` or
``AttributeError`` from the function's own handling of its input.

Every coroutine function (and async iterator) a domain module exports that takes a connection first
is called once per keyword argument with each bad value below in it, and plausible values of their
declared types in the others, on one connection inside a savepoint rolled back after each call. What
the call returns, or which of the allowed errors it raises, is the domain tests' business; here only
the type of the error is checked, so a value the function happens to accept passes too.
"""

from __future__ import annotations

import asyncio
import collections.abc
import contextlib
import datetime as dt
import enum
import importlib
import inspect
import pkgutil
import types
import typing
import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from sqlfirst.db import Connection
from sqlfirst.easyflow.credentials import KeyRing
from sqlfirst.errors import SqlfirstError

from .easyflow.factories import key_ring

DOMAINS = ("agent_hub", "ai_seo", "deals", "devskyy", "easyflow")
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


class _Odd:
    """A value of no type any function takes."""

    def __repr__(self) -> str:
        return "<odd>"


BAD: dict[str, Any] = {
    "none": None,
    "text": "not a value",
    "number": 7,
    "nan": float("nan"),
    "list": [_Odd()],
    "odd": _Odd(),
}


def _exported() -> list[tuple[str, Callable[..., Any]]]:
    """Every function a domain module exports, by its dotted name."""
    found = []
    for domain in DOMAINS:
        package = importlib.import_module(f"sqlfirst.{domain}")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"sqlfirst.{domain}.{info.name}")
            for name in getattr(module, "__all__", ()):
                fn = getattr(module, name)
                if inspect.isfunction(fn):
                    found.append((f"{domain}.{info.name}.{name}", fn))
    return found


def _is_async(fn: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn)


def _functions() -> list[tuple[str, Callable[..., Any]]]:
    """The coroutines and async iterators that take a connection first."""
    return [
        (name, fn)
        for name, fn in _exported()
        if _is_async(fn) and next(iter(inspect.signature(fn).parameters), None) == "conn"
    ]


def _plain_functions() -> list[tuple[str, Callable[..., Any]]]:
    """The exported functions that are neither coroutines nor async iterators (hashing a token, a
    page size...)."""
    return [(name, fn) for name, fn in _exported() if not _is_async(fn)]


def _plain(annotation: Any) -> Any:
    """``annotation`` without Optional and Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _plain(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _plain(args[0]) if args else None
    return annotation


def _good(annotation: Any) -> Any:
    """A plausible value of ``annotation`` (what the other arguments hold while one is bad)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
        annotation
    ):
        return None
    tp = _plain(annotation)
    origin = typing.get_origin(tp) or tp
    simple: dict[Any, Any] = {
        uuid.UUID: uuid.uuid4(),
        str: "plain-text",
        int: 1,
        float: 1.0,
        Decimal: Decimal("1.00"),
        bool: True,
        dt.datetime: NOW,
        dt.date: NOW.date(),
        dt.timedelta: dt.timedelta(minutes=1),
        dict: {},
        list: [],
        tuple: (),
        collections.abc.Sequence: [],
        collections.abc.Mapping: {},
        collections.abc.Iterable: [],
        collections.abc.Collection: [],
        KeyRing: key_ring(),
    }
    if origin in simple:
        return simple[origin]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    return None


_NAMED = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _hints(fn: Callable[..., Any], first: int = 1) -> dict[str, Any]:
    """The keyword arguments' types (the connection's, spelled for type checkers only, is skipped)."""
    found = {}
    for param in list(inspect.signature(fn).parameters.values())[first:]:
        annotation = param.annotation
        if isinstance(annotation, str):
            annotation = eval(annotation, vars(inspect.getmodule(inspect.unwrap(fn))))  # noqa: S307
        found[param.name] = annotation
    return found


def _calls() -> list[tuple[str, Callable[..., Any], str, str]]:
    cases = []
    for name, fn in _functions():
        for param in list(inspect.signature(fn).parameters.values())[1:]:
            if param.kind not in _NAMED:
                continue
            for bad in BAD:
                cases.append((name, fn, param.name, bad))
    return cases


CALLS = _calls()


async def _run(fn: Callable[..., Any], kwargs: dict[str, Any], conn: Connection) -> None:
    result = fn(conn, **kwargs)
    if inspect.isasyncgen(result):
        try:
            async for _ in result:
                break
        finally:
            await result.aclose()  # its cleanup runs now, not beside the savepoint's rollback
    elif isinstance(result, AsyncIterator):
        async for _ in result:
            break
    else:
        await result


@pytest.mark.parametrize(
    ("name", "fn", "argument", "bad"), CALLS, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CALLS]
)
async def test_a_bad_argument_raises_only_a_validation_or_sqlfirst_error(
    conn: Connection, name: str, fn: Callable[..., Any], argument: str, bad: str
) -> None:
    hints = _hints(fn)
    kwargs: dict[str, Any] = {}
    for param in list(inspect.signature(fn).parameters.values())[1:]:
        if param.kind not in _NAMED:
            continue
        if param.name == argument:
            kwargs[param.name] = BAD[bad]
        elif param.default is inspect.Parameter.empty:
            kwargs[param.name] = _good(hints.get(param.name))
    try:
        async with conn.transaction():  # a savepoint: whatever the call wrote goes
            await asyncio.wait_for(_run(fn, kwargs, conn), timeout=10)
            raise _RolledBack
    except (_RolledBack, pydantic.ValidationError, SqlfirstError):
        pass


class _RolledBack(Exception):
    """Leaves the savepoint of a call that succeeded, undoing what it wrote."""


PLAIN = [
    (name, fn, param.name, bad)
    for name, fn in _plain_functions()
    for param in inspect.signature(fn).parameters.values()
    if param.kind in _NAMED
    for bad in BAD
]


@pytest.mark.parametrize(
    ("name", "fn", "argument", "bad"), PLAIN, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in PLAIN]
)
def test_a_plain_function_refuses_a_bad_argument_the_same_way(
    name: str, fn: Callable[..., Any], argument: str, bad: str
) -> None:
    hints = _hints(fn, first=0)
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(fn).parameters.values():
        if param.name == argument:
            kwargs[param.name] = BAD[bad]
        elif param.kind in _NAMED and param.default is inspect.Parameter.empty:
            kwargs[param.name] = _good(hints.get(param.name))
    with contextlib.suppress(pydantic.ValidationError, SqlfirstError):
        fn(**kwargs)
