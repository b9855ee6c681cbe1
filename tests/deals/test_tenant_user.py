"""Deals and tasks carry their goal's user (0128-0133), task activities their task's (0134-0141),
deal scores their deal's (0142-0148), deal activities theirs in deal_user_id (0163-0168): the Citus
tenant of sql/deals/citus.toml, held by the foreign key to the parent, in the primary keys of tasks,
task activities, scores and deal activities, and read by row-level security on the row itself."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from sqlfirst.db import Connection, connect_one
from sqlfirst.deals import deal_activities, deal_scores, deals, task_activities, tasks
from sqlfirst.errors import ReferenceViolation

from ..migration_helpers import migrated_to_just_before
from .factories import make_deal, make_goal, make_market, make_user, unvalidated

_RAW_INSERT = {
    "deals": "insert into deals.deals (goal_id, market_id, title, url, current_price, category, source{user})"
    " values ($1, $2, 'raw', 'https://www.amazon.com/dp/raw', 10, 'electronics', 'amazon'{arg}) returning id",
    "tasks": "insert into deals.tasks (goal_id, title{user}) values ($1, 'raw'{arg}) returning id",
    "task_activities": "insert into deals.task_activities (task_id, activity_type{user})"
    " values ($1, 'started'{arg}) returning id",
    "deal_scores": "insert into deals.deal_scores (deal_id, score_type, value, confidence{user})"
    " values ($1, 'risk', 50, 50{arg}) returning id",
    "deal_activities": "insert into deals.deal_activities (deal_id, activity_type{user})"
    " values ($1, 'updated'{arg}) returning id",
}
_TENANT = {"deal_activities": "deal_user_id"}
"""The column holding the row's tenant where it is not user_id."""


async def _raw_insert(
    conn: Connection, table: str, parent_id: uuid.UUID, user_id: uuid.UUID | None = None
) -> object:
    """A row of ``table`` under its parent (a goal; a task for task_activities, a deal for
    deal_scores and deal_activities) written as a COPY or an ORM would: naming the user or not."""
    sql = _RAW_INSERT[table]
    if table == "deals":
        market = await make_market(conn)
        if user_id is None:
            return await conn.fetchval(sql.format(user="", arg=""), parent_id, market.id)
        return await conn.fetchval(sql.format(user=", user_id", arg=", $3"), parent_id, market.id, user_id)
    if user_id is None:
        return await conn.fetchval(sql.format(user="", arg=""), parent_id)
    column = _TENANT.get(table, "user_id")
    return await conn.fetchval(sql.format(user=f", {column}", arg=", $2"), parent_id, user_id)


async def test_the_fill_trigger_refuses_a_column_to_fill_that_the_table_lacks(conn: Connection) -> None:
    # A misspelt fourth argument would leave the tenant null and fail later, elsewhere: it fails here.
    deal = await make_deal(conn)
    await conn.execute(
        "create temporary table scratch (deal_id uuid, deal_user uuid) on commit drop;"
        " create trigger tg_scratch before insert on scratch for each row"
        " execute function deals.fill_parent_user('deals', 'deal_id', 'fk_scratch', 'deal_user_id')"
    )
    with pytest.raises(asyncpg.RaiseError, match="no column deal_user_id to fill"):
        async with conn.transaction():
            await conn.execute("insert into scratch (deal_id) values ($1)", deal.id)


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
        # A deal's price points hold its user too (0217), and their key is checked first.
        assert moved.value.constraint_name == (
            "fk_price_tracking_deal_id" if table == "deals" else constraint
        )
        with pytest.raises(asyncpg.ForeignKeyViolationError) as planted:
            async with conn.transaction():
                await _raw_insert(conn, table, goal.id, stranger.id)
        assert planted.value.constraint_name == constraint
    # A goal changes owner only while nothing hangs off it: its deals and tasks hold its user.
    with pytest.raises(asyncpg.ForeignKeyViolationError) as handed_over:
        async with conn.transaction():
            await conn.execute("update deals.goals set user_id = $2 where id = $1", goal.id, stranger.id)
    assert handed_over.value.constraint_name in {"fk_deals_goal_id", "fk_tasks_goal_id"}


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
        task = await tasks.create(conn, goal_id=goal.id, title="and this")
        await task_activities.record(conn, task_id=task.id, activity_type="started")
        await _raw_insert(conn, "tasks", goal.id)
        await _raw_insert(conn, "task_activities", task.id)
        deal = await make_deal(conn, goal)
        await deal_scores.create(conn, deal_id=deal.id, score_type="risk", value=10, confidence=90)
        await _raw_insert(conn, "deal_scores", deal.id)
        await deal_activities.record(conn, deal_id=deal.id, activity_type="updated")
        await _raw_insert(conn, "deal_activities", deal.id)
        calls = await conn.fetchval(
            "select calls from pg_stat_xact_user_functions"
            " where schemaname = 'deals' and funcname = 'fill_parent_user'"
        )
    assert calls == 4  # the four raw inserts, one per table


async def test_deleting_a_goal_or_a_task_still_takes_what_hangs_off_it(conn: Connection) -> None:
    goal = await make_goal(conn)
    await make_deal(conn, goal)
    task = await tasks.create(conn, goal_id=goal.id, title="watch it")
    other = await tasks.create(conn, goal_id=goal.id, title="and this")
    for t in (task, other):
        await task_activities.record(conn, task_id=t.id, activity_type="started")
    await conn.execute("delete from deals.tasks where id = $1", task.id)
    assert await conn.fetchval("select count(*) from deals.task_activities where task_id = $1", task.id) == 0
    await conn.execute("delete from deals.goals where id = $1", goal.id)
    left = await conn.fetchval(
        "select (select count(*) from deals.deals where goal_id = $1) + (select count(*) from deals.tasks"
        " where goal_id = $1) + (select count(*) from deals.task_activities where task_id = $2)",
        goal.id,
        other.id,
    )
    assert left == 0


_PARENT = {
    "task_activities": ("task_id", "tasks"),
    "deal_scores": ("deal_id", "deals"),
    "deal_activities": ("deal_id", "deals"),
}
"""A child table -> the column naming its parent, and the parent table."""


async def _assert_held_to_parent(
    conn: Connection,
    table: str,
    parent_id: uuid.UUID,
    strangers_parent_id: uuid.UUID,
    stranger_id: uuid.UUID,
    record: Callable[[uuid.UUID], Awaitable[object]],
) -> None:
    """The rows of ``table`` under ``parent_id`` keep their parent's user: moving them to another
    user or to another user's parent, or writing one in another user's name, is refused by the
    foreign key to the parent, by name; an unknown parent is refused by that name through the API
    (``record``) and raw (by the fill trigger, as the key would)."""
    column, parent = _PARENT[table]
    key = f"fk_{table}_{column}"
    for statement, value in (
        (f"update deals.{table} set {_TENANT.get(table, 'user_id')} = $2 where {column} = $1", stranger_id),
        (f"update deals.{table} set {column} = $2 where {column} = $1", strangers_parent_id),
    ):
        with pytest.raises(asyncpg.ForeignKeyViolationError) as moved:
            async with conn.transaction():
                await conn.execute(statement, parent_id, value)
        assert moved.value.constraint_name == key, statement
    with pytest.raises(asyncpg.ForeignKeyViolationError) as planted:
        async with conn.transaction():
            await _raw_insert(conn, table, parent_id, stranger_id)
    assert planted.value.constraint_name == key
    missing = uuid.uuid4()
    with pytest.raises(ReferenceViolation) as unknown:
        async with conn.transaction():
            await record(missing)
    assert unknown.value.constraint == key
    with pytest.raises(asyncpg.ForeignKeyViolationError) as unknown_raw:
        async with conn.transaction():
            await _raw_insert(conn, table, missing)
    assert f'Key ({column})=({missing}) is not present in table "{parent}"' in (
        unknown_raw.value.detail or ""
    )


async def test_a_task_activity_carries_its_tasks_user_and_no_other(conn: Connection) -> None:
    goal = await make_goal(conn)
    task = await tasks.create(conn, goal_id=goal.id, title="watch it")
    recorded = await task_activities.record(conn, task_id=task.id, activity_type="started")
    raw = await _raw_insert(conn, "task_activities", task.id)
    owners = await conn.fetch("select id, user_id from deals.task_activities where task_id = $1", task.id)
    assert {r["id"]: r["user_id"] for r in owners} == {recorded.id: goal.user_id, raw: goal.user_id}

    stranger = await make_user(conn)
    strangers_task = await tasks.create(conn, goal_id=(await make_goal(conn, stranger)).id, title="theirs")
    await _assert_held_to_parent(
        conn,
        "task_activities",
        task.id,
        strangers_task.id,
        stranger.id,
        lambda task_id: task_activities.record(conn, task_id=task_id, activity_type="started"),
    )

    # The keys are (id, user_id): they refuse a second row with the same id and user, under their
    # names (a row's id stays unique by being a uuid the server draws).
    for table, row_id in (("tasks", task.id), ("task_activities", recorded.id)):
        with pytest.raises(asyncpg.UniqueViolationError) as duplicate:
            async with conn.transaction():
                await conn.execute(
                    f"insert into deals.{table} select * from deals.{table} where id = $1", row_id
                )
        assert duplicate.value.constraint_name == f"pk_{table}"


async def test_a_deal_score_carries_its_deals_user_and_no_other(conn: Connection) -> None:
    goal = await make_goal(conn)
    deal = await make_deal(conn, goal)
    scored = await deal_scores.create(conn, deal_id=deal.id, score_type="risk", value=10, confidence=90)
    raw = await _raw_insert(conn, "deal_scores", deal.id)
    owners = await conn.fetch("select id, user_id from deals.deal_scores where deal_id = $1", deal.id)
    assert {r["id"]: r["user_id"] for r in owners} == {scored.id: goal.user_id, raw: goal.user_id}

    stranger = await make_user(conn)
    strangers_deal = await make_deal(conn, await make_goal(conn, stranger))
    await _assert_held_to_parent(
        conn,
        "deal_scores",
        deal.id,
        strangers_deal.id,
        stranger.id,
        lambda deal_id: deal_scores.create(conn, deal_id=deal_id, score_type="risk", value=1, confidence=1),
    )
    with pytest.raises(asyncpg.UniqueViolationError) as duplicate:
        async with conn.transaction():
            await conn.execute(
                "insert into deals.deal_scores select * from deals.deal_scores where id = $1", raw
            )
    assert duplicate.value.constraint_name == "pk_deal_scores"
    # Deleting the deal still takes its scores with it.
    await conn.execute("delete from deals.deals where id = $1", deal.id)
    assert await conn.fetchval("select count(*) from deals.deal_scores where deal_id = $1", deal.id) == 0


async def test_a_deal_activity_carries_its_deals_user_beside_who_performed_it(conn: Connection) -> None:
    goal = await make_goal(conn)
    deal = await make_deal(conn, goal)
    actor = await make_user(conn)  # user_id says who performed it (seed 002), not whose deal it is
    by_actor = await deal_activities.record(conn, deal_id=deal.id, activity_type="analyzed", user_id=actor.id)
    by_agent = await deal_activities.record(conn, deal_id=deal.id, activity_type="updated")
    raw = await _raw_insert(conn, "deal_activities", deal.id)
    rows = await conn.fetch(
        "select id, deal_user_id, user_id from deals.deal_activities where deal_id = $1", deal.id
    )
    assert {r["id"]: (r["deal_user_id"], r["user_id"]) for r in rows} == {
        by_actor.id: (goal.user_id, actor.id),
        by_agent.id: (goal.user_id, None),
        raw: (goal.user_id, None),
    }
    assert (by_actor.user_id, by_agent.user_id) == (actor.id, None)

    stranger = await make_user(conn)
    strangers_deal = await make_deal(conn, await make_goal(conn, stranger))
    await _assert_held_to_parent(
        conn,
        "deal_activities",
        deal.id,
        strangers_deal.id,
        stranger.id,
        lambda deal_id: deal_activities.record(conn, deal_id=deal_id, activity_type="updated"),
    )
    with pytest.raises(asyncpg.UniqueViolationError) as duplicate:
        async with conn.transaction():
            await conn.execute(  # every column but the generated activity_type_label
                "insert into deals.deal_activities (id, deal_id, deal_user_id, activity_type)"
                " select id, deal_id, deal_user_id, activity_type from deals.deal_activities where id = $1",
                raw,
            )
    assert duplicate.value.constraint_name == "pk_deal_activities"
    # The user who performed an activity may go: the activity stays on its deal, without them.
    await conn.execute("delete from deals.users where id = $1", actor.id)
    kept = await conn.fetchrow(
        "select deal_user_id, user_id from deals.deal_activities where id = $1", by_actor.id
    )
    assert kept is not None and tuple(kept) == (goal.user_id, None)
    # Deleting the deal still takes its activities with it.
    await conn.execute("delete from deals.deals where id = $1", deal.id)
    assert await conn.fetchval("select count(*) from deals.deal_activities where deal_id = $1", deal.id) == 0


async def test_the_migrations_give_existing_deal_activities_their_deals_user(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0163_deals_deal_activities_deal_user")
    conn = await connect_one(empty_db_url)
    try:
        deal = await make_deal(conn)
        actor = await make_user(conn)
        written = {
            await conn.fetchval(
                "insert into deals.deal_activities (deal_id, user_id, activity_type)"
                " values ($1, $2, 'updated') returning id",
                deal.id,
                user_id,
            ): user_id
            for user_id in (actor.id, None)
        }
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        rows = await conn.fetch("select id, deal_user_id, user_id from deals.deal_activities")
        goal_user = await conn.fetchval("select user_id from deals.goals where id = $1", deal.goal_id)
        keys = [
            tuple(r)
            for r in await conn.fetch(
                "select conname, pg_get_constraintdef(oid), convalidated from pg_constraint"
                " where conrelid = 'deals.deal_activities'::regclass and contype in ('p', 'f')"
                " and conname <> 'fk_deal_activities_agent_id' order by 1"
            )
        ]
        not_null = await conn.fetchval(
            "select attnotnull from pg_attribute"
            " where attrelid = 'deals.deal_activities'::regclass and attname = 'deal_user_id'"
        )
    finally:
        await conn.close()
    assert {r["id"]: (r["deal_user_id"], r["user_id"]) for r in rows} == {
        row_id: (goal_user, user_id) for row_id, user_id in written.items()
    }
    assert not_null is True
    assert keys == [
        (
            "fk_deal_activities_deal_id",
            "FOREIGN KEY (deal_id, deal_user_id) REFERENCES deals.deals(id, user_id) ON DELETE CASCADE",
            True,
        ),
        (
            "fk_deal_activities_user_id",
            "FOREIGN KEY (user_id) REFERENCES deals.users(id) ON DELETE SET NULL",
            True,
        ),
        ("pk_deal_activities", "PRIMARY KEY (id, deal_user_id)", True),
    ]


async def test_the_migrations_give_existing_scores_their_deals_user(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0142_deals_deals_tenant_key_index")
    conn = await connect_one(empty_db_url)
    try:
        deal = await make_deal(conn)
        written = await conn.fetchval(
            "insert into deals.deal_scores (deal_id, score_type, value, confidence)"
            " values ($1, 'risk', 5, 5) returning id",
            deal.id,
        )
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        owner = await conn.fetchval("select user_id from deals.deal_scores where id = $1", written)
        goal_user = await conn.fetchval("select user_id from deals.goals where id = $1", deal.goal_id)
        keys = [
            tuple(r)
            for r in await conn.fetch(
                "select conname, pg_get_constraintdef(oid), convalidated from pg_constraint"
                " where conrelid = 'deals.deal_scores'::regclass and contype in ('p', 'f') order by 1"
            )
        ]
    finally:
        await conn.close()
    assert owner == goal_user
    assert keys == [
        (
            "fk_deal_scores_deal_id",
            "FOREIGN KEY (deal_id, user_id) REFERENCES deals.deals(id, user_id) ON DELETE CASCADE",
            True,
        ),
        ("pk_deal_scores", "PRIMARY KEY (id, user_id)", True),
    ]


_TASK_KEYS = """
select c.conrelid::regclass::text as tbl, c.conname, pg_get_constraintdef(c.oid) as def, c.convalidated
from pg_constraint as c
where c.conrelid in ('deals.tasks'::regclass, 'deals.task_activities'::regclass) and c.contype in ('p', 'f')
  and c.confrelid is distinct from 'deals.agents'::regclass
order by 1, 2
"""


async def test_the_migrations_key_tasks_and_their_activities_by_their_user(empty_db_url: str) -> None:
    # 0134-0141: activities written before get their task's user; both tables are keyed (id, user_id)
    # and the activities' foreign key names the tenant on both sides.
    migrator = migrated_to_just_before(empty_db_url, "0134_deals_tasks_key_index")
    conn = await connect_one(empty_db_url)
    try:
        goal = await make_goal(conn)
        task = await tasks.create(conn, goal_id=goal.id, title="old")
        written = [
            await conn.fetchval(
                "insert into deals.task_activities (task_id, activity_type)"
                " values ($1, 'started') returning id",
                task.id,
            )
            for _ in range(2)
        ]
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        owners = await conn.fetch("select id, user_id from deals.task_activities")
        keys = [tuple(r) for r in await conn.fetch(_TASK_KEYS)]
    finally:
        await conn.close()
    assert {r["id"]: r["user_id"] for r in owners} == dict.fromkeys(written, goal.user_id)
    assert keys == [
        (
            "deals.task_activities",
            "fk_task_activities_task_id",
            "FOREIGN KEY (task_id, user_id) REFERENCES deals.tasks(id, user_id) ON DELETE CASCADE",
            True,
        ),
        ("deals.task_activities", "pk_task_activities", "PRIMARY KEY (id, user_id)", True),
        (
            "deals.tasks",
            "fk_tasks_goal_id",
            "FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id) ON DELETE CASCADE",
            True,
        ),
        ("deals.tasks", "pk_tasks", "PRIMARY KEY (id, user_id)", True),
    ]


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
