"""Tenant isolation in ai_seo, kept by row-level security, as the application role meets it.

Every test connects as ``sqlfirst_app`` (superusers bypass RLS). The tenant is the staff user for
their refresh sessions; agents, clients, campaigns and tasks are the agency's shared work (0075).
Operators A and B and admin C each signed up with a first session; A requested a task of a shared
campaign.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pydantic import SecretStr

import sqlfirst
from sqlfirst.acting import acting_user
from sqlfirst.ai_seo import analytics, campaigns, sessions, tasks, users
from sqlfirst.ai_seo.models import Campaign, Session, Task, User
from sqlfirst.db import Connection, Database
from sqlfirst.errors import PermissionDenied
from sqlfirst.settings import Settings
from tests.isolation_helpers import assert_each_refused

from .factories import PASSWORD, make_agent, make_campaign

SECRET_FUNCTIONS = (
    "ai_seo.login_password_hash(text)",
    "ai_seo.use_refresh_token(uuid,text)",
    "ai_seo.rotate_refresh_token(uuid,text,text,timestamptz,text,inet)",
)


@dataclass
class Staff:
    user: User
    session: Session
    token: SecretStr


@dataclass
class World:
    db: Database
    a: Staff
    b: Staff
    admin: Staff
    campaign: Campaign
    task: Task


async def _sign_up(db: Database, name: str, role: str = "operator") -> Staff:
    async with db.transaction() as conn:  # sign-up: nobody acts yet
        user, issued = await users.create_with_session(
            conn, username=name, email=f"{name}@agency.example", password=PASSWORD, role=role
        )
    return Staff(user, issued.session, issued.refresh_token)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    settings = Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=1)
    db = await sqlfirst.connect(settings)  # one connection: every transaction reuses it
    try:
        a, b = await _sign_up(db, "ada"), await _sign_up(db, "bob")
        # The first admin is made by a role that row-level security does not bind (0092).
        async with await sqlfirst.connect(Settings(database_url=db_url, min_size=1, max_size=1)) as owner:
            admin = await _sign_up(owner, "cleo", role="admin")
        async with db.transaction(as_user=a.user.id) as conn:
            campaign = await make_campaign(conn)
            task = await tasks.create(
                conn,
                agent_id=(await make_agent(conn)).id,
                campaign_id=campaign.id,
                user_id=a.user.id,
                task_type="site_audit",
                input_data={"url": "https://acme.example"},
            )
        yield World(db, a, b, admin, campaign, task)
    finally:
        await db.close()


async def test_b_cannot_read_or_end_a_s_sessions_through_the_public_api(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await sessions.list_active(conn, user_id=a.user.id) == []
        assert await sessions.revoke(conn, id=a.session.id, user_id=a.user.id) is None
        assert await sessions.revoke_all(conn, user_id=a.user.id) == 0
        assert await sessions.cleanup(conn) == 0
        overview = await analytics.user_overview(conn, user_id=a.user.id)
        assert overview is not None and overview.active_sessions == 0
        assert [s.id for s in await sessions.list_active(conn, user_id=b.user.id)] == [b.session.id]
    async with world.db.transaction(as_user=a.user.id) as conn:
        assert [s.id for s in await sessions.list_active(conn, user_id=a.user.id)] == [a.session.id]
        overview = await analytics.user_overview(conn, user_id=a.user.id)
        assert overview is not None and overview.active_sessions == 1


async def test_b_cannot_issue_a_session_for_a(world: World) -> None:
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.b.user.id) as conn:
            await sessions.issue(conn, user_id=world.a.user.id)
    with pytest.raises(PermissionDenied):  # nor can nobody
        async with world.db.transaction() as conn:
            await sessions.issue(conn, user_id=world.a.user.id)


async def test_raw_sql_on_the_app_role_sees_and_touches_only_the_acting_user_s_sessions(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == 1
        assert await conn.fetchval("select user_id from ai_seo.user_sessions") == b.user.id
        assert await conn.execute("update ai_seo.user_sessions set user_agent = 'b was here'") == "UPDATE 1"
        assert (
            await conn.execute("delete from ai_seo.user_sessions where user_id = $1", a.user.id) == "DELETE 0"
        )
        await conn.execute("set local sqlfirst.user_id = ''")  # forgetting the user shows nothing
        assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == 0
    with pytest.raises(PermissionDenied):  # B's session cannot be handed to A
        async with world.db.transaction(as_user=b.user.id) as conn:
            await conn.execute("update ai_seo.user_sessions set user_id = $1", a.user.id)
    async with world.db.transaction(as_user=a.user.id) as conn:
        assert await conn.fetchval("select user_agent from ai_seo.user_sessions") is None


async def test_without_an_acting_user_sessions_are_invisible_and_shared_work_is_not(world: World) -> None:
    async with world.db.transaction() as conn:
        assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == 0
        assert await sessions.list_active(conn, user_id=world.a.user.id) == []
        assert await conn.execute("delete from ai_seo.user_sessions") == "DELETE 0"
        assert await tasks.get_by_id(conn, id=world.task.id) == world.task
        assert await campaigns.get_by_id(conn, id=world.campaign.id) == world.campaign


async def test_the_agency_s_work_is_shared_by_every_staff_member(world: World) -> None:
    async with world.db.transaction(as_user=world.b.user.id) as conn:
        assert await tasks.get_by_id(conn, id=world.task.id) == world.task  # A requested it
        summary = await analytics.campaign_task_summary(conn, campaign_id=world.campaign.id)
        assert summary is not None and summary.total_tasks == 1
        overview = await analytics.user_overview(conn, user_id=world.a.user.id)
        assert overview is not None and overview.total_tasks == 1
        claimed = await tasks.claim_next(conn, agent_id=world.task.agent_id)  # B's agent works A's task
        assert claimed is not None and claimed.id == world.task.id


async def test_an_admin_sees_and_ends_a_colleague_s_sessions_but_issues_none(world: World) -> None:
    a, admin = world.a, world.admin
    async with world.db.transaction(as_user=admin.user.id) as conn:
        assert [s.id for s in await sessions.list_active(conn, user_id=a.user.id)] == [a.session.id]
        assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == 3
        assert await sessions.revoke_all(conn, user_id=a.user.id) == 1  # logging a colleague out
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=admin.user.id) as conn:
            await sessions.issue(conn, user_id=a.user.id)
    async with world.db.transaction(as_user=admin.user.id) as conn:
        await users.deactivate(conn, id=admin.user.id)  # a deactivated admin is no admin
        assert await sessions.list_active(conn, user_id=world.b.user.id) == []


@pytest.mark.parametrize(
    "statement",
    [
        "select password_hash from ai_seo.users",
        "select * from ai_seo.users",
        "select u.id from ai_seo.users as u where u.password_hash like '$argon2%'",
        "select refresh_token_hash from ai_seo.user_sessions",
        "select * from ai_seo.user_sessions",
        "select count(*) from ai_seo.user_sessions where refresh_token_hash like '0%'",
        "update ai_seo.user_sessions set last_used_at = now() where refresh_token_hash <> ''",
    ],
)
async def test_no_query_of_the_app_role_can_read_a_secret(world: World, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await conn.fetch(statement)


async def test_login_and_refresh_tokens_work_through_the_narrow_functions(world: World) -> None:
    a = world.a
    async with world.db.transaction() as conn:  # authentication comes before anybody acts
        user = await users.verify(conn, username=a.user.username, password=PASSWORD)
        assert user is not None and user.id == a.user.id
        assert await users.verify(conn, username=a.user.username, password="wrong") is None
        used = await sessions.validate(conn, refresh_token=a.token.get_secret_value(), user_id=a.user.id)
        assert used is not None and used.id == a.session.id and used.last_used_at is not None
        assert (
            await sessions.validate(conn, refresh_token=a.token.get_secret_value(), user_id=world.b.user.id)
            is None
        )
        rotation = await sessions.rotate(conn, refresh_token=a.token.get_secret_value(), user_id=a.user.id)
        assert rotation.outcome == "rotated" and rotation.issued is not None
        fresh = rotation.issued.refresh_token.get_secret_value()
        assert await sessions.validate(conn, refresh_token=fresh, user_id=a.user.id) is not None
    async with world.db.transaction() as conn:  # the old token again: stolen, every session revoked
        replay = await sessions.rotate(conn, refresh_token=a.token.get_secret_value(), user_id=a.user.id)
        assert replay.outcome == "reused"
    async with world.db.transaction(as_user=a.user.id) as conn:
        assert await sessions.list_active(conn, user_id=a.user.id) == []
        await sessions.issue(conn, user_id=a.user.id, ttl=timedelta(hours=1))  # logging in again


async def test_the_secret_functions_are_narrow_security_definers(world: World) -> None:
    async with world.db.connection() as conn:
        rows = await conn.fetch(
            "select p.oid::regprocedure::text as name, p.prosecdef, p.proconfig,"
            " has_function_privilege('sqlfirst_readonly', p.oid, 'execute') as readonly_may"
            " from pg_proc as p where p.oid = any($1::regprocedure[])",
            list(SECRET_FUNCTIONS),
        )
    assert len(rows) == len(SECRET_FUNCTIONS)
    for row in rows:
        assert row["prosecdef"], row["name"]
        assert row["proconfig"] == ["search_path=pg_catalog, pg_temp"], row["name"]
        assert not row["readonly_may"], row["name"]


async def _acting(conn: Connection) -> object:
    return await conn.fetchval("select core.acting_user()")


async def test_sign_up_acts_for_the_new_user_only_while_storing_the_session(world: World) -> None:
    async with world.db.transaction() as conn:
        await users.create_with_session(conn, username="dora", email="dora@agency.example", password=PASSWORD)
        assert await _acting(conn) is None
        assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == 0
    async with world.db.transaction(as_user=world.admin.user.id) as conn:  # an admin signs someone up
        await users.create_with_session(conn, username="eve", email="eve@agency.example", password=PASSWORD)
        assert await _acting(conn) == world.admin.user.id


async def test_a_reused_pooled_connection_does_not_act_for_the_previous_user(world: World) -> None:
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        assert await _acting(conn) == world.a.user.id
    async with world.db.transaction() as conn:
        assert await _acting(conn) is None
        assert await sessions.list_active(conn, user_id=world.a.user.id) == []
    async with world.db.connection() as conn:  # no transaction at all
        assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == 0


async def test_a_single_pooled_call_acts_for_the_acting_user(world: World) -> None:
    a, b = world.a, world.b
    with acting_user(a.user.id):
        assert [s.id for s in await world.db.call(sessions.list_active, user_id=a.user.id)] == [a.session.id]
    with acting_user(b.user.id):
        assert await world.db.call(sessions.list_active, user_id=a.user.id) == []
    assert await world.db.call(sessions.list_active, user_id=a.user.id) == []


async def test_the_worker_role_cleans_up_every_user_s_stale_sessions(db_url: str, world: World) -> None:
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        await sessions.revoke_all(conn, user_id=world.a.user.id)
    async with world.db.transaction(as_user=world.b.user.id) as conn:
        await sessions.revoke_all(conn, user_id=world.b.user.id)
    worker = await sqlfirst.connect(
        Settings(database_url=db_url, role="sqlfirst_worker", min_size=1, max_size=1)
    )
    try:
        async with worker.transaction() as conn:
            assert await sessions.cleanup(conn) == 2
            assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == 1  # the admin's
        with pytest.raises(PermissionDenied):  # the worker bypasses RLS, not the secrets
            async with worker.transaction() as conn:
                await conn.fetch("select refresh_token_hash from ai_seo.user_sessions")
    finally:
        await worker.close()


async def test_only_the_worker_may_recount_every_user_s_tasks(db_url: str, world: World) -> None:
    """The recount locks agent_tasks against writers until its transaction ends: maintenance, not a
    request (0080)."""
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await conn.fetchval("select ai_seo.recount_user_tasks()")
    worker = await sqlfirst.connect(
        Settings(database_url=db_url, role="sqlfirst_worker", min_size=1, max_size=1)
    )
    try:
        async with worker.transaction() as conn:
            assert await conn.fetchval("select ai_seo.recount_user_tasks()") == 1  # A's task
    finally:
        await worker.close()


async def test_only_an_acting_admin_gives_roles_or_writes_another_s_account(world: World) -> None:
    # 0092: before it, operator B made themselves admin with set_role and then, through the sessions
    # policies that trust the role, listed and revoked A's sessions.
    a, b, admin = world.a, world.b, world.admin
    attempts = (
        lambda conn: users.set_role(conn, id=b.user.id, role="admin"),
        lambda conn: users.set_active(conn, id=a.user.id, is_active=False),
        lambda conn: users.set_active(conn, id=b.user.id, is_active=False),
        lambda conn: users.update_profile(conn, id=a.user.id, email="evil@agency.example", full_name="x"),
        lambda conn: users.delete(conn, id=a.user.id),
        lambda conn: users.create(
            conn, username="mallory", email="mallory@agency.example", password=PASSWORD, role="manager"
        ),
    )
    await assert_each_refused(world.db, attempts, acting=(b.user.id, None))  # B, or nobody
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await sessions.list_active(conn, user_id=a.user.id) == []  # still an operator
        mine = await users.update_profile(conn, id=b.user.id, email="bob2@agency.example", full_name="Bob")
        assert mine is not None and mine.full_name == "Bob" and mine.role == "operator"
    async with world.db.transaction(as_user=admin.user.id) as conn:
        promoted = await users.set_role(conn, id=b.user.id, role="manager")
        assert promoted is not None and promoted.role == "manager"
        paused = await users.set_active(conn, id=a.user.id, is_active=False)
        assert paused is not None and not paused.is_active
