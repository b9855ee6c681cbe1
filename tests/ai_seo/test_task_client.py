"""A task carries its client, and campaigns and tasks are keyed (id, client_id) (migrations
0189-0194, issue 16: Citus distributes them by client_id, co-located with the client).

The client is the campaign's, or the nil uuid for the agency's own work (a task without a campaign).
The database holds it: a writer that leaves it out gets it from a trigger, and one that names a wrong
client is refused by the key's or the check's name.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
import pytest

import sqlfirst
from sqlfirst.ai_seo import campaigns, tasks
from sqlfirst.db import Connection, connect_one
from sqlfirst.errors import ReferenceViolation
from sqlfirst.settings import Settings

from ..migration_helpers import migrated_to_just_before
from .factories import make_agent, make_campaign, make_client, make_task, make_user

INTERNAL = UUID(int=0)


async def _client_of(conn: Connection, task_id: UUID) -> UUID | None:
    client: UUID | None = await conn.fetchval(
        "select client_id from ai_seo.agent_tasks where id = $1", task_id
    )
    return client


async def test_a_task_carries_its_campaigns_client_or_the_agencys(conn: Connection) -> None:
    campaign = await make_campaign(conn)
    for_campaign = await make_task(conn, campaign_id=campaign.id)
    internal = await make_task(conn)
    assert await _client_of(conn, for_campaign.id) == campaign.client_id
    assert await _client_of(conn, internal.id) == INTERNAL


async def test_insert_task_writes_the_client_itself(conn: Connection) -> None:
    campaign = await make_campaign(conn)
    agent = await make_agent(conn)
    # With triggers off, nothing but the statement itself can name the client (under Citus a row
    # reaches its shard by it before any trigger runs).
    await conn.execute("set local session_replication_role = replica")
    for_campaign = await tasks.create(
        conn, agent_id=agent.id, task_type="audit", input_data={}, campaign_id=campaign.id
    )
    internal = await tasks.create(conn, agent_id=agent.id, task_type="audit", input_data={})
    await conn.execute("set local session_replication_role = origin")
    assert await _client_of(conn, for_campaign.id) == campaign.client_id
    assert await _client_of(conn, internal.id) == INTERNAL


async def test_a_writer_that_leaves_the_client_out_gets_it_from_the_trigger(conn: Connection) -> None:
    agent = await make_agent(conn)
    campaign = await make_campaign(conn)
    ids = await conn.fetch(
        "insert into ai_seo.agent_tasks (agent_id, campaign_id, task_type, input_data)"
        " values ($1, $2, 'audit', '{}'), ($1, null, 'audit', '{}') returning id, campaign_id",
        agent.id,
        campaign.id,
    )
    clients = {row["campaign_id"]: await _client_of(conn, row["id"]) for row in ids}
    assert clients == {campaign.id: campaign.client_id, None: INTERNAL}


async def test_an_unknown_campaign_is_refused_by_the_keys_name_with_or_without_the_client(
    conn: Connection,
) -> None:
    agent = await make_agent(conn)
    with pytest.raises(ReferenceViolation) as caught:
        async with conn.transaction():
            await tasks.create(conn, agent_id=agent.id, task_type="audit", input_data={}, campaign_id=uuid4())
    assert caught.value.constraint == "fk_agent_tasks_campaign_id"
    with pytest.raises(asyncpg.ForeignKeyViolationError) as raw:
        async with conn.transaction():
            await conn.execute(
                "insert into ai_seo.agent_tasks (agent_id, campaign_id, task_type, input_data)"
                " values ($1, $2, 'audit', '{}')",
                agent.id,
                uuid4(),
            )
    assert raw.value.constraint_name == "fk_agent_tasks_campaign_id"


async def test_a_wrong_client_is_refused_by_the_key_or_the_check(conn: Connection) -> None:
    agent = await make_agent(conn)
    campaign = await make_campaign(conn)
    other = await make_client(conn, company_name="Other Co")
    insert = (
        "insert into ai_seo.agent_tasks (client_id, agent_id, campaign_id, task_type, input_data)"
        " values ($1, $2, $3, 'audit', '{}')"
    )
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(insert, other.id, agent.id, campaign.id)
    assert caught.value.constraint_name == "fk_agent_tasks_campaign_id"
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(insert, INTERNAL, agent.id, campaign.id)
    assert caught.value.constraint_name == "fk_agent_tasks_campaign_id"
    with pytest.raises(asyncpg.CheckViolationError) as checked:
        async with conn.transaction():
            await conn.execute(insert, other.id, agent.id, None)
    assert checked.value.constraint_name == "ck_agent_tasks_internal_client"


async def test_moving_a_task_or_a_campaign_with_tasks_to_another_client_is_refused(conn: Connection) -> None:
    campaign = await make_campaign(conn)
    elsewhere = await make_campaign(conn)
    task = await make_task(conn, campaign_id=campaign.id)
    internal = await make_task(conn)
    other = await make_client(conn, company_name="Other Co")
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(
                "update ai_seo.campaigns set client_id = $1 where id = $2", other.id, campaign.id
            )
    assert caught.value.constraint_name == "fk_agent_tasks_campaign_id"
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(
                "update ai_seo.agent_tasks set campaign_id = $1 where id = $2", elsewhere.id, task.id
            )
    assert caught.value.constraint_name == "fk_agent_tasks_campaign_id"
    with pytest.raises(asyncpg.CheckViolationError) as checked:
        async with conn.transaction():
            await conn.execute("update ai_seo.agent_tasks set campaign_id = null where id = $1", task.id)
    assert checked.value.constraint_name == "ck_agent_tasks_internal_client"
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(
                "update ai_seo.agent_tasks set campaign_id = $1 where id = $2", campaign.id, internal.id
            )
    assert caught.value.constraint_name == "fk_agent_tasks_campaign_id"
    assert await _client_of(conn, task.id) == campaign.client_id
    assert await _client_of(conn, internal.id) == INTERNAL


async def test_the_keys_hold_the_client_and_lookups_by_id_read_them(conn: Connection) -> None:
    keys = dict(
        await conn.fetch(
            "select conname, pg_get_constraintdef(oid) from pg_constraint"
            " where conrelid in ('ai_seo.campaigns'::regclass, 'ai_seo.agent_tasks'::regclass)"
            " and contype in ('p', 'u', 'f') and conname in ('pk_campaigns', 'pk_agent_tasks',"
            " 'fk_agent_tasks_campaign_id')"
        )
    )
    assert keys == {
        "pk_campaigns": "PRIMARY KEY (id, client_id)",
        "pk_agent_tasks": "PRIMARY KEY (id, client_id)",
        "fk_agent_tasks_campaign_id": (
            "FOREIGN KEY (campaign_id, client_id) REFERENCES ai_seo.campaigns(id, client_id)"
            " ON DELETE RESTRICT"
        ),
    }
    campaign = await make_campaign(conn)
    task = await make_task(conn, campaign_id=campaign.id)
    assert (await tasks.get_by_id(conn, id=task.id)) == task
    assert (await campaigns.get_by_id(conn, id=campaign.id)) == campaign


async def test_the_application_cannot_choose_a_campaigns_or_a_tasks_id(db_url: str) -> None:
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=1))
    try:
        async with db.transaction() as conn:
            client = await make_client(conn)
            campaign = await make_campaign(conn, client)
            task = await make_task(conn, campaign_id=campaign.id)
            assert await _client_of(conn, task.id) == client.id
        async with db.connection() as conn:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(
                    "insert into ai_seo.campaigns (id, client_id, name, campaign_type)"
                    " values ($1, $2, 'x', 'seo')",
                    uuid4(),
                    client.id,
                )
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("update ai_seo.agent_tasks set id = $1 where id = $2", uuid4(), task.id)
    finally:
        await db.close()


async def test_the_migration_gives_tasks_written_before_it_their_client(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0190_ai_seo_task_client")
    conn = await connect_one(empty_db_url)
    try:
        async with conn.transaction():
            campaign = await make_campaign(conn)
            agent = await make_agent(conn)
            user = await make_user(conn)
            # Rows as the code before 0190 wrote them: insert_task named no client then.
            insert = (
                "insert into ai_seo.agent_tasks (agent_id, campaign_id, user_id, task_type, input_data)"
                " values ($1, $2, $3, 'audit', '{}') returning id"
            )
            for_campaign = await conn.fetchval(insert, agent.id, campaign.id, user.id)
            internal = await conn.fetchval(insert, agent.id, None, user.id)
            finished = await conn.fetchval(insert, agent.id, campaign.id, user.id)
            await conn.execute("update ai_seo.agent_tasks set status = 'in_progress' where id = $1", finished)
            await conn.execute("update ai_seo.agent_tasks set status = 'completed' where id = $1", finished)
        counts = await conn.fetch("select * from ai_seo.user_task_counts order by 1, 2")
        assert counts
        migrator.up()
        clients = {t: await _client_of(conn, t) for t in (for_campaign, internal, finished)}
        assert clients == {for_campaign: campaign.client_id, internal: INTERNAL, finished: campaign.client_id}
        assert await conn.fetch("select * from ai_seo.user_task_counts order by 1, 2") == counts
        not_null = await conn.fetchval(
            "select attnotnull from pg_attribute where attrelid = 'ai_seo.agent_tasks'::regclass"
            " and attname = 'client_id'"
        )
        assert not_null is True
        with pytest.raises(asyncpg.CheckViolationError) as checked:
            async with conn.transaction():
                await conn.execute(
                    "insert into ai_seo.agent_tasks (client_id, agent_id, task_type, input_data)"
                    " values ($1, $2, 'audit', '{}')",
                    campaign.client_id,
                    agent.id,
                )
        assert checked.value.constraint_name == "ck_agent_tasks_internal_client"
    finally:
        await conn.close()


async def test_an_update_before_the_fill_fills_the_row_instead_of_failing_the_checks(
    empty_db_url: str,
) -> None:
    """Between 0190 and 0191 the NOT VALID checks hold for every updated row: claiming or finishing
    an old task fills its client on the way."""
    migrator = migrated_to_just_before(empty_db_url, "0190_ai_seo_task_client")
    conn = await connect_one(empty_db_url)
    try:
        async with conn.transaction():
            campaign = await make_campaign(conn)
            agent = await make_agent(conn)
            old = await conn.fetchval(
                "insert into ai_seo.agent_tasks (agent_id, campaign_id, task_type, input_data)"
                " values ($1, $2, 'audit', '{}') returning id",
                agent.id,
                campaign.id,
            )
        migrator.up(target="0190_ai_seo_task_client")  # 0191's fill has not run
        assert await _client_of(conn, old) is None
        await conn.execute("update ai_seo.agent_tasks set status = 'in_progress' where id = $1", old)
        assert await _client_of(conn, old) == campaign.client_id
        migrator.up()
    finally:
        await conn.close()


async def test_setting_a_tasks_client_null_is_refused_and_the_task_keeps_it(conn: Connection) -> None:
    """Since 0207 tg_agent_tasks_client runs before an insert only: NOT NULL refuses such an update
    (before, the trigger quietly set the client back)."""
    campaign = await make_campaign(conn)
    task = await make_task(conn, campaign_id=campaign.id)
    internal = await make_task(conn)
    for task_id in (task.id, internal.id):
        with pytest.raises(asyncpg.NotNullViolationError) as refused:
            async with conn.transaction():
                await conn.execute("update ai_seo.agent_tasks set client_id = null where id = $1", task_id)
        assert refused.value.column_name == "client_id"
    assert await _client_of(conn, task.id) == campaign.client_id
    assert await _client_of(conn, internal.id) == INTERNAL
