"""Deals and tasks carry their goal's user (0128-0133): the Citus tenant of sql/deals/citus.toml,
held by the foreign key to the goal and read by row-level security on the row itself."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from sqlfirst.db import Connection, connect_one
from sqlfirst.deals import deals, tasks
from sqlfirst.errors import ReferenceViolation

from ..migration_helpers import migrated_to_just_before
from .factories import make_deal, make_goal, make_market, make_user, unvalidated

_RAW_INSERT = {
    "deals": "insert into deals.deals (goal_id, market_id, title, url, current_price, category, source{user})"
    " values ($1, $2, 'raw', 'https://www.amazon.com/dp/raw', 10, 'electronics', 'amazon'{arg}) returning id",
    "tasks": "insert into deals.tasks (goal_id, title{user}) values ($1, 'raw'{arg}) returning id",
}


async def _raw_insert(
    conn: Connection, table: str, goal_id: uuid.UUID, user_id: uuid.UUID | None = None
) -> object:
    """A row of ``table`` written as a COPY or an ORM would: naming the user or not."""
    sql = _RAW_INSERT[table]
    if table == "deals":
        market = await make_market(conn)
        if user_id is None:
            return await conn.fetchval(sql.format(user="", arg=""), goal_id, market.id)
        return await conn.fetchval(sql.format(user=", user_id", arg=", $3"), goal_id, market.id, user_id)
    if user_id is None:
        return await conn.fetchval(sql.format(user="", arg=""), goal_id)
    return await conn.fetchval(sql.format(user=", user_id", arg=", $2"), goal_id, user_id)


async def test_a_deal_and_a_task_carry_their_goals_user_and_no_other(conn: Connection) -> None:
    goal = await make_goal(conn)
    deal = await make_deal(conn, goal)
    task = await tasks.create(conn, goal_id=goal.id, title="watch it")
    raw_deal = await _raw_insert(conn, "deals", goal.id)
    raw_task = await _raw_insert(conn, "tasks", goal.id)
    owners = await conn.fetch(
        "select id, user_id from deals.deals where goal_id = $1"
        " union all select id, user_id from deals.tasks where goal_id = $1",
        goal.id,
    )
    assert {r["id"]: r["user_id"] for r in owners} == {
        deal.id: goal.user_id,
        task.id: goal.user_id,
        raw_deal: goal.user_id,
        raw_task: goal.user_id,
    }
    stranger = await make_user(conn)
    strangers_goal = await make_goal(conn, stranger)
    for table in ("deals", "tasks"):
        constraint = f"fk_{table}_goal_id"
        with pytest.raises(asyncpg.ForeignKeyViolationError) as rehomed:  # to another user's goal
            async with conn.transaction():
                await conn.execute(
                    f"update deals.{table} set goal_id = $2 where goal_id = $1", goal.id, strangers_goal.id
                )
        assert rehomed.value.constraint_name == constraint
        with pytest.raises(asyncpg.ForeignKeyViolationError) as moved:
            async with conn.transaction():
                await conn.execute(
                    f"update deals.{table} set user_id = $2 where goal_id = $1", goal.id, stranger.id
                )
        assert moved.value.constraint_name == constraint
        with pytest.raises(asyncpg.ForeignKeyViolationError) as planted:
            async with conn.transaction():
                await _raw_insert(conn, table, goal.id, stranger.id)
        assert planted.value.constraint_name == constraint


async def test_an_unknown_goal_is_refused_by_name_through_the_api_and_raw(conn: Connection) -> None:
    market = await make_market(conn)
    missing = uuid.uuid4()
    with pytest.raises(ReferenceViolation) as deal:
        async with conn.transaction():
            await unvalidated(deals.create)(
                conn,
                goal_id=missing,
                market_id=market.id,
                title="t",
                description=None,
                url="https://www.amazon.com/dp/x",
                image_url=None,
                current_price=10,
                original_price=None,
                currency="USD",
                discount_percent=None,
                category="electronics",
                source="amazon",
                status="active",
                seller_name=None,
                seller_rating=None,
                availability_status=None,
                shipping_info=None,
                product_specs=None,
                found_at=None,
                expires_at=None,
                meta_data={},
            )
    assert deal.value.constraint == "fk_deals_goal_id"
    with pytest.raises(ReferenceViolation) as task:
        async with conn.transaction():
            await tasks.create(conn, goal_id=missing, title="t")
    assert task.value.constraint == "fk_tasks_goal_id"
    for table in ("deals", "tasks"):
        with pytest.raises(asyncpg.ForeignKeyViolationError) as raw:
            async with conn.transaction():
                await _raw_insert(conn, table, missing)
        assert raw.value.constraint_name == f"fk_{table}_goal_id"
        assert f'Key (goal_id)=({missing}) is not present in table "goals"' in (raw.value.detail or "")


async def test_the_fill_trigger_runs_only_for_a_row_written_without_its_user(conn: Connection) -> None:
    # insert_deal and insert_task name the user, so they pay no PL/pgSQL call per row.
    goal = await make_goal(conn)
    async with conn.transaction():
        await conn.execute("set local track_functions = 'pl'")
        await make_deal(conn, goal)
        await tasks.create(conn, goal_id=goal.id, title="watch it")
        await _raw_insert(conn, "tasks", goal.id)
        calls = await conn.fetchval(
            "select calls from pg_stat_xact_user_functions"
            " where schemaname = 'deals' and funcname = 'fill_goal_user'"
        )
    assert calls == 1


async def test_deleting_a_goal_still_takes_its_deals_and_tasks(conn: Connection) -> None:
    goal = await make_goal(conn)
    await make_deal(conn, goal)
    await tasks.create(conn, goal_id=goal.id, title="watch it")
    await conn.execute("delete from deals.goals where id = $1", goal.id)
    left = await conn.fetchval(
        "select (select count(*) from deals.deals where goal_id = $1) + (select count(*) from deals.tasks"
        " where goal_id = $1)",
        goal.id,
    )
    assert left == 0


_KEYS = """
select c.conrelid::regclass::text as tbl, c.conname, pg_get_constraintdef(c.oid) as def, c.convalidated
from pg_constraint as c
where c.conrelid in ('deals.deals'::regclass, 'deals.tasks'::regclass)
  and c.confrelid = 'deals.goals'::regclass
order by 1, 2
"""


async def test_the_migrations_give_existing_deals_and_tasks_their_goals_user(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0128_deals_goals_tenant_key_index")
    conn = await connect_one(empty_db_url)
    try:
        goal = await make_goal(conn)
        other = await make_goal(conn)
        market = await make_market(conn)
        written = [
            await conn.fetchval(
                "insert into deals.deals (goal_id, market_id, title, url, current_price, category, source)"
                " values ($1, $2, 'old', $3, 10, 'electronics', 'manual') returning id",
                g.id,
                market.id,
                f"https://www.amazon.com/dp/{n}",
            )
            for n, g in enumerate((goal, other))
        ]
        written.append(
            await conn.fetchval(
                "insert into deals.tasks (goal_id, title) values ($1, 'old') returning id", goal.id
            )
        )
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        owners = await conn.fetch(
            "select id, user_id from deals.deals union all select id, user_id from deals.tasks"
        )
        keys = [tuple(r) for r in await conn.fetch(_KEYS)]
        not_null = await conn.fetch(
            "select attrelid::regclass::text as tbl, attnotnull from pg_attribute"
            " where attrelid in ('deals.deals'::regclass, 'deals.tasks'::regclass) and attname = 'user_id'"
            " order by 1"
        )
    finally:
        await conn.close()
    assert {r["id"]: r["user_id"] for r in owners} == {
        written[0]: goal.user_id,
        written[1]: other.user_id,
        written[2]: goal.user_id,
    }
    assert keys == [
        (
            "deals.deals",
            "fk_deals_goal_id",
            "FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id) ON DELETE CASCADE",
            True,
        ),
        (
            "deals.tasks",
            "fk_tasks_goal_id",
            "FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id) ON DELETE CASCADE",
            True,
        ),
    ]
    assert [(r["tbl"], r["attnotnull"]) for r in not_null] == [("deals.deals", True), ("deals.tasks", True)]
