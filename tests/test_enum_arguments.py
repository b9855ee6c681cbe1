"""An argument that must be one of an enum's values (a status, a category, a type) is checked before
the query: any other value raises ``ValidationError`` naming the argument and the values it takes,
never the bare ``ValueError`` the enum's own constructor raises."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.deals import (
    deal_activities,
    deal_scores,
    deals,
    goals,
    market_data,
    notifications,
    price_tracking,
    tokens,
    users,
)
from sqlfirst.easyflow import conversations, sync_logs
from sqlfirst.errors import SqlfirstError

# (the function, the argument, the other arguments of a call)
CALLS: list[tuple[Callable[..., Awaitable[object]], str, dict[str, Any]]] = [
    (deal_activities.list_by_user, "activity_type", {"user_id": uuid4()}),
    (deal_activities.list_by_agent, "activity_type", {"agent_id": uuid4()}),
    (deal_scores.list_by_type, "score_type", {"deal_id": uuid4()}),
    (deals.search, "category", {}),
    (deals.search, "status", {"category": "books"}),
    (deals.list_for_goal, "status", {"goal_id": uuid4()}),
    (deals.list_by_market, "status", {"market_id": uuid4()}),
    (goals.list_by_user, "status", {"user_id": uuid4()}),
    (goals.find_matching, "category", {"price": Decimal(10)}),
    (market_data.list_by_type, "market_type", {}),
    (notifications.list_history, "type", {"user_id": uuid4()}),
    (notifications.list_history, "priority", {"user_id": uuid4()}),
    (price_tracking.record, "source", {"deal_id": uuid4(), "price": Decimal(1)}),
    (tokens.begin, "type", {"user_id": uuid4(), "amount": Decimal(1)}),
    (users.list_by_status, "status", {}),
    (conversations.set_status, "status", {"id": uuid4()}),
    (sync_logs.claim_due, "sync_type", {}),
]


@pytest.mark.parametrize(
    ("function", "argument", "others"),
    CALLS,
    ids=[f"{c[0].__module__}.{c[0].__name__}-{c[1]}" for c in CALLS],
)
@pytest.mark.parametrize("bad", ["no such value", "", 3, ["active"]], ids=["unknown", "empty", "int", "list"])
async def test_a_value_the_enum_does_not_hold_is_a_validation_error_naming_the_argument(
    conn: Connection,
    function: Callable[..., Awaitable[object]],
    argument: str,
    others: dict[str, Any],
    bad: object,
) -> None:
    with pytest.raises(ValidationError) as caught:
        await function(conn, **others, **{argument: bad})
    (error,) = caught.value.errors()
    assert error["loc"] == (argument,)
    assert caught.value.title == function.__name__


def _bound() -> list[tuple[str, Callable[..., Awaitable[object]], str, bool]]:
    """Every bound query with an enum parameter: (its name, the function, the parameter, optional)."""
    import importlib

    import sqlfirst.agent_hub
    import sqlfirst.ai_seo
    import sqlfirst.deals
    import sqlfirst.devskyy
    import sqlfirst.easyflow  # noqa: F401
    from sqlfirst.binding import DECLARATIONS
    from sqlfirst.calls import _enum_of

    found = []
    for decl in DECLARATIONS.values():
        module, _, name = decl.function.rpartition(".")
        fn = getattr(importlib.import_module(module), name)
        for parameter in decl.query.parameters:
            enum_type, optional = _enum_of(decl.parameter_types.get(parameter))
            if enum_type is not None:
                found.append((decl.function, fn, parameter, optional))
    return sorted(found, key=lambda c: (c[0], c[2]))


BOUND = _bound()


def test_bound_queries_with_enum_parameters_exist() -> None:
    assert len(BOUND) >= 20, BOUND  # deals alone has set_status on five tables


@pytest.mark.parametrize(
    ("function", "fn", "argument", "optional"), BOUND, ids=[f"{c[0]}-{c[2]}" for c in BOUND]
)
async def test_a_bound_query_refuses_a_value_its_enum_does_not_hold_before_the_database(
    conn: Connection, function: str, fn: Callable[..., Awaitable[object]], argument: str, optional: bool
) -> None:
    # The server would refuse it too, after a round trip, as InvalidInput naming no argument.
    from sqlfirst.calls import _enum_of

    decl = fn.__sqlfirst__  # type: ignore[attr-defined]
    others: dict[str, Any] = {}
    for parameter in decl.query.parameters:  # the other enums hold a member, the rest None
        enum_type = _enum_of(decl.parameter_types.get(parameter))[0]
        others[parameter] = next(iter(enum_type)) if enum_type is not None else None
    del others[argument]
    with pytest.raises(ValidationError) as caught:
        # No connection at all: the value is refused before anything would use it.
        await fn(object(), **others, **{argument: "no such value"})
    assert (argument,) in [error["loc"] for error in caught.value.errors()]
    if decl.validate is None:
        assert caught.value.title == function.rpartition(".")[2]
    if optional:  # None passes the check (what else the call makes of the others is not this test's)
        refused: list[object] = []
        try:
            await fn(conn, **others, **{argument: None})
        except SqlfirstError:
            pass
        except ValidationError as exc:
            refused = [error["loc"] for error in exc.errors()]
        assert (argument,) not in refused
