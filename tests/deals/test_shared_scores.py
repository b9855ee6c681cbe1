"""A shared deal's scores are as public as the deal, read from the score's own ``deal_shared``
(migrations 0186-0188: Citus refuses the subquery the policy used to hold).

The flag is the database's to keep: set from the deal on every write of a score (whatever the
writer gives), passed on when a deal's source changes, and right when a score is written while
another transaction changes its deal. Users act through ``sqlfirst_app`` (row-level security); the
deal's source is changed by the owner's connection, as nothing in sqlfirst changes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

import pytest

import sqlfirst
from sqlfirst.db import Connection, Database, connect_one
from sqlfirst.deals import deal_scores, markets, users
from sqlfirst.deals.models import Deal, User
from sqlfirst.errors import PermissionDenied
from sqlfirst.settings import Settings

from .factories import make_deal, make_goal


@dataclass
class Pair:
    db: Database
    url: str
    alice: User
    bob: User
    shared: Deal  # alice's, found on a market
    private: Deal  # alice's, entered by hand


@pytest.fixture
async def pair(db_url: str) -> AsyncIterator[Pair]:
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=3))
    try:
        async with db.transaction() as conn:
            alice = await users.create(conn, email="alice@example.com", password="correct horse battery")
            bob = await users.create(conn, email="bob@example.com", password="correct horse battery")
        async with db.transaction(as_user=alice.id) as conn:
            goal = await make_goal(conn, alice)
            market = await markets.create(conn, name="Amazon", type="amazon", base_url="https://a.example")
            shared = await make_deal(conn, goal, market, title="found", source="amazon")
            private = await make_deal(conn, goal, market, title="by hand", source="manual")
        yield Pair(db, db_url, alice, bob, shared, private)
    finally:
        await db.close()


async def _score(db: Database, user: User, deal_id: UUID) -> UUID:
    async with db.transaction(as_user=user.id) as conn:
        score = await deal_scores.create(conn, deal_id=deal_id, score_type="risk", value=10, confidence=90)
    return score.id


async def _visible_to(db: Database, user: User, deal_id: UUID) -> int:
    async with db.transaction(as_user=user.id) as conn:
        return len(await deal_scores.list_for_deal(conn, deal_id=deal_id))


async def _flags(url: str, deal_id: UUID) -> list[bool]:
    owner = await connect_one(url)
    try:
        return [
            r["deal_shared"]
            for r in await owner.fetch(
                "select deal_shared from deals.deal_scores where deal_id = $1", deal_id
            )
        ]
    finally:
        await owner.close()


async def _set_source(conn: Connection, deal_id: UUID, source: str) -> None:
    await conn.execute("update deals.deals set source = $2 where id = $1", deal_id, source)


async def test_a_shared_deal_s_scores_are_everyone_s_and_a_private_deal_s_its_user_s(pair: Pair) -> None:
    await _score(pair.db, pair.alice, pair.shared.id)
    await _score(pair.db, pair.alice, pair.private.id)
    assert await _visible_to(pair.db, pair.bob, pair.shared.id) == 1
    assert await _visible_to(pair.db, pair.bob, pair.private.id) == 0
    assert await _visible_to(pair.db, pair.alice, pair.private.id) == 1
    assert await _flags(pair.url, pair.shared.id) == [True]
    assert await _flags(pair.url, pair.private.id) == [False]


async def test_a_writer_cannot_make_a_private_deal_s_score_public(pair: Pair) -> None:
    score_id = await _score(pair.db, pair.alice, pair.private.id)
    for statement, args in (
        ("update deals.deal_scores set deal_shared = true where id = $1", (score_id,)),
        (
            "insert into deals.deal_scores (deal_id, score_type, value, confidence, deal_shared)"
            " values ($1, 'profit_potential', 50, 50, true)",
            (pair.private.id,),
        ),
    ):
        with pytest.raises(PermissionDenied):  # the app role may not write the column
            async with pair.db.transaction(as_user=pair.alice.id) as conn:
                await conn.execute(statement, *args)
    owner = await connect_one(pair.url)  # a role that may write it is overridden
    try:
        await owner.execute("update deals.deal_scores set deal_shared = true where id = $1", score_id)
        await owner.execute(
            "insert into deals.deal_scores (user_id, deal_id, score_type, value, confidence, deal_shared)"
            " values ($1, $2, 'profit_potential', 50, 50, true)",
            pair.alice.id,
            pair.private.id,
        )
    finally:
        await owner.close()
    assert await _flags(pair.url, pair.private.id) == [False, False]
    assert await _visible_to(pair.db, pair.bob, pair.private.id) == 0


async def test_a_deal_whose_source_changes_takes_its_scores_with_it(pair: Pair) -> None:
    await _score(pair.db, pair.alice, pair.private.id)
    owner = await connect_one(pair.url)
    try:
        await _set_source(owner, pair.private.id, "amazon")
        assert await _visible_to(pair.db, pair.bob, pair.private.id) == 1
        await _set_source(owner, pair.private.id, "user")
        assert await _visible_to(pair.db, pair.bob, pair.private.id) == 0
    finally:
        await owner.close()


@pytest.mark.parametrize("source", ["amazon", "manual"])
async def test_a_score_written_while_its_deal_s_source_changes_reads_what_committed(
    pair: Pair, source: str
) -> None:
    """The source change holds the deal's row; the score's write waits for it (FOR SHARE) and then
    reads the committed source, so the score never keeps the flag of a source that is gone."""
    deal = pair.private if source == "amazon" else pair.shared
    owner = await connect_one(pair.url)
    try:
        changing = owner.transaction()
        await changing.start()
        await _set_source(owner, deal.id, source)
        writing = asyncio.create_task(_score(pair.db, pair.alice, deal.id))
        await asyncio.sleep(0.3)
        assert not writing.done()  # waiting for the deal's row
        await changing.commit()
        await asyncio.wait_for(writing, timeout=10)
    finally:
        await owner.close()
    assert await _flags(pair.url, deal.id) == [source == "amazon"]
    assert await _visible_to(pair.db, pair.bob, deal.id) == (1 if source == "amazon" else 0)


async def test_a_source_change_after_a_score_s_uncommitted_write_reaches_that_score(pair: Pair) -> None:
    """The other order: the score's transaction holds the deal's row until it commits; the source
    change waits, then its update finds the committed score."""
    async with pair.db.transaction(as_user=pair.alice.id) as conn:
        await deal_scores.create(conn, deal_id=pair.private.id, score_type="risk", value=1, confidence=1)
        owner = await connect_one(pair.url)
        try:
            changing = asyncio.create_task(_set_source(owner, pair.private.id, "amazon"))
            await asyncio.sleep(0.3)
            assert not changing.done()  # waiting for the score's transaction
        except BaseException:
            await owner.close()
            raise
    try:
        await asyncio.wait_for(changing, timeout=10)
    finally:
        await owner.close()
    assert await _flags(pair.url, pair.private.id) == [True]
    assert await _visible_to(pair.db, pair.bob, pair.private.id) == 1
