"""Who makes a query's measured calls: the application role under row-level security, acting for
the user who owns each draw, or the worker role for queue and maintenance queries.

A domain whose ``DomainBench.app_role`` is set has its per-query measurements (plans and timings)
taken on a connection of that role (``Settings(role=...)``: ``SET ROLE`` at connect), so every policy
runs as it would for the application. Before each call, outside the timed region, the session's
acting user is set to the owner of the drawn row (``set_config('sqlfirst.user_id', ...)``, what
``transaction(as_user=...)`` does once per transaction). The owner of a draw is, in this order:

1. ``QueryWorkload.acting(conn, params)`` when the workload declares it;
2. else the first owner found from the ``user_id`` argument (when the query takes one and it is not
   None) and then the arguments named in ``DomainBench.owners`` (``"<entity>.<parameter>"`` before
   ``"<parameter>"``) in the query's order: SQL of one parameter ``$1`` returning the user who owns
   the row the argument names;
3. else nobody: tenant rows are invisible, which is right for the tables without row-level security.

A workload with ``role="worker"`` runs on ``DomainBench.worker_role`` (it bypasses row-level security,
as queue workers and maintenance jobs do in the product).

Honesty check (a workload error otherwise): on every plan-check draw, the call made as the role,
acting for the resolved owner, returns what the same call returns for the bench's login (a superuser:
no policy applies), each in a transaction rolled back afterwards: an equal result, or, when the
result differs between two runs of the login itself (fresh ids, now()), as many rows. So no query is
timed on rows the policies hid from it, and no write on rows it could not change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from sqlfirst.binding import Declaration

from .registry import DomainBench, Params, QueryWorkload

__all__ = ["APP_ROLE", "WORKER_ROLE", "Caller", "owner_of", "roles"]

APP_ROLE = "sqlfirst_app"
"""The role built-in domains are measured as, under row-level security (sqlfirst.roles)."""
WORKER_ROLE = "sqlfirst_worker"
"""The role built-in domains measure their ``role="worker"`` workloads as (sqlfirst.roles)."""

ACT = "select set_config('sqlfirst.user_id', $1::text, false)"
"""Session-level, so it holds across the calls of a held connection until the next one changes it."""

_UNSET = object()

Owner = Callable[[Params], Awaitable[object]]
Call = Callable[[Any, Params], Awaitable[object]]


def owner_of(
    decl: Declaration, workload: QueryWorkload, owners: Mapping[str, str], conn: Any
) -> tuple[Owner, str]:
    """How to find the user a draw of ``decl`` acts for, and a description of it for error messages."""
    if workload.acting is not None:
        acting = workload.acting

        async def declared(params: Params) -> object:
            return await acting(conn, params)

        return declared, "QueryWorkload.acting"
    parameters = decl.query.parameters
    lookups: list[Owner] = []
    names = []
    if "user_id" in parameters:
        lookups.append(_argument)
        names.append("user_id")
    for name in parameters:
        sql = owners.get(f"{decl.entity}.{name}") or owners.get(name)
        if sql is not None:
            lookups.append(_lookup(conn, name, sql))
            names.append(name)
    if lookups:

        async def first(params: Params) -> object:
            for lookup in lookups:
                if (user := await lookup(params)) is not None:
                    return user
            return None

        return first, f"the owner named by its {', '.join(names)} argument (user_id, DomainBench.owners)"
    return _nobody, "nobody (no user_id argument, no DomainBench.owners entry for its arguments)"


async def _nobody(params: Params) -> object:
    return None


async def _argument(params: Params) -> object:
    return params.get("user_id")


def _lookup(conn: Any, name: str, sql: str) -> Owner:
    """The owner of the row the argument ``name`` names, by ``sql`` on ``conn``; remembered per value."""
    seen: dict[object, object] = {}

    async def owner(params: Params) -> object:
        value = params.get(name)
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            seen[value] = found = await conn.fetchval(sql, value)
            return found
        except TypeError:  # unhashable (a list of ids): not remembered
            return await conn.fetchval(sql, value)

    return owner


@dataclass
class Caller:
    """The connection a query's calls are made on, and whom they act for."""

    conn: Any
    role: str
    owner: Owner | None = None
    """None: the role bypasses row-level security (the worker), nobody acts."""
    how: str = ""
    _current: object = field(default=_UNSET)

    async def act(self, params: Params) -> None:
        """Make the session act for the owner of ``params`` (a round trip only when it changes)."""
        if self.owner is None:
            return
        user = await self.owner(params)
        value = "" if user is None else str(user)
        if value != self._current:
            await self.conn.execute(ACT, value)
            self._current = value

    async def differences(
        self, decl: Declaration, call: Call, owner_conn: Any, draws: Sequence[Params]
    ) -> str | None:
        """None when every draw returns the same for this role as for ``owner_conn`` (see the module
        docstring); else what differed, for the workload's error."""
        if self.owner is None:
            return None
        differed = []
        for params in draws:
            plain = await _outcome(owner_conn, call, params, None)
            self._current = _UNSET  # the rolled-back transaction took the session setting with it
            user = await self.owner(params)
            secured = await _outcome(self.conn, call, params, "" if user is None else str(user))
            self._current = _UNSET
            if plain != secured:
                # A result holding fresh ids or now() differs between any two runs: then only how
                # many rows it returned or changed must agree.
                again = await _outcome(owner_conn, call, params, None)
                if again == plain or _shape(plain) != _shape(secured):
                    differed.append((user, plain, secured))
        if not differed:
            return None
        user, plain, secured = differed[0]
        return (
            f"as {self.role} acting for {user or 'nobody'} ({self.how}), {len(differed)} of {len(draws)}"
            f" draws returned {_describe(secured)} where the bench's login got {_describe(plain)}: the"
            " acting user does not own the drawn rows. Declare who does (QueryWorkload.acting, or"
            " DomainBench.owners for one of its arguments), or role='worker' for a query that works"
            " across tenants"
        )


async def _outcome(conn: Any, call: Call, params: Params, user: str | None) -> object:
    transaction = conn.transaction()
    await transaction.start()
    try:
        if user is not None:
            await conn.execute(ACT, user)
        return await call(conn, params)
    except Exception as exc:  # an error is an outcome to compare, e.g. a policy's WITH CHECK
        return _Failed(type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
    finally:
        await transaction.rollback()


@dataclass(frozen=True)
class _Failed:
    error: str
    message: str


def _shape(result: object) -> object:
    """What a write's result says of the rows it changed: how many (its returned values may hold
    defaults such as now() and fresh ids, which differ between two runs)."""
    if isinstance(result, _Failed):
        return result
    if isinstance(result, list):
        return len(result)
    if result is None:
        return 0
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 1


def _describe(result: object) -> str:
    if isinstance(result, _Failed):
        return f"{result.error} ({result.message})" if result.message else result.error
    if isinstance(result, list):
        return f"{len(result)} row(s)"
    if result is None:
        return "nothing"
    return "a row" if isinstance(result, BaseModel) else repr(result)[:60]


def roles(bench: DomainBench) -> set[str]:
    """The roles a domain's per-query measurements connect as."""
    needed = {bench.app_role} if bench.app_role is not None else set()
    if bench.worker_role is not None and any(w.role == "worker" for w in bench.queries):
        needed.add(bench.worker_role)
    return needed
