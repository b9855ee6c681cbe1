"""A keyset page's cursor (the last row of the previous page) is checked before the query runs: any
other value raises ``ValidationError`` naming the argument, never an ``AttributeError``; a key of the
wrong type is named (a driver error before); and a cursor whose time carries no zone is refused
rather than read as UTC (its page would start hours off)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sqlfirst.agent_hub import agents
from sqlfirst.agent_hub.models import Agent
from sqlfirst.ai_seo import campaigns, clients
from sqlfirst.ai_seo.models import Campaign, Client
from sqlfirst.db import Connection
from sqlfirst.deals import deals, users
from sqlfirst.deals.models import Deal
from sqlfirst.deals.models import User as DealsUser
from sqlfirst.devskyy import products
from sqlfirst.devskyy import users as devskyy_users
from sqlfirst.devskyy.models import Product
from sqlfirst.devskyy.models import User as DevskyyUser
from sqlfirst.easyflow import messages

Page = Callable[[Connection, Any], Awaitable[list[Any]]]

# (name, the page call given a cursor, the argument, the cursor's model, whether it keys on a time)
PAGES: list[tuple[str, Page, str, type[BaseModel], bool]] = [
    ("agent_hub.agents.list_public", lambda c, v: agents.list_public(c, after=v), "after", Agent, True),
    (
        "ai_seo.campaigns.search",
        lambda c, v: campaigns.search(c, status="active", before=v),
        "before",
        Campaign,
        True,
    ),
    ("ai_seo.clients.list_page", lambda c, v: clients.list_page(c, after=v), "after", Client, False),
    ("deals.deals.search", lambda c, v: deals.search(c, category="books", after=v), "after", Deal, False),
    (
        "deals.users.list_by_status",
        lambda c, v: users.list_by_status(c, status="active", after=v),
        "after",
        DealsUser,
        True,
    ),
    (
        "devskyy.products.search_by_category",
        lambda c, v: products.search_by_category(c, category="x", after=v),
        "after",
        Product,
        False,
    ),
    (
        "devskyy.users.list_active",
        lambda c, v: devskyy_users.list_active(c, after=v),
        "after",
        DevskyyUser,
        True,
    ),
]

NOW = datetime.now(UTC)


def _stand_in(model: type[BaseModel], **values: Any) -> BaseModel:
    """An instance of ``model`` holding only the keys a cursor reads (as a caller's own copy might)."""
    keys = {"id": uuid.uuid4(), "created_at": NOW, "price": Decimal(1), "current_price": Decimal(1)}
    keys["company_name"] = "Acme"
    return model.model_construct(**{**keys, **values})


class _Other(BaseModel):
    id: uuid.UUID
    created_at: datetime


@pytest.mark.parametrize(("name", "page", "argument", "model", "timed"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize(
    "bad",
    ["a string", "a dict", "another model", "an id", "a row without keys"],
    ids=lambda b: b.replace(" ", "-"),
)
async def test_a_cursor_that_is_no_row_of_the_page_is_a_validation_error(
    conn: Connection, name: str, page: Page, argument: str, model: type[BaseModel], timed: bool, bad: str
) -> None:
    row = {"id": uuid.uuid4(), "created_at": NOW}
    value = {
        "a string": "2026-01-01",
        "a dict": row,
        "another model": _Other(**row),
        "an id": row["id"],
        "a row without keys": model.model_construct(),  # the page's model, none of its fields set
    }[bad]
    with pytest.raises(ValidationError, match=argument) as caught:
        await page(conn, value)
    assert caught.value.errors()[0]["loc"][0] == argument


@pytest.mark.parametrize(
    ("name", "page", "argument", "model"), [p[:4] for p in PAGES if p[4]], ids=[p[0] for p in PAGES if p[4]]
)
async def test_a_cursor_whose_time_has_no_zone_is_refused(
    conn: Connection, name: str, page: Page, argument: str, model: type[BaseModel]
) -> None:
    naive = _stand_in(model, created_at=NOW.replace(tzinfo=None))
    with pytest.raises(ValidationError, match="created_at") as caught:
        await page(conn, naive)
    assert caught.value.errors()[0]["loc"][0] == argument


# Each page's keys, and a value of the wrong type for each (as a caller's model_construct might hold).
KEYS = {
    Agent: ("created_at", "id"),
    Campaign: ("created_at", "id"),
    Client: ("company_name", "id"),
    Deal: ("current_price", "id"),
    DealsUser: ("created_at", "id"),
    Product: ("price", "id"),
    DevskyyUser: ("created_at", "id"),
}
WRONG = {
    "created_at": "not a time",
    "id": 12345,
    "company_name": None,
    "current_price": "cheap",
    "price": None,
}


@pytest.mark.parametrize(("name", "page", "argument", "model", "timed"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("key", [0, 1], ids=["first-key", "id"])
async def test_a_cursor_whose_key_is_of_the_wrong_type_names_it(
    conn: Connection, name: str, page: Page, argument: str, model: type[BaseModel], timed: bool, key: int
) -> None:
    field = KEYS[model][key]
    with pytest.raises(ValidationError) as caught:
        await page(conn, _stand_in(model, **{field: WRONG[field]}))
    assert caught.value.errors()[0]["loc"] == (argument, field)


@pytest.mark.parametrize(("name", "page", "argument", "model", "timed"), PAGES, ids=[p[0] for p in PAGES])
async def test_a_row_of_the_page_is_a_cursor(
    conn: Connection, name: str, page: Page, argument: str, model: type[BaseModel], timed: bool
) -> None:
    assert isinstance(await page(conn, _stand_in(model)), list)
    assert isinstance(await page(conn, None), list)


@pytest.mark.parametrize(
    ("before", "loc"),
    [
        ("2026-01-01", ("before",)),
        ((NOW,), ("before",)),
        ((NOW, uuid.uuid4(), 1), ("before",)),
        ((NOW.replace(tzinfo=None), uuid.uuid4()), ("before", "created_at")),
        (("soon", uuid.uuid4()), ("before", "created_at")),
        ((NOW, "not an id"), ("before", "id")),
        ((NOW, None), ("before", "id")),
    ],
    ids=["text", "one-key", "three-keys", "naive-time", "text-time", "text-id", "no-id"],
)
async def test_easyflow_history_checks_its_time_and_id_cursor(
    conn: Connection, before: object, loc: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        await messages.history(conn, conversation_id=uuid.uuid4(), before=before)  # type: ignore[arg-type]
    assert caught.value.errors()[0]["loc"] == loc
    assert await messages.history(conn, conversation_id=uuid.uuid4(), before=(NOW, uuid.uuid4())) == []
