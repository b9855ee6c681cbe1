"""Hot queries use their indexes on seeded data, and the price-history range prunes partitions.

Plans, not timings: a database is seeded once for this module with enough rows that the planner
prefers the indexes, analysed, and each hot named query is EXPLAINed with realistic arguments.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from sqlfirst.bench.plans import PLAN_MODES, explain_analyze
from sqlfirst.bench.plans import plan_nodes as nodes
from sqlfirst.binding import Declaration
from sqlfirst.db import connect_one
from sqlfirst.deals import deal_activities, deals, goals, notifications, price_tracking, users

from ..conftest import with_database

SEED = """
insert into deals.users (email, password)
select 'user' || i || '@example.com', 'x' from generate_series(1, 500) as i;

insert into deals.markets (name, type, base_url)
select 'market ' || i, (enum_range(null::deals.markettype))[1 + i % 5], 'https://m' || i || '.test'
from generate_series(1, 10) as i;

insert into deals.goals (user_id, title, category, status, max_budget, min_discount_percent)
select u.ids[1 + g % 500], 'goal ' || g,
       (enum_range(null::deals.marketcategory))[1 + g % 11],
       case when g % 20 = 0 then 'active' else 'completed' end::deals.goalstatus,
       (50 + g % 2000)::numeric, case when g % 3 = 0 then 10 end
from generate_series(1, 30000) as g
cross join (select array_agg(id) as ids from deals.users) as u;

insert into deals.deals (
    goal_id, market_id, title, url, current_price, category, source, status, product_specs
)
select gl.ids[1 + d % 30000], m.ids[1 + d % 10], 'deal ' || d, 'https://shop.test/' || d,
       round((1 + d % 5000)::numeric / 3, 2),
       (enum_range(null::deals.marketcategory))[1 + d % 11], 'scraper',
       case when d % 10 = 0 then 'active' else 'expired' end::deals.dealstatus,
       jsonb_build_object('brand', 'brand' || (d % 400), 'ram_gb', 2 ^ (d % 6))
from generate_series(1, 40000) as d
cross join (select array_agg(id) as ids from deals.goals) as gl
cross join (select array_agg(id) as ids from deals.markets) as m;

insert into deals.notifications (user_id, type, title, message, read_at, created_at)
select u.ids[1 + n % 500], 'deal', 'n' || n, 'm', case when n % 25 <> 0 then now() end,
       now() - make_interval(mins => n)
from generate_series(1, 60000) as n
cross join (select array_agg(id) as ids from deals.users) as u;

-- One agent and one user with many activities among many others' (0062's per-owner indexes).
insert into deals.agents (name, type) select 'agent ' || i, 'research' from generate_series(1, 50) as i;
insert into deals.deal_activities (deal_id, user_id, agent_id, activity_type, created_at)
select dl.id, u.ids[1 + a % 500], ag.ids[1 + a % 50],
       (enum_range(null::deals.dealactivitytype))[1 + a % 7], now() - make_interval(secs => a)
from generate_series(1, 50000) as a
join (select id, row_number() over (order by id) as n from deals.deals) as dl on dl.n = 1 + a % 40000
cross join (select array_agg(id) as ids from deals.users) as u
cross join (select array_agg(id) as ids from deals.agents) as ag;

-- Price points spread over the previous month (default partition) and the premade months.
insert into deals.price_tracking (deal_id, price, source, tracked_at)
select d.id, 10, 'scraper', date_trunc('month', now()) + make_interval(days => (k % 120) - 30, mins => k)
from (select id from deals.deals order by id limit 400) as d
cross join generate_series(1, 50) as k;

-- More users, joined over two years, one in twenty not active (after the rows above drew from the first 500).
insert into deals.users (email, password, status, created_at)
select 'later' || i || '@example.com', 'x',
       case when i % 20 = 0 then 'suspended' else 'active' end::deals.userstatus,
       now() - make_interval(hours => i * 3)
from generate_series(1, 6000) as i;

analyze;
"""


@pytest.fixture(scope="module")
def module_marker() -> str:
    return secrets.token_hex(4)


@pytest.fixture(scope="module")
async def seeded(server_url: str, template_name: str, module_marker: str) -> AsyncIterator[str]:
    name = f"sqlfirst_plans_{module_marker}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_name}"')
    finally:
        await admin.close()
    url = with_database(server_url, name)
    conn = await connect_one(url)
    try:
        # Seeding is setup, not what is measured: 40k deals through their per-row triggers can take
        # longer than the 30 s statement timeout on a busy machine.
        await conn.execute("set statement_timeout = 0")
        await conn.execute(SEED)
    finally:
        await conn.close()
    yield url
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


def declaration(fn: Any) -> Declaration:
    decl = fn.__sqlfirst__
    assert isinstance(decl, Declaration)
    return decl


async def explain(
    url: str,
    fn: Any,
    *,
    generic: bool = False,
    as_app: bool = False,
    acting: Any = None,
    analyze: bool = False,
    **arguments: Any,
) -> dict[str, Any]:
    """The plan of ``fn``'s query; ``generic``: the plan a prepared statement switches to after five
    calls, made without the values (``plan_cache_mode = force_generic_plan``); ``as_app``: as the
    application role under row-level security, acting for ``acting`` (default: a user who has goals);
    ``analyze``: run it (rolled back) for actual rows and loops (always so for ``generic``)."""
    decl = declaration(fn)
    conn = await connect_one(url)
    try:
        if as_app:
            if acting is None:
                acting = await conn.fetchval("select user_id from deals.goals order by id limit 1")
            await conn.execute("set role sqlfirst_app")
            await conn.execute("select set_config('sqlfirst.user_id', $1, false)", str(acting))
        values = [arguments[name] for name in decl.query.parameters]
        if generic or analyze:  # a prepared statement EXPLAINed under plan_cache_mode, run and rolled back
            return await explain_analyze(
                conn, decl.query.sql, values, mode="generic" if generic else "custom"
            )
        plan = await conn.fetchval(f"explain (format json) {decl.query.sql}", *values)
    finally:
        await conn.close()
    root: dict[str, Any] = plan[0]["Plan"]
    return root


def indexes_used(plan: dict[str, Any]) -> set[str]:
    return {n["Index Name"] for n in nodes(plan) if "Index Name" in n}


def relations_scanned(plan: dict[str, Any]) -> set[str]:
    return {n["Relation Name"] for n in nodes(plan) if "Relation Name" in n}


async def first_id(url: str, sql: str) -> Any:
    conn = await connect_one(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def test_deal_search_uses_the_category_status_price_index(seeded: str) -> None:
    plan = await explain(
        seeded,
        deals._search,
        category="electronics",
        status="active",
        min_price=Decimal(10),
        max_price=Decimal(500),
        after_price=Decimal(-1),
        after_id=UUID(int=0),
        lim=50,
    )
    assert "ix_deals_category_label_status_label_price_cents_id" in indexes_used(plan)
    assert not any(n["Node Type"] == "Seq Scan" for n in nodes(plan))


SEARCH = {
    "category": "electronics",
    "status": "active",
    "min_price": Decimal(10),
    "max_price": Decimal(500),
    "after_price": Decimal(-1),
    "after_id": UUID(int=0),
    "lim": 50,
}
UNDER_RLS = [
    # a wide range (3,600 deals), where reading in order and stopping at 50 is plainly the plan
    (
        deals._search,
        {**SEARCH, "status": "expired", "min_price": Decimal(0), "max_price": Decimal(5000)},
        "ix_deals_category_label_status_label_price_cents_id",
    ),
    (
        deals._search_by_specs,
        {**SEARCH, "specs": {"brand": "brand7"}},
        "ix_deals_category_label_status_label_price_cents_id",
    ),
    (deals._list_by_market, {"status": "active", "lim": 50}, "ix_deals_market_id_status_label_found_at_id"),
]


@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
@pytest.mark.parametrize(("fn", "arguments", "index"), UNDER_RLS, ids=["search", "by_specs", "by_market"])
async def test_deal_searches_keep_their_index_under_row_level_security(
    seeded: str, fn: Any, arguments: dict[str, Any], index: str, generic: bool
) -> None:
    # Enum and numeric comparisons are not leakproof: under the deals' policy they could not be index
    # conditions, and these searches read the whole table as sqlfirst_app (migration 0082).
    if "status" in arguments and fn is deals._list_by_market:
        arguments = {
            **arguments,
            "market_id": await first_id(seeded, "select market_id from deals.deals limit 1"),
        }
    plan = await explain(seeded, fn, generic=generic, as_app=True, analyze=True, **arguments)
    assert index in indexes_used(plan), indexes_used(plan)
    assert not any(n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "deals" for n in nodes(plan))
    if fn is deals._search:
        # In index order, stopping at the page: a filter the planner cannot estimate under RLS (a
        # numeric comparison) once made the custom plan bitmap-scan and sort the whole price range.
        scans = [n for n in nodes(plan) if n.get("Relation Name") == "deals"]
        assert [n["Node Type"] for n in scans] == ["Index Scan"], scans
        assert scans[0]["Actual Rows"] <= 50 and not any(n["Node Type"] == "Sort" for n in nodes(plan))


@pytest.mark.parametrize("mode", ["custom", "generic"])
async def test_a_users_activities_of_one_type_keep_their_index_under_row_level_security(
    seeded: str, mode: str
) -> None:
    user = await first_id(
        seeded, "select user_id from deals.deal_activities where user_id is not null limit 1"
    )
    plan = await explain(
        seeded,
        deal_activities._list_by_user,
        generic=mode == "generic",
        as_app=True,
        acting=user,
        analyze=True,
        user_id=user,
        activity_type="analyzed",
        lim=50,
    )
    label = "ix_deal_activities_user_id_activity_type_label_created_at_id"
    typed = [
        n
        for n in nodes(plan)
        if n.get("Index Name") == label and "activity_type_label" in n.get("Index Cond", "")
    ]
    assert typed and typed[0]["Actual Loops"] == 1, plan
    # the branch for "any type" is cut by its one-time filter: whatever it would scan never runs
    ran = [n for n in nodes(plan) if n["Node Type"] == "Seq Scan" and n["Actual Loops"] > 0]
    assert not [n for n in ran if n.get("Relation Name") == "deal_activities"], plan


async def test_deal_spec_search_uses_the_gin_index(seeded: str) -> None:
    plan = await explain(
        seeded,
        deals._search_by_specs,
        category="electronics",
        status="active",
        specs={"brand": "brand7"},
        min_price=Decimal(0),
        max_price=Decimal(100000),
        after_price=Decimal(-1),
        after_id=UUID(int=0),
        lim=50,
    )
    used = indexes_used(plan)
    assert "ix_deals_product_specs" in used or "ix_deals_category_label_status_label_price_cents_id" in used
    assert not any(n["Node Type"] == "Seq Scan" for n in nodes(plan))


async def test_goal_matching_reads_active_goals_in_order_and_stops_at_the_limit(seeded: str) -> None:
    plan = await explain(
        seeded,
        goals._find_matching,
        category="home",
        price=Decimal(300),
        discount_percent=Decimal(15),
        lim=50,
    )
    assert "ix_goals_category_priority_created_at_id_active" in indexes_used(plan)
    assert not any(n["Node Type"] in ("Seq Scan", "Sort") for n in nodes(plan))


async def test_unread_notifications_use_the_partial_unread_index(seeded: str) -> None:
    user_id = await first_id(seeded, "select id from deals.users order by id limit 1")
    plan = await explain(seeded, notifications._list_unread, user_id=user_id, lim=50)
    assert "ix_notifications_user_id_created_at_unread" in indexes_used(plan)
    count_plan = await explain(seeded, notifications.count_unread, user_id=user_id)
    assert "ix_notifications_user_id_created_at_unread" in indexes_used(count_plan)


async def test_price_history_prunes_to_the_months_in_range_and_uses_the_index(seeded: str) -> None:
    deal_id = await first_id(seeded, "select id from deals.deals order by id limit 1")
    month = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    current_partition = f"price_tracking_p{month:%Y_%m}"
    plan = await explain(
        seeded,
        price_tracking._history,
        deal_id=deal_id,
        since=month + timedelta(days=2),
        until=month + timedelta(days=9),
    )
    assert relations_scanned(plan) == {current_partition}
    assert any(name.startswith(current_partition) for name in indexes_used(plan))
    assert not any(n["Node Type"] == "Seq Scan" for n in nodes(plan))

    # A range reaching back before the premade months also reads the default partition, and only it.
    wide = await explain(
        seeded,
        price_tracking._history,
        deal_id=deal_id,
        since=month - timedelta(days=20),
        until=month + timedelta(days=9),
    )
    assert relations_scanned(wide) == {current_partition, "price_tracking_default"}


@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
@pytest.mark.parametrize("kind", [None, "analyzed"])
@pytest.mark.parametrize("owner", ["agent", "user"])
async def test_activity_lists_read_the_owners_index_in_order_with_or_without_a_type(
    seeded: str, owner: str, kind: str | None, generic: bool
) -> None:
    # Regression (0062): the generic plan could not tell whether a type was given and read
    # ix_deal_activities_created_at over every owner's activities, filtering and sorting.
    table = "agents" if owner == "agent" else "users"
    owner_id = await first_id(seeded, f"select id from deals.{table} order by id limit 1")
    fn = deal_activities._list_by_agent if owner == "agent" else deal_activities._list_by_user
    plan = await explain(seeded, fn, generic=generic, **{f"{owner}_id": owner_id}, activity_type=kind, lim=50)
    used = indexes_used(plan)
    wanted = (
        # the user's list filters on the type's text copy, leakproof under RLS (0082)
        f"ix_deal_activities_{owner}_id_activity_type{'_label' if owner == 'user' else ''}_created_at_id"
        if kind
        else f"ix_deal_activities_{owner}_id_created_at_id"
    )
    assert wanted in used
    assert "ix_deal_activities_created_at" not in used
    assert "pk_deal_activities" in used  # the rows fetched by primary key, never a scan and join
    assert not any(n["Node Type"] == "Seq Scan" for n in nodes(plan))


@pytest.mark.parametrize("as_app", [False, True], ids=["owner", "app"])
@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
async def test_notification_history_reads_the_users_index_in_order(
    seeded: str, generic: bool, as_app: bool
) -> None:
    user_id = await first_id(seeded, "select id from deals.users order by id limit 1")
    for kind, wanted in (
        (None, "ix_notifications_user_id_created_at_id"),
        ("deal", "ix_notifications_user_id_type_label_created_at_id"),
    ):
        plan = await explain(
            seeded,
            notifications._list,
            generic=generic,
            as_app=as_app,
            acting=user_id,
            user_id=user_id,
            type=kind,
            priority=None,
            lim=50,
        )
        assert wanted in indexes_used(plan), (kind, indexes_used(plan))
        assert not any(n["Node Type"] == "Seq Scan" for n in nodes(plan))
        if kind is not None:  # the type is an index condition, under row-level security too (0086)
            typed = [n for n in nodes(plan) if n.get("Index Name") == wanted]
            assert all("type_label" in n.get("Index Cond", "") for n in typed), typed


@pytest.mark.parametrize("mode", PLAN_MODES)
@pytest.mark.parametrize("status", ["active", "suspended"])
async def test_users_by_status_read_the_index_in_order_and_stop_at_the_limit(
    seeded: str, mode: str, status: str
) -> None:
    decl = declaration(users._list_by_status)
    conn = await connect_one(seeded)
    try:
        middle = await conn.fetchrow(
            "select created_at, id from deals.users where status = $1 order by created_at, id"
            " offset (select count(*) / 2 from deals.users where status = $1) limit 1",
            status,
        )
        arguments = {
            "status": status,
            "after_created_at": middle["created_at"],
            "after_id": middle["id"],
            "lim": 20,
        }
        plan = await explain_analyze(
            conn, decl.query.sql, [arguments[name] for name in decl.query.parameters], mode=mode
        )
    finally:
        await conn.close()
    scans = [n for n in nodes(plan) if n.get("Index Name") == "ix_users_status_created_at_id"]
    assert scans, plan
    assert not any(n["Node Type"] in ("Seq Scan", "Sort", "Bitmap Heap Scan") for n in nodes(plan))
    # In order and stopped at the limit: the scan handed up 20 rows and read no others.
    assert plan["Actual Rows"] == 20
    assert scans[0]["Actual Rows"] == 20
    assert scans[0].get("Rows Removed by Filter", 0) == 0


@pytest.mark.parametrize("mode", PLAN_MODES)
async def test_a_markets_deals_are_read_newest_first_and_stop_at_the_limit(seeded: str, mode: str) -> None:
    """A page of a market's deals in one status is read from the (market, status, found_at, id) index in
    its order: no sort of every deal the market has in that status (0063)."""
    conn = await connect_one(seeded)
    try:
        market_id = await conn.fetchval(
            "select market_id from deals.deals where status = 'expired'"
            " group by market_id order by count(*) desc limit 1"
        )
        decl = declaration(deals._list_by_market)
        arguments = {"market_id": market_id, "status": "expired", "lim": 50}
        plan = await explain_analyze(
            conn, decl.query.sql, [arguments[name] for name in decl.query.parameters], mode=mode
        )
    finally:
        await conn.close()
    scans = [n for n in nodes(plan) if n.get("Index Name") == "ix_deals_market_id_status_label_found_at_id"]
    assert scans, plan
    assert not any(n["Node Type"] in ("Seq Scan", "Sort", "Bitmap Heap Scan") for n in nodes(plan))
    assert plan["Actual Rows"] == 50
    assert scans[0]["Actual Rows"] == 50
