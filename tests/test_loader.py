"""Batched keyed lookups: get_users_by_ids in one round trip, and the Loader that coalesces loads."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from sqlfirst.agent_hub import users
from sqlfirst.agent_hub.models import User
from sqlfirst.db import Connection
from sqlfirst.errors import InvalidInput
from sqlfirst.loader import Loader
from tests.agent_hub.factories import make_user


async def test_get_by_ids_answers_in_the_order_asked_with_none_for_unknown(conn: Connection) -> None:
    a, b, c = [await make_user(conn) for _ in range(3)]
    unknown = uuid.uuid4()
    got = await users.get_by_ids(conn, ids=[c.id, unknown, a.id, c.id, b.id])
    assert got == [c, None, a, c, b]
    assert await users.get_by_ids(conn, ids=[]) == []


async def test_concurrent_loads_become_one_batch_in_input_order(conn: Connection) -> None:
    made = [await make_user(conn) for _ in range(4)]
    calls: list[list[uuid.UUID]] = []

    async def batch(ids: list[uuid.UUID]) -> list[User | None]:
        calls.append(ids)
        return await users.get_by_ids(conn, ids=ids)

    loader: Loader[uuid.UUID, User] = Loader(batch)
    keys = [u.id for u in made] * 10 + [uuid.uuid4() for _ in range(10)]  # 50 loads, 14 distinct keys
    got = await asyncio.gather(*(loader.load(k) for k in keys))
    assert len(calls) == 1 and len(calls[0]) == 14
    assert got[:40] == made * 10 and got[40:] == [None] * 10
    # single lookups agree with the batch
    assert [await users.get_by_id(conn, id=k) for k in keys[:4]] == got[:4]


async def test_max_batch_splits_and_batches_run_one_at_a_time_on_one_connection(conn: Connection) -> None:
    made = [await make_user(conn) for _ in range(5)]
    sizes: list[int] = []

    async def batch(ids: list[uuid.UUID]) -> list[User | None]:
        sizes.append(len(ids))
        return await users.get_by_ids(conn, ids=ids)  # one held connection: overlap would fail

    loader: Loader[uuid.UUID, User] = Loader(batch, max_batch=2)
    assert await loader.load_many([u.id for u in made]) == made
    assert sorted(sizes) == [1, 2, 2]


async def test_a_failing_batch_fails_every_caller(conn: Connection) -> None:
    async def batch(ids: list[int]) -> list[str | None]:
        raise InvalidInput("bad keys")

    loader: Loader[int, str] = Loader(batch)
    results = await asyncio.gather(loader.load(1), loader.load(2), return_exceptions=True)
    assert all(isinstance(r, InvalidInput) for r in results)


async def test_a_batch_function_that_loses_results_is_an_error() -> None:
    async def batch(ids: list[int]) -> list[str | None]:
        return ["only one"]

    loader: Loader[int, str] = Loader(batch)
    with pytest.raises(ValueError, match="1 results for 2 keys"):
        await asyncio.gather(loader.load(1), loader.load(2))
