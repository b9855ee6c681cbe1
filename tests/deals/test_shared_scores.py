"""A shared deal's scores are as public as the deal, read from the score's own ``deal_shared``
(migrations 0186-0188: Citus refuses the subquery the policy used to hold).

The flag is the database's to keep: set from the deal on every write of a score, whatever the
writer gives, and it cannot go stale because a deal's source no longer changes. Users act through
``sqlfirst_app`` (row-level security); the owner's connection stands for any role that may write
the column or the source directly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

import asyncpg
import pytest

import sqlfirst
from sqlfirst.db import Connection, Database, connect_one
from sqlfirst.deals import deal_scores, markets, users
from sqlfirst.deals.models import Deal, User
from sqlfirst.errors import CheckViolation
from sqlfirst.settings import Settings

from ..migration_helpers import migrated_to_just_before
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
    forged = (
        ("update deals.deal_scores set deal_shared = true where id = $1", (score_id,)),
        (
            "insert into deals.deal_scores (deal_id, score_type, value, confidence, deal_shared)"
            " values ($1, 'profit_potential', 50, 50, true)",
            (pair.private.id,),
        ),
    )
    for statement, args in forged:  # the app role names the column: the trigger decides
        async with pair.db.transaction(as_user=pair.alice.id) as conn:
            await conn.execute(statement, *args)
    owner = await connect_one(pair.url)  # and so for a role that bypasses row-level security
    try:
        await owner.execute("update deals.deal_scores set deal_shared = true where id = $1", score_id)
        await owner.execute(
            "insert into deals.deal_scores (user_id, deal_id, score_type, value, confidence, deal_shared)"
            " values ($1, $2, 'market_sentiment', 50, 50, true)",
            pair.alice.id,
            pair.private.id,
        )
    finally:
        await owner.close()
    assert await _flags(pair.url, pair.private.id) == [False, False, False]
    assert await _visible_to(pair.db, pair.bob, pair.private.id) == 0


@pytest.mark.parametrize("source", ["user", "amazon"])
async def test_a_deal_s_source_does_not_change(pair: Pair, source: str) -> None:
    await _score(pair.db, pair.alice, pair.private.id)
    deal = pair.private if source == "amazon" else pair.shared
    with pytest.raises(CheckViolation) as refused:
        async with pair.db.transaction(as_user=pair.alice.id) as conn:
            await _set_source(conn, deal.id, source)
    assert refused.value.constraint == "ck_deals_source_unchanged"
    owner = await connect_one(pair.url)
    try:
        with pytest.raises(asyncpg.CheckViolationError):  # not even the owner: the flags copy it
            await _set_source(owner, deal.id, source)
        await _set_source(owner, deal.id, deal.source)  # the same source again passes
    finally:
        await owner.close()
    assert await _visible_to(pair.db, pair.bob, pair.private.id) == 0


async def test_the_scores_written_before_0186_learn_whether_their_deal_is_shared(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0187_deals_deal_scores_shared_fill")
    conn = await connect_one(empty_db_url)
    try:
        async with conn.transaction():
            user = await users.create(conn, email="old@example.com", password="correct horse battery")
            await conn.execute("select set_config('sqlfirst.user_id', $1, true)", str(user.id))
            goal = await make_goal(conn, user)
            market = await markets.create(conn, name="Amazon", type="amazon", base_url="https://a.example")
            shared = await make_deal(conn, goal, market, title="found", source="amazon")
            private = await make_deal(conn, goal, market, title="by hand", source="manual")
        await conn.execute("set session_replication_role = replica")  # rows as 0185 wrote them: no triggers
        for deal in (shared, private):
            await conn.execute(
                "insert into deals.deal_scores (user_id, deal_id, score_type, value, confidence)"
                " values ($1, $2, 'risk', 1, 1)",
                user.id,
                deal.id,
            )
        await conn.execute("set session_replication_role = origin")
        assert await _flags(empty_db_url, shared.id) == [False]
        migrator.up()
        assert await _flags(empty_db_url, shared.id) == [True]
        assert await _flags(empty_db_url, private.id) == [False]
    finally:
        await conn.close()
