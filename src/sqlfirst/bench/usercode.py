"""Calls into a project's own benchmark code (its generator, samples and workloads), so that what that
code raises is reported as the project's: a :class:`~sqlfirst.errors.ConfigurationError` naming the
domain, query or table it came from, never an unexpected error "in sqlfirst"."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlfirst.binding import Declaration
from sqlfirst.errors import ConfigurationError

from .registry import Params, QueryWorkload


def described(exc: BaseException) -> str:
    """``KeyError: 'nope'``: the exception's type and message, as one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextmanager
def blamed(where: str) -> Iterator[None]:
    """Anything the block raises becomes ``ConfigurationError("<where> raised <type>: <message>")``
    (its cause kept), e.g. ``where = "shop: BENCH.sample"``."""
    try:
        yield
    except Exception as exc:
        raise ConfigurationError(f"{where} raised {described(exc)}") from exc


def where(decl: Declaration) -> str:
    """``workload shop.get_item``: the prefix of every error of a query's workload."""
    return f"workload {decl.domain}.{decl.query.name}"


def without_where(decl: Declaration, exc: BaseException) -> str:
    """The error of a query's workload, for a report line that names the query already."""
    prefix = f"{where(decl)}: "
    text = str(exc)
    if isinstance(exc, ConfigurationError) and text.startswith(prefix):
        return text[len(prefix) :]
    return described(exc)


def checked(decl: Declaration, params: object, *, every: bool = False) -> Params:
    """``params`` when they are the keyword arguments the declaration takes; else a ConfigurationError
    naming the unexpected and the missing ones. ``every``: none may be left to its default (the plan
    check binds every parameter of the query)."""
    if not isinstance(params, Mapping) or not all(isinstance(k, str) for k in params):
        raise ConfigurationError(
            f"{where(decl)}: params returned {type(params).__name__}, not a dict of the keyword"
            f" arguments of {decl.query.name}({', '.join(decl.query.parameters)})"
        )
    accepted = set(decl.parameter_types) | set(decl.query.parameters)
    unexpected = [k for k in params if k not in accepted]
    optional = frozenset() if every else decl.defaulted
    missing = [p for p in decl.query.parameters if p not in params and p not in optional]
    if unexpected or missing:
        problems = []
        if unexpected:
            problems.append(f"unexpected argument {', '.join(map(repr, unexpected))}")
        if missing:
            problems.append(f"missing argument {', '.join(map(repr, missing))}")
        takes = ", ".join(decl.query.parameters) or "no arguments"
        name = decl.query.name
        needs = (
            f"the plan check binds every argument of {name}: {takes}" if every else f"{name} takes {takes}"
        )
        raise ConfigurationError(f"{where(decl)}: params returned {'; '.join(problems)} ({needs})")
    return dict(params)


def draw(
    decl: Declaration,
    workload: QueryWorkload,
    samples: Any,
    rng: random.Random,
    *,
    heavy: bool = False,
    every: bool = False,
) -> Params:
    """``workload.params(samples, rng)`` (or ``heavy``), checked against the declaration."""
    fn = workload.heavy if heavy and workload.heavy is not None else workload.params
    with blamed(f"{where(decl)}: {'heavy' if heavy else 'params'}"):
        params = fn(samples, rng)
    return checked(decl, params, every=every)


async def arguments(
    decl: Declaration,
    workload: QueryWorkload,
    conn: Any,
    samples: Any,
    rng: random.Random,
    *,
    every: bool = False,
) -> Params:
    """The arguments of one call: ``await prepare(conn, samples, rng)``'s when the workload has one,
    else ``params``', checked against the declaration."""
    if workload.prepare is None:
        return draw(decl, workload, samples, rng, every=every)
    with blamed(f"{where(decl)}: prepare"):
        params = await workload.prepare(conn, samples, rng)
    return checked(decl, params, every=every)
