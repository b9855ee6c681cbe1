"""deals' maintenance statements work in bounded batches (sqlfirst.batches): expiring deals and goals,
deleting expired auth tokens. Each statement takes at most a batch of rows in index order, skipping
rows another writer holds, and the call repeats it until a batch comes back short."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.bench.plans import explain_analyze, plan_nodes
from sqlfirst.db import Connection, connect_one
from sqlfirst.deals import auth_tokens, deals, goals
from sqlfirst.deals.models import DealStatus

from .factories import make_deal, make_goal, make_market, make_user

NOW = datetime.now(UTC)
PAST = NOW - timedelta(days=3)


async def _stale_deals(conn: Connection | asyncpg.Connection[asyncpg.Record], n: int) -> list[Any]:
    goal, market = await make_goal(conn), await make_market(conn)
    return [
        (await make_deal(conn, goal, market, found_at=PAST, expires_at=PAST + timedelta(minutes=k + 1))).id
        for k in range(n)
    ]


async def test_every_stale_deal_is_expired_across_batches_and_nothing_else(conn: Connection) -> None:
    stale = await _stale_deals(conn, 7)
    goal = await make_goal(conn)
    fresh = await make_deal(conn, goal, expires_at=NOW + timedelta(days=1))
    sold = await make_deal(conn, goal, found_at=PAST, expires_at=PAST + timedelta(hours=1), status="sold_out")
    assert await deals.expire_stale(conn, batch=3) == 7  # batches of 3, 3 and 1
    statuses = {
        r["id"]: r["status"]
        for r in await conn.fetch(
            "select id, status::text from deals.deals where id = any($1)", [*stale, fresh.id, sold.id]
        )
    }
    assert statuses == {**dict.fromkeys(stale, "expired"), fresh.id: "active", sold.id: "sold_out"}
    assert await deals.expire_stale(conn, batch=3) == 0


async def test_stale_goals_and_expired_tokens_go_across_batches(conn: Connection) -> None:
    user = await make_user(conn)
    start = PAST - timedelta(days=10)
    for k in range(5):
        await make_goal(conn, user, title=f"old {k}", start_date=start, end_date=PAST + timedelta(minutes=k))
    paused = await make_goal(conn, user, title="paused", start_date=start, end_date=PAST)
    await goals.pause(conn, id=paused.id)
    kept = await make_goal(conn, user, title="running", end_date=NOW + timedelta(days=1))
    assert await goals.expire_stale(conn, batch=2) == 6
    assert (await goals.get(conn, id=kept.id)).status == "active"  # type: ignore[union-attr]
    for k in range(5):
        await conn.execute(
            "insert into deals.auth_tokens (user_id, token, token_type, expires_at)"
            " values ($1, $2, 'access', $3)",
            user.id,
            f"{k:064x}",
            PAST + timedelta(minutes=k),
        )
    live = await auth_tokens.issue(conn, user_id=user.id, token_type="access", expires_in=timedelta(hours=1))
    assert await auth_tokens.delete_expired(conn, batch=2) == 5
    left = await conn.fetch("select id from deals.auth_tokens where user_id = $1", user.id)
    assert [r["id"] for r in left] == [live.auth_token.id]


class _Floating(tzinfo):
    """A zone that knows no offset: Python counts such a datetime as naive (``utcoffset()`` is None)."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


def _label(value: object) -> str:
    """A test id that is the same on every run (NOW is not)."""
    if isinstance(value, datetime):
        return f"datetime({type(value.tzinfo).__name__})"
    if isinstance(value, str | int | float | bool | None):
        return f"{type(value).__name__}:{value!r}"
    return type(value).__name__


BAD_ARGUMENTS = [
    *({"batch": batch} for batch in (0, -1, 10_001, 2.5, "5", True, None)),
    # A cut-off must carry its zone: a naive datetime would be read as UTC, whatever zone was meant.
    *(
        {"as_of": as_of}
        for as_of in (
            NOW.replace(tzinfo=None),
            NOW.replace(tzinfo=_Floating()),
            "yesterday",
            NOW.date(),
            [NOW],
        )
    ),
]


@pytest.mark.parametrize(
    "bad",
    BAD_ARGUMENTS,
    ids=lambda bad: "-".join(f"{k}={_label(v)}" for k, v in bad.items()),
)
async def test_a_bad_batch_or_cutoff_is_refused_before_anything_runs(
    conn: Connection, bad: dict[str, Any]
) -> None:
    stale = await _stale_deals(conn, 2)
    calls: list[Callable[[], Awaitable[int]]] = [
        lambda: deals.expire_stale(conn, **bad),
        lambda: goals.expire_stale(conn, **bad),
        lambda: auth_tokens.delete_expired(conn, **bad),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match=next(iter(bad))):
            await call()
    still = await conn.fetchval(
        "select count(*) from deals.deals where id = any($1) and status = 'active'", stale
    )
    assert still == 2


async def test_a_held_deal_is_skipped_not_waited_for_and_two_runs_share_the_rest(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as setup:
        stale = await _stale_deals(setup, 41)
    held = stale[0]
    async with pool.acquire() as holder, holder.transaction():
        await holder.execute("select 1 from deals.deals where id = $1 for update", held)
        # Two runs at once, in batches of 4, each batch committing on its own: neither waits for the
        # held deal, and every other deal is expired by exactly one of them.
        async with pool.acquire() as a, pool.acquire() as b:
            done = await asyncio.wait_for(
                asyncio.gather(deals.expire_stale(a, batch=4), deals.expire_stale(b, batch=4)), timeout=30
            )
        assert sum(done) == 40
        rows = await holder.fetch("select id, status from deals.deals where id = any($1)", stale)
        assert {r["id"] for r in rows if r["status"] == DealStatus.EXPIRED} == set(stale[1:])
    async with pool.acquire() as after:
        assert await deals.expire_stale(after) == 1  # the deal once its holder let go


async def test_the_generic_plan_reads_the_expiry_index_in_order_and_stops_at_the_batch(db_url: str) -> None:
    # Regression (large scale, 2026-12-05): the one-statement expiry's generic plan could not tell how
    # many deals had expired and scanned every deal (278,000 blocks for 18 rows at 5M deals).
    conn = await connect_one(db_url)
    try:
        goal, market = await make_goal(conn), await make_market(conn)
        await conn.execute(
            "insert into deals.deals (goal_id, user_id, market_id, title, url, current_price, category,"
            " source, found_at, expires_at)"
            " select $1, $2, $3, 'd' || k, 'https://shop.test/' || k, 10, 'electronics', 'amazon',"
            " $4::timestamptz - interval '30 days', $4::timestamptz + k * interval '1 minute'"
            " from generate_series(1, 20000) as k",
            goal.id,
            goal.user_id,
            market.id,
            PAST,
        )
        await conn.execute("analyze deals.deals")
        sql = deals._expire_stale.__sqlfirst__.query.sql  # type: ignore[attr-defined]
        plan = await explain_analyze(conn, sql, [PAST + timedelta(days=1), 50], mode="generic")
    finally:
        await conn.close()
    found = list(plan_nodes(plan))
    assert not any(n["Node Type"] == "Seq Scan" for n in found), plan
    scans = [n for n in found if n.get("Index Name") == "ix_deals_expires_at_active"]
    assert scans and scans[0]["Actual Rows"] == 50, plan
    assert plan["Actual Rows"] == 0  # an UPDATE returns none; the rows it wrote:
    by_id = [n for n in found if "id = ANY" in n.get("Index Cond", "")]
    assert by_id and by_id[0]["Actual Rows"] == 50, plan


async def test_a_run_goes_batch_by_batch(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    await _stale_deals(conn, 7)
    statement = deals._expire_stale
    done: list[tuple[int, int]] = []

    async def counted(c: Any, *, as_of: datetime, lim: int) -> int:
        n: int = await statement(c, as_of=as_of, lim=lim)
        done.append((lim, n))
        return n

    monkeypatch.setattr(deals, "_expire_stale", counted)
    assert await deals.expire_stale(conn, batch=3) == 7
    assert done == [(3, 3), (3, 3), (3, 1)]


LOW, HIGH = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"


async def test_a_goals_batch_locks_its_owners_in_id_order_before_it_updates(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    # Each expired goal's triggers update its owner's counters in the order the goals were updated;
    # two runs hold different goals of the same owners, so taking the owners in that order could
    # deadlock. The batch takes them in id order first: while it waits for the lower owner, the
    # higher one is still free. (Here HIGH's goal is written, and so updated, first.)
    async with pool.acquire() as setup:
        for uid in (HIGH, LOW):
            await setup.execute(
                "insert into deals.users (id, email, password) values ($1, $2, 'x')", uid, f"{uid[-1]}@x.io"
            )
            await setup.execute(
                "insert into deals.goals (id, user_id, title, category, start_date, end_date)"
                " values ($1, $2, 'old', 'electronics', $3, $4)",
                uid.replace("00000000-", "0000000a-", 1),
                uid,
                PAST - timedelta(days=10),
                PAST,
            )
    async with pool.acquire() as holder, pool.acquire() as runner, pool.acquire() as prober:
        async with holder.transaction():
            await holder.execute("select from deals.users where id = $1 for no key update", LOW)
            run = asyncio.ensure_future(goals.expire_stale(runner, batch=10))
            for _ in range(200):  # until the run waits for LOW
                waiting = await prober.fetchval(
                    "select wait_event_type = 'Lock' from pg_stat_activity where pid = $1",
                    runner.get_server_pid(),
                )
                if waiting:
                    break
                await asyncio.sleep(0.05)
            assert waiting, "the run never waited for the held owner"
            async with prober.transaction():
                free = await prober.fetchval(
                    "select count(*)"
                    " from (select from deals.users where id = $1 for no key update nowait) as t",
                    HIGH,
                )
            assert free == 1  # without the ordered lock the run held HIGH already: LockNotAvailable
        assert await asyncio.wait_for(run, timeout=30) == 2
