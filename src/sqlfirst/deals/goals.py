"""Goals: what a user wants to buy and on which terms; agents match deals against active goals."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.arguments import member
from sqlfirst.batches import MAINTENANCE_BATCH, drain_before
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import (
    Goal,
    GoalCreate,
    GoalPriority,
    GoalStatus,
    JsonObject,
    MarketCategory,
    Percent,
    Price,
    page_size,
)

__all__ = [
    "cancel",
    "claim_due",
    "complete",
    "create",
    "delete",
    "edit",
    "expire_stale",
    "find_matching",
    "get",
    "list_by_user",
    "pause",
    "resume",
    "touch_checked",
    "transition",
]

_statuses: TypeAdapter[list[GoalStatus]] = TypeAdapter(list[GoalStatus])

_sql = SqlFile("deals", "goals")
_price: TypeAdapter[Decimal] = TypeAdapter(Price)
_percent: TypeAdapter[Decimal] = TypeAdapter(Percent)


@_sql.query("insert_goal", validate=GoalCreate)
async def create(
    conn: Executor,
    *,
    user_id: UUID,
    title: str,
    category: MarketCategory | str,
    description: str | None = None,
    constraints: JsonObject | None = None,
    priority: GoalPriority | str = GoalPriority.MEDIUM,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    max_budget: Decimal | int | str | None = None,
    min_discount_percent: Decimal | int | str | None = None,
    target_price: Decimal | int | str | None = None,
    notification_threshold: Decimal | int | str | None = None,
    auto_buy_threshold: Decimal | int | str | None = None,
    max_matches: int | None = None,
    max_tokens: Decimal | int | str | None = None,
    meta_data: JsonObject | None = None,
) -> Goal:
    """Create an active goal; the user's ``active_goals_count`` grows with it.

    ``ValidationError`` on bad input (negative budget, percent outside 0-100, unknown category, end
    before start); ``ReferenceViolation`` for an unknown user.
    """


@_sql.query("get_goal_by_id")
async def get(conn: Executor, *, id: UUID) -> Goal | None:
    """The goal with this id, or None."""


@_sql.query("list_goals_by_user")
async def _list_by_user(conn: Executor, *, user_id: UUID, lim: int) -> list[Goal]: ...


@_sql.query("list_goals_by_user_status")
async def _list_by_user_status(
    conn: Executor, *, user_id: UUID, status: GoalStatus, lim: int
) -> list[Goal]: ...


async def list_by_user(
    conn: Executor, *, user_id: UUID, status: GoalStatus | str | None = None, limit: int = 100
) -> list[Goal]:
    """A user's goals (in one status when given), newest first."""
    if status is None:
        return await _list_by_user(conn, user_id=user_id, lim=page_size(limit))
    return await _list_by_user_status(
        conn,
        user_id=user_id,
        status=member("list_by_user", "status", status, GoalStatus),
        lim=page_size(limit),
    )


@_sql.query("transition_goal_status")
async def _transition(
    conn: Executor, *, id: UUID, from_statuses: list[GoalStatus], to_status: GoalStatus
) -> Goal | None: ...


async def transition(
    conn: Executor, *, id: UUID, from_statuses: Collection[GoalStatus], to_status: GoalStatus
) -> Goal | None:
    """Move the goal to ``to_status`` if it is in one of ``from_statuses``; None otherwise (or absent)."""
    return await _transition(
        conn,
        id=id,
        from_statuses=arguments.listed("transition", "from_statuses", from_statuses, _statuses),
        to_status=arguments.member("transition", "to_status", to_status, GoalStatus),
    )


async def pause(conn: Executor, *, id: UUID) -> Goal | None:
    """Pause an active goal; None when it is not active."""
    return await transition(conn, id=id, from_statuses=[GoalStatus.ACTIVE], to_status=GoalStatus.PAUSED)


async def resume(conn: Executor, *, id: UUID) -> Goal | None:
    """Resume a paused goal; None when it is not paused."""
    return await transition(conn, id=id, from_statuses=[GoalStatus.PAUSED], to_status=GoalStatus.ACTIVE)


async def complete(conn: Executor, *, id: UUID) -> Goal | None:
    """Complete an active or paused goal; None otherwise."""
    return await transition(
        conn, id=id, from_statuses=[GoalStatus.ACTIVE, GoalStatus.PAUSED], to_status=GoalStatus.COMPLETED
    )


async def cancel(conn: Executor, *, id: UUID) -> Goal | None:
    """Cancel an active or paused goal; None otherwise."""
    return await transition(
        conn, id=id, from_statuses=[GoalStatus.ACTIVE, GoalStatus.PAUSED], to_status=GoalStatus.CANCELLED
    )


@_sql.query("find_goals_matching_deal")
async def _find_matching(
    conn: Executor, *, category: MarketCategory, price: Decimal, discount_percent: Decimal | None, lim: int
) -> list[Goal]: ...


async def find_matching(
    conn: Executor,
    *,
    category: MarketCategory | str,
    price: Decimal | int | str,
    discount_percent: Decimal | int | str | None = None,
    limit: int = 1000,
) -> list[Goal]:
    """The active, unexpired goals a deal satisfies, highest priority first.

    Goals that already have ``max_matches`` deals are left out (the database also refuses a deal
    past the limit: :class:`~sqlfirst.deals.errors.GoalMatchLimitReached`).

    A goal matches when its category is the deal's, its ``max_budget`` (if any) is at least the price,
    its ``min_discount_percent`` (if any) is at most the deal's discount (a deal of unknown discount
    fails it), and its ``target_price`` (if any) is at least the price.
    """
    checked_discount = None if discount_percent is None else _percent.validate_python(discount_percent)
    return await _find_matching(
        conn,
        category=member("find_matching", "category", category, MarketCategory),
        price=_price.validate_python(price),
        discount_percent=checked_discount,
        lim=page_size(limit),
    )


@_sql.query("touch_goal_checked")
async def touch_checked(conn: Executor, *, id: UUID) -> int:
    """Stamp ``last_checked_at`` (when the agents last searched for the goal); 1, or 0 when absent."""


@_sql.query("delete_goal")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the goal with its deals and tasks; 1, or 0 when absent.

    Chat messages, notifications and token transactions that pointed at the goal stay, with
    ``goal_id`` None. The goal is locked first: a message or transaction written for it meanwhile
    waits, then is refused (:class:`~sqlfirst.errors.ReferenceViolation`) once the goal is gone. Under
    REPEATABLE READ or SERIALIZABLE, a reference committed after the transaction's snapshot makes the
    delete a :class:`~sqlfirst.errors.SerializationFailure` (``run_in_transaction`` runs it again). A
    raw ``delete from deals.goals`` of a goal they still point at is refused by their foreign keys
    (issue 16: Citus cannot null a key that holds the distribution column)."""


@_sql.query("expire_stale_goals")
async def _expire_stale(conn: Executor, *, as_of: datetime, lim: int) -> int: ...


async def expire_stale(
    conn: Executor, *, as_of: datetime | None = None, batch: int = MAINTENANCE_BATCH
) -> int:
    """Mark open (active or paused) goals whose ``end_date`` has passed (at ``as_of``, default now)
    ``expired``; how many. Expired goals count as not succeeded in the owner's ``success_rate``.

    Works in batches of ``batch`` goals, the oldest end date first (:mod:`sqlfirst.batches`): outside
    a transaction each batch commits on its own, two runs at once share the goals between them (each
    batch locks its goals' owners in id order first, so two runs cannot deadlock on the owners'
    counters), and a goal another transaction holds is left for the next run.
    """
    return await drain_before(
        "expire_stale", "as_of", as_of, lambda at, lim: _expire_stale(conn, as_of=at, lim=lim), batch
    )


@_sql.query("claim_due_goals")
async def _claim_due(conn: Executor, *, checked_before: datetime, lim: int) -> list[Goal]: ...


async def claim_due(
    conn: Executor, *, interval: timedelta = timedelta(hours=1), limit: int = 10
) -> list[Goal]:
    """Claim up to ``limit`` active goals due for a check: never checked, or last checked more than
    ``interval`` ago; never-checked first, then the oldest, and returned in that order. Their
    ``last_checked_at`` becomes now.

    Rows are taken ``FOR UPDATE SKIP LOCKED``: two agents claiming at once never get the same goal,
    and a goal stays claimed (locked) until the claimer's transaction ends.
    """
    return await _claim_due(
        conn,
        checked_before=datetime.now(UTC) - arguments.duration("claim_due", "interval", interval),
        lim=page_size(limit),
    )


@_sql.query("lock_goal")
async def _lock(conn: Executor, *, id: UUID) -> Goal | None: ...


@_sql.query("update_goal")
async def _update(
    conn: Executor,
    *,
    id: UUID,
    title: str,
    description: str | None,
    constraints: JsonObject,
    priority: GoalPriority,
    end_date: datetime | None,
    max_budget: Decimal | None,
    min_discount_percent: Decimal | None,
    target_price: Decimal | None,
    notification_threshold: Decimal | None,
    auto_buy_threshold: Decimal | None,
    max_matches: int | None,
    max_tokens: Decimal | None,
    meta_data: JsonObject,
) -> Goal | None: ...


_EDITABLE = (
    "title", "description", "constraints", "priority", "end_date", "max_budget", "min_discount_percent",
    "target_price", "notification_threshold", "auto_buy_threshold", "max_matches", "max_tokens", "meta_data",
)  # fmt: skip


async def edit(conn: Executor, *, id: UUID, **changes: object) -> Goal | None:
    """Change some of a goal's terms (``title``, ``description``, ``constraints``, ``priority``,
    ``end_date``, ``max_budget``, ``min_discount_percent``, ``target_price``, ``notification_threshold``,
    ``auto_buy_threshold``, ``max_matches``, ``max_tokens``, ``meta_data``); the others stay. None when
    there is no such goal.

    The goal row is locked while it is read and written back, so two concurrent edits of different
    terms both land. The merged goal is validated as :func:`create` validates (``ValidationError``);
    an unknown term is a ``TypeError``. Lowering ``max_matches`` or ``max_tokens`` below what the goal
    already has is allowed: it stops further matches or spending.
    """
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise TypeError(f"goals.edit() got terms it cannot change: {', '.join(sorted(unknown))}")
    current = await _lock(conn, id=id)
    if current is None:
        return None
    merged = GoalCreate.model_validate(
        {**current.model_dump(include={"user_id", "category", "start_date", *_EDITABLE}), **changes}
    )
    return await _update(conn, id=id, **merged.model_dump(include=set(_EDITABLE)))
