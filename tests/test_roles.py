"""Least privilege: the roles, their grants, and what the application role may not do.

The application connects as ``sqlfirst_app`` here (``Settings.role``: the superuser login of the
suite sets that role at connect, and the pool keeps it across resets), so every check is what a
deployment's application role meets, not what a superuser would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

import sqlfirst
from sqlfirst.agent_hub import agents, marketplace, sessions
from sqlfirst.agent_hub import users as hub_users
from sqlfirst.ai_seo import analytics as seo_analytics
from sqlfirst.ai_seo import sessions as seo_sessions
from sqlfirst.ai_seo import users as seo_users
from sqlfirst.db import Connection, Database
from sqlfirst.deals import goals, tokens
from sqlfirst.deals import users as deal_users
from sqlfirst.errors import ConfigurationError, PermissionDenied
from sqlfirst.roles import ROLES, ensure_roles, passwords_from_env, scram_verifier
from sqlfirst.settings import Settings
from tests.agent_hub.factories import make_agent, make_user
from tests.deals.factories import make_deal, make_goal, make_market

APP = "sqlfirst_app"
# The tables the roles are granted: every table of a domain schema but the partitions of a parent
# under row-level security (the parent's policy guards queries through the parent only, so such a
# partition is granted to nobody; see PARTITIONS_UNDER_RLS).
DOMAIN_TABLES = """
    select c.oid::regclass::text as name
      from pg_class c
      join core.domain_schemas() as s on c.relnamespace = s::regnamespace
     where c.relkind in ('r', 'p')
       and not (c.relispartition
                and exists (select from pg_inherits as i join pg_class as p on p.oid = i.inhparent
                             where i.inhrelid = c.oid and p.relrowsecurity))
"""
PARTITIONS_UNDER_RLS = """
    select c.oid::regclass::text as name
      from pg_class c
      join pg_inherits as i on i.inhrelid = c.oid
      join pg_class as p on p.oid = i.inhparent
     where c.relnamespace in (select s::regnamespace from core.domain_schemas() as s)
       and p.relrowsecurity
"""


@pytest.fixture
async def app_db(db_url: str) -> AsyncIterator[Database]:
    """A pool on this test's own database whose every connection acts as the application role."""
    db = await sqlfirst.connect(Settings(database_url=db_url, role=APP, min_size=1, max_size=4))
    try:
        yield db
    finally:
        await db.close()


async def test_the_pool_acts_as_the_app_role_even_after_a_reset(app_db: Database) -> None:
    for _ in range(3):  # released connections are reset (RESET ALL) and come back as the same role
        async with app_db.connection() as conn:
            assert await conn.fetchval("select current_user") == APP
            await conn.execute("reset all")
            assert await conn.fetchval("select current_user") == APP


@pytest.mark.parametrize(
    "statement",
    [
        "create table public.intruder (id int)",
        "create table deals.intruder (id int)",
        "create function deals.intruder() returns int language sql as 'select 1'",
        "drop table deals.users cascade",
        "drop schema deals cascade",
        "truncate deals.users cascade",
        "truncate agent_hub.sessions",
        "alter table deals.users add column intruder text",
        "alter table agent_hub.agents disable row level security",
        "alter table agent_hub.agents disable trigger all",
        "create index ix_intruder on deals.users (email)",
        "select * from public._yoyo_migration",
        "select * from public.sqlfirst_migration_checksums",
        "delete from public._yoyo_migration",
        "select * from core.partitioned_tables",
        "select core.run_partition_maintenance()",
        "select core.register_partitioned_table('deals.users'::regclass, 'created_at')",
        "select core.grant_domain_privileges('deals')",
    ],
)
async def test_the_app_role_cannot_change_the_schema_or_read_bookkeeping(
    app_db: Database, statement: str
) -> None:
    # Raw SQL on db.connection() raises the driver's error inside the block; the block's exit types it.
    with pytest.raises(PermissionDenied) as caught:
        async with app_db.connection() as conn:
            await conn.execute(statement)
    assert caught.value.sqlstate == "42501"
    assert isinstance(caught.value.__cause__, Exception)


async def test_a_denied_statement_in_a_transaction_is_typed_and_rolls_back(app_db: Database) -> None:
    with pytest.raises(PermissionDenied):
        async with app_db.transaction() as conn:
            await deal_users.create(conn, email="kept@example.com", password="correct horse battery")
            await conn.execute("truncate deals.users cascade")
    async with app_db.connection() as conn:
        assert await deal_users.get_by_email(conn, email="kept@example.com") is None


async def test_agent_hub_typed_calls_work_as_the_app_role(app_db: Database) -> None:
    async with app_db.transaction() as conn:  # signing up needs no acting user
        owner = await make_user(conn)
    async with app_db.transaction(as_user=owner.id) as conn:
        agent = await make_agent(conn, owner, is_public=True, name="scribe")
        session = await sessions.create(conn, agent_id=agent.id, user_id=owner.id)
        assert await sessions.append_messages(conn, id=session.id, messages=[{"role": "user"}]) >= 1
        entry = await marketplace.publish(conn, agent_id=agent.id, category="writing", tags=["notes"])
        assert entry.agent_id == agent.id
    async with app_db.transaction() as conn:  # logging in needs none either
        assert await hub_users.verify(conn, username=owner.username, password="correct horse battery staple")
    async with app_db.transaction(as_user=owner.id) as conn:
        assert [a.id for a in await agents.list_by_owner(conn, owner_id=owner.id)] == [agent.id]
        assert [e.agent_id for e in await marketplace.search(conn, category="writing")] == [agent.id]
        assert await marketplace.download(conn, agent_id=agent.id) == 1
        assert await sessions.delete(conn, id=session.id) == 1
        assert await agents.delete(conn, id=agent.id) == 1


async def test_deals_typed_calls_work_as_the_app_role(app_db: Database) -> None:
    async with app_db.transaction() as conn:  # signing up needs no acting user
        user = await deal_users.create(conn, email="buyer@example.com", password="correct horse battery")
    async with app_db.transaction(as_user=user.id) as conn:
        goal = await make_goal(conn, user)
        market = await make_market(conn)
        deal = await make_deal(conn, goal, market)
        assert deal.goal_id == goal.id
        await tokens.reward(conn, user_id=user.id, amount=Decimal("10"), description="welcome")
        await tokens.deduct(conn, user_id=user.id, amount=Decimal("4"), goal_id=goal.id)
    async with app_db.transaction() as conn:  # logging in needs none either
        assert await deal_users.verify(conn, email="buyer@example.com", password="correct horse battery")
    async with app_db.transaction(as_user=user.id) as conn:
        assert [g.id for g in await goals.list_by_user(conn, user_id=user.id)] == [goal.id]
        fresh = await deal_users.get_by_id(conn, id=user.id)
        assert fresh is not None and await tokens.balance(conn, user_id=user.id) == Decimal("6")


async def test_ai_seo_typed_calls_work_as_the_app_role(app_db: Database) -> None:
    async with app_db.transaction() as conn:  # signing up (with a first session) needs no acting user
        user, issued = await seo_users.create_with_session(
            conn, username="ada", email="ada@agency.example", password="correct horse battery"
        )
    async with app_db.transaction() as conn:  # nor do logging in and refreshing
        assert await seo_users.verify(conn, username="ada", password="correct horse battery")
        token = issued.refresh_token.get_secret_value()
        assert await seo_sessions.validate(conn, refresh_token=token, user_id=user.id) is not None
        assert (await seo_sessions.rotate(conn, refresh_token=token, user_id=user.id)).outcome == "rotated"
    async with app_db.transaction(as_user=user.id) as conn:
        assert len(await seo_sessions.list_active(conn, user_id=user.id)) == 1
        overview = await seo_analytics.user_overview(conn, user_id=user.id)
        assert overview is not None and overview.active_sessions == 1


async def test_every_domain_table_is_granted_to_the_app_readonly_and_worker_roles(conn: Connection) -> None:
    missing = await conn.fetch(
        f"""
        select t.name, r.role
          from ({DOMAIN_TABLES}) as t
         cross join (values ('sqlfirst_app', 'delete'),
                            ('sqlfirst_worker', 'insert,update,delete'),
                            ('sqlfirst_readonly', null)) as r (role, privileges)
         -- one privilege at a time: has_table_privilege(..., 'a,b') holds when either does
         where exists (select from unnest(string_to_array(r.privileges, ',')) as p (privilege)
                        where not has_table_privilege(r.role, t.name, p.privilege))
            or not has_any_column_privilege(r.role, t.name, 'select')
            -- the app writes every column but those the database chooses (the next test)
            or (r.role = 'sqlfirst_app' and not has_any_column_privilege(r.role, t.name, 'insert'))
            or (r.role = 'sqlfirst_app' and not has_any_column_privilege(r.role, t.name, 'update'))
        """
    )
    assert [tuple(row) for row in missing] == []
    assert len(await conn.fetch(DOMAIN_TABLES)) > 50
    # Nothing more: no TRUNCATE, REFERENCES or TRIGGER for anyone but the owner.
    excess = await conn.fetch(
        f"""
        select t.name, r.role
          from ({DOMAIN_TABLES}) as t
         cross join (values ('sqlfirst_app'), ('sqlfirst_worker'), ('sqlfirst_readonly')) as r (role)
         where has_table_privilege(r.role, t.name, 'truncate,references,trigger')
            or (r.role = 'sqlfirst_readonly' and has_table_privilege(r.role, t.name, 'insert,update,delete'))
        """
    )
    assert [tuple(row) for row in excess] == []


async def test_the_app_writes_every_column_but_those_the_database_chooses(conn: Connection) -> None:
    # A key that holds the tenant, (id, user_id), makes an id unique only beside its user: an id the
    # application could choose could be another user's, a twin (0175, 0176).
    rows = await conn.fetch(
        f"""
        select t.name, a.attname,
               has_column_privilege('sqlfirst_app', t.name, a.attname, 'insert') as insertable,
               has_column_privilege('sqlfirst_app', t.name, a.attname, 'update') as updatable,
               has_column_privilege('sqlfirst_worker', t.name, a.attname, 'insert')
               and has_column_privilege('sqlfirst_worker', t.name, a.attname, 'update') as worker,
               exists (select from core.database_chosen_columns as s
                        where format('%I.%I', s.schema_name, s.table_name)::regclass = t.name::regclass
                          and s.column_name = a.attname) as chosen
          from ({DOMAIN_TABLES}) as t
          join pg_attribute as a on a.attrelid = t.name::regclass and a.attnum > 0 and not a.attisdropped
         where a.attgenerated = ''
        """
    )
    wrong = [
        (r["name"], r["attname"])
        for r in rows
        if r["insertable"] == r["chosen"] or r["updatable"] == r["chosen"] or not r["worker"]
    ]
    assert wrong == []
    chosen = {(r["name"], r["attname"]) for r in rows if r["chosen"]}
    # Every table keyed by (id, its user) is among them, but those whose callers name the id.
    keyed = await conn.fetch(
        f"""
        select c.conrelid::regclass::text as name
          from pg_constraint c
          join ({DOMAIN_TABLES}) as t on t.name::regclass = c.conrelid
         where c.contype = 'p'
           and (select array_agg(a.attname::text order by k.n)
                  from unnest(c.conkey) with ordinality as k (attnum, n)
                  join pg_attribute as a on a.attrelid = c.conrelid and a.attnum = k.attnum)
               in ('{{id,user_id}}', '{{id,deal_user_id}}', '{{id,created_at,user_id}}', '{{id,client_id}}',
                   '{{id,customer_id}}')
        """
    )
    named_by_the_caller = {
        "easyflow.integrations": "its credentials are sealed bound to the id before the row exists",
        "easyflow.messages": "append_inbound_message stores the id its caller made",
    }
    keyed_names = {r["name"] for r in keyed}
    assert set(named_by_the_caller) <= keyed_names and len(keyed_names) > 15
    assert {(name, "id") for name in keyed_names - set(named_by_the_caller)} <= chosen
    # A re-grant of the domain keeps them out (it runs again when a domain changes).
    await conn.execute("select core.grant_domain_privileges('deals')")
    for privilege in ("insert", "update"):
        assert not await conn.fetchval(
            "select has_column_privilege('sqlfirst_app', 'deals.goals', 'id', $1)", privilege
        )
        assert await conn.fetchval(
            "select has_column_privilege('sqlfirst_app', 'deals.goals', 'title', $1)", privilege
        )


async def test_every_column_but_the_secret_ones_is_selectable(conn: Connection) -> None:
    rows = await conn.fetch(
        f"""
        select t.name, a.attname, r.role,
               has_column_privilege(r.role, t.name, a.attname, 'select') as readable,
               exists (select from core.secret_columns as s
                        where format('%I.%I', s.schema_name, s.table_name)::regclass = t.name::regclass
                          and s.column_name = a.attname) as secret
          from ({DOMAIN_TABLES}) as t
          join pg_attribute as a on a.attrelid = t.name::regclass and a.attnum > 0 and not a.attisdropped
         cross join (values ('sqlfirst_app'), ('sqlfirst_worker'), ('sqlfirst_readonly')) as r (role)
        """
    )
    wrong = [(r["name"], r["attname"], r["role"]) for r in rows if r["readable"] == r["secret"]]
    assert wrong == []
    assert {(r["name"], r["attname"]) for r in rows if r["secret"]} >= {
        ("agent_hub.users", "password_hash"),
        ("devskyy.users", "password_hash"),
        ("ai_seo.users", "password_hash"),
        ("ai_seo.user_sessions", "refresh_token_hash"),
    }


# Domains whose tenant tables are under row-level security, and the tables with a tenant column that
# are not yet, each with the reason. A new tenant table fails the test below until it has policies.
ISOLATED_DOMAINS = ("agent_hub", "deals", "devskyy", "easyflow", "ai_seo", "analytics")
NOT_YET_ISOLATED: dict[str, str] = {}
# Tables without a tenant column that belong to a tenant through a parent row (a goal, a deal, a
# task): the test requires their policies too.
OWNED_THROUGH_A_PARENT = (
    "deals.deals",
    "deals.deal_scores",
    "deals.price_tracking",
    "deals.tasks",
    "deals.task_activities",
)
# Tables with a tenant-looking column that are platform data by design, not a tenant's rows.
PLATFORM_TABLES = {
    "devskyy.tool_executions": "the platform's tool audit trail: user_id says who invoked a tool (0076)",
}
# Tables with a user column that are shared on purpose, not owned by that user (see the migration).
SHARED_BY_DESIGN = {
    "ai_seo.agent_tasks": "the agency's work queue: user_id attributes the request; every staff member sees"
    " a campaign's tasks and agents claim any requester's (0075)",
    "ai_seo.user_task_counts": "derived from agent_tasks, which every staff member sees (0075)",
    "analytics.system_events": "the agency's event log: user_id attributes an event (0075)",
}


async def test_every_tenant_table_of_an_isolated_domain_has_forced_rls_and_policies(conn: Connection) -> None:
    rows = await conn.fetch(
        """
        select c.oid::regclass::text as name, c.relrowsecurity, c.relforcerowsecurity,
               (select count(*) from pg_policy as p where p.polrelid = c.oid) as policies
          from pg_class as c
         where c.relnamespace::regnamespace::text = any($1::text[])
           and c.relkind in ('r', 'p') and not c.relispartition
           and (exists (select from pg_attribute as a
                         where a.attrelid = c.oid and a.attname in ('user_id', 'owner_id', 'session_id')
                           and not a.attisdropped)
                or c.oid::regclass::text = any($2::text[]))
        """,
        list(ISOLATED_DOMAINS),
        list(OWNED_THROUGH_A_PARENT),
    )
    tenant_tables = {row["name"] for row in rows}
    assert {
        "agent_hub.sessions",
        "agent_hub.agents",
        "deals.goals",
        "deals.auth_tokens",
        "devskyy.orders",
        "ai_seo.user_sessions",
    } <= tenant_tables
    assert set(OWNED_THROUGH_A_PARENT) <= tenant_tables, "a table listed as owned through a parent is gone"
    unguarded = [
        row["name"]
        for row in rows
        if not (row["relrowsecurity"] and row["relforcerowsecurity"] and row["policies"] > 0)
        and row["name"] not in NOT_YET_ISOLATED
        and row["name"] not in PLATFORM_TABLES
        and row["name"] not in SHARED_BY_DESIGN
    ]
    assert unguarded == []
    assert set(NOT_YET_ISOLATED) <= tenant_tables, "a table listed as not yet isolated no longer exists"
    assert set(PLATFORM_TABLES) <= tenant_tables, "a table listed as platform data no longer exists"
    assert set(SHARED_BY_DESIGN) <= tenant_tables, "a table listed as shared no longer exists"


async def test_partitions_of_an_isolated_table_are_closed_to_direct_queries(conn: Connection) -> None:
    # RLS of a partitioned table applies through the parent only: each partition has RLS forced and
    # no policy of its own, so naming it directly shows the app role nothing.
    open_partitions = await conn.fetch(
        """
        select c.oid::regclass::text as name
          from pg_inherits as i
          join pg_class as parent on parent.oid = i.inhparent
          join pg_class as c on c.oid = i.inhrelid
         where parent.relrowsecurity and parent.relkind = 'p'
           and not (c.relrowsecurity and c.relforcerowsecurity)
        """
    )
    assert [row["name"] for row in open_partitions] == []
    assert (
        await conn.fetchval(
            "select count(*) from pg_inherits where inhparent = 'deals.price_tracking'::regclass"
        )
        >= 1
    )


async def test_a_partition_of_a_table_under_rls_is_not_readable_around_its_policy(conn: Connection) -> None:
    rows = await conn.fetch(
        f"""
        select t.name, r.role, c.relrowsecurity and c.relforcerowsecurity as forced
          from ({PARTITIONS_UNDER_RLS}) as t
          join pg_class as c on c.oid = t.name::regclass
         cross join (values ('sqlfirst_app'), ('sqlfirst_readonly')) as r (role)
        """
    )
    assert {row["name"] for row in rows} >= {"easyflow.messages_default"}
    granted = [
        (row["name"], row["role"])
        for row in rows
        if await conn.fetchval(
            "select has_any_column_privilege($2, $1::regclass, 'select')"
            " or has_table_privilege($2, $1::regclass, 'insert,update,delete')",
            row["name"],
            row["role"],
        )
    ]
    assert granted == []
    assert [row["name"] for row in rows if not row["forced"]] == []


async def test_core_internals_are_not_granted_to_the_app_role(conn: Connection) -> None:
    assert not await conn.fetchval(
        "select has_table_privilege('sqlfirst_app', 'core.partitioned_tables', 'select')"
    )
    assert not await conn.fetchval(
        "select has_function_privilege('sqlfirst_app', 'core.run_partition_maintenance(regclass)', 'execute')"
    )
    assert await conn.fetchval(
        "select has_function_privilege('sqlfirst_app', 'core.set_updated_at()', 'execute')"
    ), "the updated_at trigger function stays callable"


async def test_no_security_definer_trigger_function_is_executable_by_the_app_or_readonly_role(
    conn: Connection,
) -> None:
    # EXECUTE on a trigger function is checked when a trigger is created, not when it fires: one the
    # app may execute, it may attach to a temporary table of its own and fire as the function's owner.
    open_ = await conn.fetch(
        """
        select p.oid::regprocedure::text as name, r.role
          from pg_proc as p
          cross join unnest(array['sqlfirst_app', 'sqlfirst_readonly']) as r (role)
         where p.pronamespace in (select s::regnamespace from core.domain_schemas() as s)
           and p.prosecdef and p.prorettype = 'trigger'::regtype
           and has_function_privilege(r.role, p.oid, 'execute')
        """
    )
    assert [(row["name"], row["role"]) for row in open_] == []


async def test_the_app_cannot_fire_an_owners_trigger_function_from_a_table_of_its_own(
    app_db: Database,
) -> None:
    with pytest.raises(PermissionDenied):
        async with app_db.transaction() as conn:
            await conn.execute("create temporary table restocks (id uuid) on commit drop")
            await conn.execute(
                "create trigger again after insert on restocks for each row"
                " execute function devskyy.restock_cancelled_order()"
            )


async def test_a_table_a_later_migration_creates_is_granted_by_default(db_url: str) -> None:
    owner = await sqlfirst.connect(Settings(database_url=db_url, min_size=1, max_size=1))
    try:
        async with owner.connection() as conn:
            await conn.execute("create table deals.later_table (id bigint generated always as identity)")
            granted = await conn.fetchval(
                "select has_table_privilege('sqlfirst_app', 'deals.later_table', 'select,insert,delete')"
                " and has_table_privilege('sqlfirst_readonly', 'deals.later_table', 'select')"
                " and not has_table_privilege('sqlfirst_app', 'deals.later_table', 'truncate')"
            )
            assert granted
    finally:
        await owner.close()


async def test_regranting_a_domain_locks_only_what_the_owner_role_does_not_own_yet(conn: Connection) -> None:
    # Every domain migration calls grant_domain_privileges(); ALTER ... OWNER locks a table ACCESS
    # EXCLUSIVE even when its owner stays, so regranting a domain must not alter what the owner role
    # owns already (0209), or each migration would lock every table of the domain until it commits.
    assert await conn.fetchval("select pg_has_role(current_user, 'sqlfirst_owner', 'member')")
    async with conn.transaction():
        await conn.execute("create table deals.regrant_probe (id bigint)")
        await conn.execute("select core.grant_domain_privileges('deals')")
        locked = await conn.fetch(
            """
            select l.relation::regclass::text as name
              from pg_locks l
             where l.pid = pg_backend_pid() and l.mode = 'AccessExclusiveLock' and l.relation is not null
               and l.relation::regclass::text like 'deals.%'
            """
        )
        # Only the new table (created here, then given to the owner role) is locked.
        assert {r["name"] for r in locked} == {"deals.regrant_probe"}
        assert await conn.fetchval(
            "select relowner = 'sqlfirst_owner'::regrole from pg_class"
            " where oid = 'deals.regrant_probe'::regclass"
        )
        await conn.execute("drop table deals.regrant_probe")


async def test_the_domain_schemas_belong_to_the_owner_role(conn: Connection) -> None:
    owners = await conn.fetch(
        f"""
        select distinct pg_get_userbyid(nspowner) as owner from pg_namespace
         where nspname in (select * from core.domain_schemas())
        union
        select distinct pg_get_userbyid(c.relowner) from pg_class c where c.oid in (
            select name::regclass from ({DOMAIN_TABLES}) as t
        ) and c.relispartition is false
        """
    )
    assert {row["owner"] for row in owners} == {"sqlfirst_owner"}


async def test_only_the_owner_and_the_worker_bypass_row_level_security(conn: Connection) -> None:
    rows = await conn.fetch(
        "select rolname, rolbypassrls, rolsuper, rolcreaterole from pg_roles"
        " where rolname like 'sqlfirst\\_%'"
    )
    by_name = {row["rolname"]: row for row in rows}
    assert set(by_name) >= {spec.name for spec in ROLES}
    for spec in ROLES:
        assert by_name[spec.name]["rolbypassrls"] is (spec.name in ("sqlfirst_owner", "sqlfirst_worker"))
        assert not by_name[spec.name]["rolsuper"] and not by_name[spec.name]["rolcreaterole"]


async def test_ensure_roles_is_idempotent_and_stores_a_scram_verifier(conn: Connection) -> None:
    await ensure_roles(conn)
    await ensure_roles(conn)
    try:
        done = await ensure_roles(conn, passwords={"sqlfirst_readonly": "report-only pass"})
        assert "sqlfirst_readonly: login with the configured password" in done
        stored = await conn.fetchrow(
            "select rolcanlogin, rolpassword from pg_authid where rolname = 'sqlfirst_readonly'"
        )
        assert stored["rolcanlogin"]
        # PostgreSQL keeps a well-formed verifier as given; anything else it would hash as a password.
        assert stored["rolpassword"].startswith("SCRAM-SHA-256$4096:")
        assert "report-only" not in stored["rolpassword"]
    finally:
        await conn.execute("alter role sqlfirst_readonly nologin password null")


async def test_a_verifier_is_stored_verbatim(conn: Connection) -> None:
    verifier = scram_verifier("verbatim pass", salt=b"0123456789abcdef")
    assert re.fullmatch(r"SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+", verifier)
    try:
        await conn.execute(f"alter role sqlfirst_readonly password '{verifier}'")
        assert (
            await conn.fetchval("select rolpassword from pg_authid where rolname = 'sqlfirst_readonly'")
            == verifier
        )
    finally:
        await conn.execute("alter role sqlfirst_readonly password null")


def test_passwords_come_from_the_environment() -> None:
    env = {"SQLFIRST_APP_PASSWORD": "a", "SQLFIRST_WORKER_PASSWORD": "", "SQLFIRST_OWNER_PASSWORD": "o"}
    assert passwords_from_env(env) == {"sqlfirst_owner": "o", "sqlfirst_app": "a"}
    with pytest.raises(ConfigurationError):
        scram_verifier("")


async def test_ensure_roles_refuses_an_unknown_role(conn: Connection) -> None:
    with pytest.raises(ConfigurationError, match="no such sqlfirst role"):
        await ensure_roles(conn, passwords={"postgres": "x"})


def test_the_role_setting_reaches_the_connection() -> None:
    assert Settings.from_env({"SQLFIRST_ROLE": " sqlfirst_app "}).server_settings()["role"] == APP
    assert "role" not in Settings.from_env({}).server_settings()
    with pytest.raises(ConfigurationError):
        Settings(role=" ")


def test_db_roles_command_is_idempotent(db_url: str) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sqlfirst", "db", "roles", "--database-url", db_url],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.endswith("_PASSWORD")},
            timeout=120,
            check=False,
        )

    for _ in range(2):
        result = run()
        assert result.returncode == 0, result.stderr
        assert "roles up to date" in result.stdout
        assert "granted on agent_hub, ai_seo, analytics, deals, devskyy, easyflow" in result.stdout


async def test_partitions_made_by_maintenance_are_secured_like_the_ones_before(conn: Connection) -> None:
    """core.run_partition_maintenance (0079) runs core.secure_partitions on what it creates: a new
    partition of a table under RLS has RLS forced and no grant to the app or read-only role."""
    await conn.execute(
        """
        create table deals.rls_probe (owner uuid not null, at timestamptz not null) partition by range (at);
        alter table deals.rls_probe enable row level security;
        alter table deals.rls_probe force row level security;
        create policy rls_probe_own on deals.rls_probe using (owner = (select core.acting_user()));
        select core.register_partitioned_table('deals.rls_probe', 'at');
        select * from core.run_partition_maintenance('deals.rls_probe'::regclass);
        """
    )
    rows = await conn.fetch(
        "select c.oid::regclass::text as name, c.relrowsecurity and c.relforcerowsecurity as forced,"
        " has_table_privilege('sqlfirst_app', c.oid, 'select,insert,update,delete') as app,"
        " has_table_privilege('sqlfirst_readonly', c.oid, 'select') as readonly"
        " from pg_inherits as i join pg_class as c on c.oid = i.inhrelid"
        " where i.inhparent = 'deals.rls_probe'::regclass"
    )
    assert len(rows) >= 2, rows  # the DEFAULT partition and the months ahead
    assert all(row["forced"] and not row["app"] and not row["readonly"] for row in rows), rows
    # The parent keeps its grants: the app reaches the rows through it, under its policy.
    assert await conn.fetchval("select has_table_privilege('sqlfirst_app', 'deals.rls_probe', 'select')")


async def test_ensure_roles_leaves_the_partitions_of_tables_under_rls_ungranted(conn: Connection) -> None:
    # core.grant_domain_privileges grants every table of a schema, partitions included: ensure_roles
    # (`sqlfirst db roles`) secures them again afterwards, as 0079 and partition maintenance do.
    await ensure_roles(conn)
    granted = await conn.fetch(
        """
        select c.oid::regclass::text as name
          from pg_inherits as i
          join pg_class as parent on parent.oid = i.inhparent
          join pg_class as c on c.oid = i.inhrelid
         where parent.relrowsecurity and parent.relkind = 'p'
           and (has_table_privilege('sqlfirst_app', c.oid, 'select,insert,update,delete')
                or has_table_privilege('sqlfirst_readonly', c.oid, 'select'))
        """
    )
    assert [row["name"] for row in granted] == []
    assert await conn.fetchval("select has_table_privilege('sqlfirst_app', 'deals.price_tracking', 'select')")
