"""Tenant isolation in agent_hub, kept by row-level security, as the application role meets it.

Every test connects as ``sqlfirst_app`` (the suite's superuser login with ``Settings.role``):
superusers bypass RLS, so only this proves anything. Users A and B each own a private agent with a
session and events, and A owns a public, published agent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

import sqlfirst
from sqlfirst.acting import acting_user
from sqlfirst.agent_hub import agents, events, marketplace, sessions, users
from sqlfirst.agent_hub.models import Agent, Session, User
from sqlfirst.bench.plans import explain_analyze
from sqlfirst.bench.plans import plan_nodes as nodes
from sqlfirst.db import Database, connect_one
from sqlfirst.errors import CheckViolation, NotFound, PermissionDenied
from sqlfirst.settings import Settings
from tests.isolation_helpers import assert_each_refused

from .factories import make_agent, make_user

PASSWORD = "correct horse battery staple"


@dataclass
class Tenant:
    user: User
    private: Agent
    session: Session


@dataclass
class World:
    db: Database
    a: Tenant
    b: Tenant
    public: Agent


async def _tenant(db: Database) -> Tenant:
    async with db.transaction() as conn:
        user = await make_user(conn)
    async with db.transaction(as_user=user.id) as conn:
        private = await make_agent(conn, user, name="private")
        session = await sessions.create(
            conn, agent_id=private.id, user_id=user.id, external_session_id=str(user.id)
        )
        await events.append(conn, session_id=session.id, author="user", content=f"secret of {user.username}")
        await sessions.append_messages(conn, id=session.id, messages=[{"said": user.username}])
    return Tenant(user, private, session)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    settings = Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=1)
    db = await sqlfirst.connect(settings)  # one connection: every transaction reuses it
    try:
        a, b = await _tenant(db), await _tenant(db)
        async with db.transaction(as_user=a.user.id) as conn:
            public = await make_agent(conn, a.user, is_public=True, name="public")
            await marketplace.publish(conn, agent_id=public.id, category="research", tags=["web"])
        yield World(db, a, b, public)
    finally:
        await db.close()


async def test_b_cannot_read_a_s_rows_through_the_public_api(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await agents.get(conn, id=a.private.id) is None
        assert await sessions.get(conn, id=a.session.id) is None
        assert await sessions.find_by_external_id(conn, external_session_id=str(a.user.id)) is None
        assert await sessions.list_for_user(conn, user_id=a.user.id) == []
        assert await sessions.list_for_agent(conn, agent_id=a.private.id) == []
        assert await events.list_page(conn, session_id=a.session.id) == []
        with pytest.raises(NotFound):
            await sessions.history_page(conn, id=a.session.id)
        assert [x.id for x in await agents.list_by_owner(conn, owner_id=a.user.id)] == [world.public.id]
        # B's own rows are all there.
        assert (await sessions.get(conn, id=b.session.id)) is not None
        assert [e.content for e in await events.list_page(conn, session_id=b.session.id)] == [
            f"secret of {b.user.username}"
        ]


async def test_b_cannot_change_or_delete_a_s_rows_through_the_public_api(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await agents.update_definition(conn, id=a.private.id, definition={"model": "x"}) is None
        assert await agents.update_definition(conn, id=world.public.id, definition={"model": "x"}) is None
        assert await agents.set_public(conn, id=a.private.id, is_public=True) is None
        assert await sessions.update_state(conn, id=a.session.id, state={"owned": "by b"}) is None
        assert await agents.delete(conn, id=world.public.id) == 0
        assert await sessions.delete(conn, id=a.session.id) == 0
        assert await marketplace.withdraw(conn, agent_id=world.public.id) == 0
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=b.user.id) as conn:
            # A's public agent is visible, but its entry is A's to republish.
            await marketplace.publish(conn, agent_id=world.public.id, category="stolen")
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=b.user.id) as conn:
            await sessions.create(conn, agent_id=a.private.id, user_id=b.user.id)  # A's private agent
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=b.user.id) as conn:
            await sessions.create(conn, agent_id=b.private.id, user_id=a.user.id)  # a session for A
    async with world.db.transaction(as_user=a.user.id) as conn:
        assert (await agents.get(conn, id=a.private.id)).definition != {"model": "x"}  # type: ignore[union-attr]
        assert (await sessions.get(conn, id=a.session.id)).state == {}  # type: ignore[union-attr]
        entry = await marketplace.get(conn, agent_id=world.public.id)
        assert entry is not None and entry.category == "research"


async def test_raw_sql_on_the_app_role_sees_and_touches_only_the_acting_user_s_rows(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await conn.fetchval("select count(*) from agent_hub.sessions") == 1
        assert await conn.fetchval("select count(*) from agent_hub.events") == 1
        assert await conn.fetchval("select count(*) from agent_hub.session_messages") == 1
        assert await conn.fetchval("select count(*) from agent_hub.agents") == 2  # B's private, A's public
        assert await conn.execute("update agent_hub.agents set name = 'b was here'") == "UPDATE 1"
        assert (
            await conn.execute("delete from agent_hub.sessions where user_id = $1", a.user.id) == "DELETE 0"
        )
        assert await conn.execute("update agent_hub.events set content = 'gone'") == "UPDATE 1"
        await conn.execute("set local sqlfirst.user_id = ''")  # forgetting the user shows nothing
        assert await conn.fetchval("select count(*) from agent_hub.sessions") == 0
    async with world.db.transaction(as_user=a.user.id) as conn:
        assert (
            await conn.fetchval("select name from agent_hub.agents where id = $1", a.private.id) == "private"
        )
        assert await conn.fetchval("select content from agent_hub.events") == f"secret of {a.user.username}"


@pytest.mark.parametrize(
    "statement",
    [
        "select password_hash from agent_hub.users",
        "select * from agent_hub.users",
        "select u.id from agent_hub.users as u where u.password_hash like '$argon2%'",
    ],
)
async def test_no_query_of_the_app_role_can_read_a_password_hash(world: World, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await conn.fetch(statement)


async def test_login_works_through_the_narrow_function(world: World) -> None:
    async with world.db.transaction() as conn:
        user = await users.verify(conn, username=world.a.user.username, password=PASSWORD)
        assert user is not None and user.id == world.a.user.id
        assert await users.verify(conn, username=world.a.user.username, password="wrong") is None


async def test_without_an_acting_user_tenant_rows_are_invisible(world: World) -> None:
    async with world.db.transaction() as conn:
        for table in ("sessions", "events", "session_messages"):
            assert await conn.fetchval(f"select count(*) from agent_hub.{table}") == 0, table
        assert [a.id for a in await agents.list_public(conn)] == [world.public.id]
        assert await conn.fetchval("select count(*) from agent_hub.agents") == 1
        assert await sessions.get(conn, id=world.a.session.id) is None
        assert await conn.execute("delete from agent_hub.agents") == "DELETE 0"
    with pytest.raises(PermissionDenied):
        async with world.db.transaction() as conn:
            await make_agent(conn, world.a.user, name="nobody's")


async def test_a_reused_pooled_connection_does_not_act_for_the_previous_user(world: World) -> None:
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        first = conn._con  # type: ignore[union-attr]  # the raw connection behind the pool's proxy
        assert await conn.fetchval("select core.acting_user()") == world.a.user.id
    with pytest.raises(RuntimeError):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            raise RuntimeError("rolled back")
    async with world.db.transaction() as conn:
        assert conn._con is first  # type: ignore[union-attr]  # the pool has one connection
        assert await conn.fetchval("select core.acting_user()") is None
        assert await sessions.get(conn, id=world.a.session.id) is None
    async with world.db.connection() as conn:  # no transaction at all
        assert await conn.fetchval("select count(*) from agent_hub.sessions") == 0


async def test_the_acting_user_context_is_the_default(world: World) -> None:
    with acting_user(world.b.user.id):
        async with world.db.transaction() as conn:
            assert [s.id for s in await sessions.list_for_user(conn, user_id=world.b.user.id)] == [
                world.b.session.id
            ]
        async with world.db.transaction(as_user=world.a.user.id) as conn:  # explicit wins
            assert await sessions.get(conn, id=world.a.session.id) is not None
    result = await world.db.run_in_transaction(
        lambda conn: sessions.get(conn, id=world.a.session.id), as_user=world.a.user.id
    )
    assert result is not None


async def test_public_agents_and_their_entries_are_shared(world: World) -> None:
    async with world.db.transaction(as_user=world.b.user.id) as conn:
        assert await agents.get(conn, id=world.public.id) is not None
        assert [e.agent_id for e in await marketplace.search(conn, category="research")] == [world.public.id]
        assert await marketplace.download(conn, agent_id=world.public.id) == 1
        rated = await marketplace.rate(conn, agent_id=world.public.id, score=4.0)
        assert rated.rating_count == 1
        assert [v.version for v in await marketplace.versions(conn, agent_id=world.public.id)] == [1]
        # B may use A's public agent.
        mine = await sessions.create(conn, agent_id=world.public.id, user_id=world.b.user.id)
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        assert await sessions.get(conn, id=mine.id) is None  # B's session on A's agent is B's


async def test_a_private_agent_cannot_be_published(world: World) -> None:
    with pytest.raises(CheckViolation) as caught:
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await marketplace.publish(conn, agent_id=world.a.private.id, category="research")
    assert caught.value.constraint == "ck_marketplace_entries_agent_public"


async def test_search_drops_an_agent_made_private(world: World) -> None:
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        await agents.set_public(conn, id=world.public.id, is_public=False)
        assert await marketplace.search(conn, category="research") == []
        assert await marketplace.search(conn, tags=["web"]) == []
    async with world.db.transaction(as_user=world.b.user.id) as conn:
        assert await marketplace.get(conn, agent_id=world.public.id) is None
        with pytest.raises(NotFound):
            await marketplace.download(conn, agent_id=world.public.id)
        assert await conn.fetchval("select count(*) from agent_hub.marketplace_entries") == 0
    async with world.db.transaction(as_user=world.a.user.id) as conn:  # the owner still sees theirs
        entry = await marketplace.get(conn, agent_id=world.public.id)
        assert entry is not None and entry.category == "research"
        assert await marketplace.download(conn, agent_id=world.public.id) == 1


@pytest.mark.parametrize("mode", ["custom", "generic"])
async def test_the_entries_policy_reads_no_agent_per_listed_entry(
    world: World, db_url: str, mode: str
) -> None:
    """A listed entry passes the select policy on its own column (0085): a search as the app role
    looks up the acting user's agents at most once, not the agent of every candidate entry (with
    many agents, the old policy probed one per entry)."""
    owner = await connect_one(db_url)
    try:
        await owner.execute(
            """
            insert into agent_hub.agents (name, display_name, owner_id, definition, is_public)
            select 'bulk', 'Bulk', $1, '{}', true from generate_series(1, 20000);
            insert into agent_hub.marketplace_entries (agent_id, category, tags)
            select id, 'research', '["web"]' from agent_hub.agents where name = 'bulk' limit 8;
            analyze agent_hub.agents;
            analyze agent_hub.marketplace_entries;
            """.replace("$1", f"'{world.a.user.id}'")
        )
    finally:
        await owner.close()
    searches = (
        (marketplace._search_tags, (["web"], 50)),
        (marketplace._search_category, ("research", ["web"], 50)),
    )
    for search, args in searches:
        async with world.db.transaction(as_user=world.b.user.id) as conn:
            sql = search.__sqlfirst__.query.sql  # type: ignore[attr-defined]
            plan = await explain_analyze(conn, sql, args, mode=mode)
        scans = [n for n in nodes(plan) if n.get("Relation Name") == "agents"]
        assert plan["Actual Rows"] == 9, plan
        assert sum(n["Actual Loops"] for n in scans) <= 1, (mode, scans)


async def test_a_single_pooled_call_acts_for_the_acting_user(world: World) -> None:
    """``db.call`` runs one typed function in its own transaction for the acting user of the task."""
    a, b = world.a, world.b
    with acting_user(a.user.id):
        assert await world.db.call(agents.get, id=a.private.id) == a.private
        assert await world.db.call(sessions.get, id=b.session.id) is None
    with acting_user(b.user.id):
        assert await world.db.call(agents.get, id=a.private.id) is None
        seen = await world.db.call(sessions.get, id=b.session.id)
        assert seen is not None and seen.id == b.session.id
    # Nobody acting: tenant rows are invisible; shared ones are not.
    assert await world.db.call(agents.get, id=a.private.id) is None
    assert await world.db.call(agents.get, id=world.public.id) == world.public


async def test_b_cannot_change_or_delete_a_s_account(world: World) -> None:
    # users is the readable registry, without RLS: 0089's row trigger keeps each account for its own
    # user. Before it, B could take A's account over (email, password) or delete it, and with it
    # every agent, session and event of A's through the cascades.
    a, b = world.a, world.b
    attempts = (
        lambda conn: users.update_profile(conn, id=a.user.id, email="evil@example.com", full_name="x"),
        lambda conn: users.set_password(conn, id=a.user.id, password="a stolen horse battery"),
        lambda conn: users.deactivate(conn, id=a.user.id),
        lambda conn: users.delete(conn, id=a.user.id),
    )
    await assert_each_refused(world.db, attempts, acting=(b.user.id, None))  # B, or nobody
    async with world.db.transaction(as_user=a.user.id) as conn:
        user = await users.get_by_id(conn, id=a.user.id)
        assert user is not None and user.email == a.user.email and user.is_active
        assert await agents.get(conn, id=a.private.id) is not None
        mine = await users.update_profile(conn, id=a.user.id, email=a.user.email, full_name="Ada")
        assert mine is not None and mine.full_name == "Ada"


async def test_b_cannot_move_a_session_of_its_own_onto_a_s_private_agent(world: World) -> None:
    # The agent check runs on updates as on inserts (0181 moved it from the policy to a trigger).
    a, b = world.a, world.b
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=b.user.id) as conn:
            await conn.execute(
                "update agent_hub.sessions set agent_id = $1 where id = $2", a.private.id, b.session.id
            )
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert (await sessions.get(conn, id=b.session.id)).agent_id == b.private.id  # type: ignore[union-attr]
