"""Tenant isolation in easyflow, kept by row-level security, as the application role meets it.

Every test connects as ``sqlfirst_app`` (superusers bypass RLS), except where the worker role
(``sqlfirst_worker``, BYPASSRLS) claims across tenants. Users A and B each have a Telegram
integration, a conversation with an inbound message (so a dedupe key), a queued outbound delivery
and a metric bucket.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

import sqlfirst
from sqlfirst.db import Database
from sqlfirst.easyflow import (
    conversations,
    credentials,
    integrations,
    messages,
    metrics,
    outbound,
    sync_logs,
    users,
)
from sqlfirst.easyflow.credentials import KeyRing
from sqlfirst.easyflow.models import Conversation, Integration, Message, User
from sqlfirst.errors import Conflict, PermissionDenied
from sqlfirst.settings import Settings
from tests.isolation_helpers import assert_each_refused

from .factories import make_conversation, make_integration, make_user, telegram_credentials

KEYS = {"k1": secrets.token_bytes(32)}
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)
TABLES = (
    "integrations",
    "conversations",
    "messages",
    "message_platform_ids",
    "sync_logs",
    "platform_metrics",
    "outbound_messages",
)


@dataclass
class Tenant:
    user: User
    integration: Integration
    conversation: Conversation
    message: Message


@dataclass
class World:
    db: Database
    keys: KeyRing
    a: Tenant
    b: Tenant


async def _tenant(db: Database, keys: KeyRing, name: str) -> Tenant:
    async with db.transaction() as conn:  # sign-up: no acting user yet
        user = await make_user(conn, email=f"{name}@example.com", name=name)
    async with db.transaction(as_user=user.id) as conn:
        integration = await make_integration(conn, keys, user)
        conversation = await make_conversation(conn, user, session_id=f"tg-{name}", chat_id=f"chat-{name}")
        got = await messages.append_inbound(
            conn,
            session_id=conversation.session_id,
            user_id=user.id,
            content=f"{name} asks where the order is",
            platform="telegram",
            platform_message_id=f"{name}:1",
            conversation_id=conversation.id,
            intent="order_status",
            entities={"customer": name},
        )
        await outbound.queue(conn, conversation_id=conversation.id, content=f"to {name}")
        await metrics.increment(
            conn,
            platform_id="telegram",
            user_id=user.id,
            integration_id=integration.id,
            metric_type="api_calls",
        )
    return Tenant(user, integration, conversation, got)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=1))
    keys = KeyRing(KEYS, current="k1")
    try:
        yield World(db, keys, await _tenant(db, keys, "alice"), await _tenant(db, keys, "bob"))
    finally:
        await db.close()


@pytest.fixture
async def worker(db_url: str) -> AsyncIterator[Database]:
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_worker", min_size=1, max_size=1))
    try:
        yield db
    finally:
        await db.close()


async def test_b_cannot_read_a_s_rows_through_the_public_api(world: World) -> None:
    a, b = world.a, world.b
    for tenant in (a, b):  # one shop in both tenants' settings
        async with world.db.transaction(as_user=tenant.user.id) as conn:
            await integrations.merge_settings(conn, id=tenant.integration.id, patch={"shop": "same"})
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await integrations.get(conn, id=a.integration.id) is None
        assert await integrations.get_for_platform(conn, user_id=a.user.id, platform_id="telegram") is None
        assert await integrations.get_user_integrations(conn, user_id=a.user.id) == []
        assert [
            i.id
            for i in await integrations.find_by_settings(
                conn, platform_id="telegram", settings={"shop": "same"}
            )
        ] == [b.integration.id]
        assert await conversations.get(conn, id=a.conversation.id) is None
        assert await conversations.get_by_session(conn, session_id="tg-alice") is None
        assert await conversations.find_by_chat(conn, platform="telegram", chat_id="chat-alice") is None
        assert await conversations.list_for_user(conn, user_id=a.user.id) == []
        assert await messages.history(conn, conversation_id=a.conversation.id) == []
        assert (
            await messages.get_inbound(
                conn, user_id=a.user.id, platform="telegram", platform_message_id="alice:1"
            )
            is None
        )
        assert (
            await messages.find_by_entities(conn, entities={"customer": "alice"}, since=EPOCH, until=LATER)
            == []
        )
        assert (
            await messages.search(conn, user_id=a.user.id, intent="order_status", since=EPOCH, until=LATER)
            == []
        )
        assert (
            await metrics.integration_metrics(conn, integration_id=a.integration.id, since=EPOCH, until=LATER)
            == []
        )
        # B's own rows are there.
        assert [i.id for i in await integrations.get_user_integrations(conn, user_id=b.user.id)] == [
            b.integration.id
        ]
        assert [m.id for m in await messages.history(conn, conversation_id=b.conversation.id)] != []


async def test_b_cannot_change_or_delete_a_s_rows(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert (
            await integrations.merge_settings(conn, id=a.integration.id, patch={"auto_reply": True}) is None
        )
        assert await integrations.set_sync_interval(conn, id=a.integration.id, minutes=5) is None
        assert await integrations.disconnect(conn, id=a.integration.id) is None
        assert await integrations.delete(conn, id=a.integration.id) == 0
        assert await conversations.close(conn, id=a.conversation.id) is None
        assert (
            await conversations.update_session(conn, session_id="tg-alice", current_state="hijacked") is None
        )
        assert await conversations.delete(conn, id=a.conversation.id) == 0
        # Raw SQL on the app role's connection: B's own rows only (an inbound and a queued outbound message).
        assert await conn.execute("update easyflow.messages set content = 'overwritten'") == "UPDATE 2"
        assert await conn.execute("delete from easyflow.outbound_messages") == "DELETE 1"
        assert await conn.execute("update easyflow.integrations set sync_interval_minutes = 7") == "UPDATE 1"
    with pytest.raises(PermissionDenied):  # a conversation in A's name
        async with world.db.transaction(as_user=b.user.id) as conn:
            await make_conversation(conn, a.user)
    with pytest.raises(PermissionDenied):  # an integration in A's name
        async with world.db.transaction(as_user=b.user.id) as conn:
            await integrations.connect(
                conn,
                world.keys,
                user_id=a.user.id,
                platform_id="telegram",
                credentials=telegram_credentials(),
            )
    with pytest.raises(PermissionDenied):  # moving B's message into A's tenancy
        async with world.db.transaction(as_user=b.user.id) as conn:
            await conn.execute("update easyflow.messages set user_id = $1", a.user.id)
    async with world.db.transaction(as_user=a.user.id) as conn:
        integration = await integrations.get(conn, id=a.integration.id)
        assert integration is not None and integration.status == a.integration.status
        assert integration.settings == a.integration.settings and integration.sync_interval_minutes == 60
        conversation = await conversations.get(conn, id=a.conversation.id)
        assert conversation is not None and conversation.status == a.conversation.status
        assert conversation.current_state == a.conversation.current_state
        history = await messages.history(conn, conversation_id=a.conversation.id)
        assert [m.content for m in history if m.id == a.message.id] == [a.message.content]
        assert await conn.fetchval("select count(*) from easyflow.outbound_messages") == 1


async def test_without_an_acting_user_tenant_tables_read_as_empty(world: World) -> None:
    async with world.db.transaction() as conn:
        for table in TABLES:
            assert await conn.fetchval(f"select count(*) from easyflow.{table}") == 0, table
        assert await conn.fetchval("select count(*) from easyflow.platforms") == 4  # shared reference rows
        assert await integrations.get(conn, id=world.a.integration.id) is None
        # The queues read as empty too: claiming is the worker's.
        assert await sync_logs.claim_due(conn) == []
        assert await outbound.claim(conn) == []
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        for table in TABLES:
            if table != "sync_logs":
                assert await conn.fetchval(f"select count(*) from easyflow.{table}") >= 1, table
    async with world.db.transaction() as conn:  # the same (only) pooled connection, after A's transaction
        assert await conn.fetchval("select core.acting_user()") is None
        assert await conversations.list_for_user(conn, user_id=world.a.user.id) == []


async def test_partitions_of_messages_are_not_readable_around_the_policy(world: World, db_url: str) -> None:
    partitions = [
        row["name"]
        for row in await world.db.pool.fetch(
            "select inhrelid::regclass::text as name from pg_inherits"
            " where inhparent = 'easyflow.messages'::regclass order by 1"
        )
    ]
    assert "easyflow.messages_default" in partitions and len(partitions) >= 2
    for partition in partitions:
        with pytest.raises(PermissionDenied):
            async with world.db.transaction(as_user=world.a.user.id) as conn:
                await conn.fetch(f"select * from {partition}")
    # Even were a grant to come back, forced RLS without a policy shows a partition's rows to nobody
    # but the roles that bypass it.
    owner = await sqlfirst.connect(Settings(database_url=db_url, min_size=1, max_size=1))
    try:
        flags = await owner.pool.fetch(
            "select relname, relrowsecurity, relforcerowsecurity,"
            "       has_table_privilege('sqlfirst_readonly', oid, 'select') as readonly_selects"
            "  from pg_class where oid = any($1::regclass[])",
            partitions,
        )
        # A partition created later (as partition maintenance does) gets the schema's default grants:
        # easyflow.protect_message_partitions() takes them back.
        await owner.pool.execute(
            "create table easyflow.messages_p2099_01 partition of easyflow.messages"
            " for values from ('2099-01-01 00:00:00+00') to ('2099-02-01 00:00:00+00')"
        )
        later = "select has_table_privilege('sqlfirst_app', 'easyflow.messages_p2099_01', 'select')"
        assert await owner.pool.fetchval(later)
        protected = await owner.pool.fetchval("select easyflow.protect_message_partitions()")
        assert protected == len(partitions) + 1
        assert not await owner.pool.fetchval(later)
    finally:
        await owner.close()
    assert all(r["relrowsecurity"] and r["relforcerowsecurity"] and not r["readonly_selects"] for r in flags)
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await conn.fetch("select * from easyflow.messages_p2099_01")
    with pytest.raises(PermissionDenied):  # only the owner protects partitions
        async with world.db.transaction() as conn:
            await conn.fetchval("select easyflow.protect_message_partitions()")


@pytest.mark.parametrize(
    "statement",
    [
        "select credentials_encrypted from easyflow.integrations",
        "select * from easyflow.integrations",
        "select id from easyflow.integrations where credentials_encrypted is not null",
        "select i from easyflow.integrations as i",
    ],
)
async def test_no_query_of_the_app_role_can_read_the_credentials(world: World, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await conn.fetch(statement)


async def test_credentials_are_handed_to_the_worker_only(world: World, worker: Database) -> None:
    a = world.a
    async with world.db.transaction(as_user=a.user.id) as conn:
        got = await integrations.get(conn, id=a.integration.id)
        assert got is not None and got.has_credentials  # read without the ciphertext
    with pytest.raises(PermissionDenied):  # not even the owning tenant may decrypt through the app role
        async with world.db.transaction(as_user=a.user.id) as conn:
            await credentials.decrypt(conn, world.keys, integration_id=a.integration.id)
    async with worker.transaction() as conn:
        plain = await credentials.decrypt(conn, world.keys, integration_id=a.integration.id)
        assert plain["bot_token"].startswith("123456:")
    with pytest.raises(PermissionDenied):  # the worker cannot select the column either
        async with worker.transaction() as conn:
            await conn.fetch("select credentials_encrypted from easyflow.integrations")
    report = await credentials.rotate_keys(worker.pool, world.keys)
    assert report.remaining == 0


async def test_the_worker_claims_across_tenants(world: World, worker: Database) -> None:
    async with worker.transaction() as conn:
        claims = await sync_logs.claim_due(conn, limit=10)
        deliveries = await outbound.claim(conn, limit=10)
    assert {c.user_id for c in claims} == {world.a.user.id, world.b.user.id}
    assert {d.user_id for d in deliveries} == {world.a.user.id, world.b.user.id}
    async with worker.transaction() as conn:
        for claim in claims:
            finished = await sync_logs.finish(conn, sync_log_id=claim.sync_log_id, status="success")
            assert finished is not None
    # Each tenant sees its own sync log, and only its own.
    async with world.db.transaction(as_user=world.b.user.id) as conn:
        assert await conn.fetchval("select count(*) from easyflow.sync_logs") == 1
        assert (
            await sync_logs.history(conn, integration_id=world.a.integration.id, since=EPOCH, until=LATER)
            == []
        )
        assert (
            len(
                await sync_logs.history(conn, integration_id=world.b.integration.id, since=EPOCH, until=LATER)
            )
            == 1
        )


async def test_b_cannot_change_or_delete_a_s_account(world: World) -> None:
    # users is the readable registry, without RLS: 0091's row trigger keeps each account for its own
    # user. Before it, B could deactivate A, or delete A and every conversation of A's with A.
    a, b = world.a, world.b
    attempts = (
        lambda conn: users.update_locale(conn, id=a.user.id, language_code="fr"),
        lambda conn: users.deactivate(conn, id=a.user.id),
        lambda conn: users.delete(conn, id=a.user.id),
    )
    await assert_each_refused(world.db, attempts, acting=(b.user.id, None))  # B, or nobody
    async with world.db.transaction(as_user=a.user.id) as conn:
        user = await users.get_by_id(conn, id=a.user.id)
        assert user is not None and user.is_active and user.language_code == a.user.language_code
        assert await conversations.get(conn, id=a.conversation.id) is not None
        mine = await users.update_locale(conn, id=a.user.id, language_code="de")
        assert mine is not None and mine.language_code == "de"


async def test_no_tenant_can_write_the_session_index_around_its_trigger(world: World) -> None:
    # conversation_sessions keeps a session id to one user (0105): were A able to delete its row,
    # B could start A's session id too, and lookups by session would find two conversations.
    a, b = world.a, world.b
    with pytest.raises(PermissionDenied):  # the SELECT policy allows no new row
        async with world.db.transaction(as_user=a.user.id) as conn:
            await conn.execute(
                "insert into easyflow.conversation_sessions values ('tg-squat', $1, gen_random_uuid())",
                a.user.id,
            )
    async with world.db.transaction(as_user=a.user.id) as conn:  # nor shows one to change
        assert await conn.execute("delete from easyflow.conversation_sessions") == "DELETE 0"
        assert await conn.execute("update easyflow.conversation_sessions set session_id = 'x'") == "UPDATE 0"
    async with world.db.transaction(as_user=a.user.id) as conn:
        mine = await conn.fetch("select session_id, user_id from easyflow.conversation_sessions")
    assert [tuple(r) for r in mine] == [("tg-alice", a.user.id)]  # A reads its own sessions only
    with pytest.raises(Conflict) as caught:
        async with world.db.transaction(as_user=b.user.id) as conn:
            await make_conversation(conn, b.user, session_id="tg-alice")
    assert caught.value.constraint == "pk_conversation_sessions"


async def test_platform_wide_metrics_are_the_workers_and_the_operators_not_a_tenants(
    world: World, worker: Database, db_url: str
) -> None:
    bucket = await metrics.increment(worker.pool, platform_id="telegram", metric_type="errors")
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        assert await conn.fetch("select * from easyflow.platform_totals") == []
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await metrics.increment(conn, platform_id="telegram", metric_type="errors")
    readonly = await sqlfirst.connect(
        Settings(database_url=db_url, role="sqlfirst_readonly", min_size=1, max_size=1)
    )
    try:
        seen = await readonly.pool.fetchval(
            "select count(*) from easyflow.platform_totals where id = $1", bucket.id
        )
    finally:
        await readonly.close()
    assert seen == 1


TWIN = (
    "insert into easyflow.integrations"
    " (id, user_id, platform_id, credentials_encrypted, encryption_key_id, status)"
    " values ($1, $2, 'whatsapp', $3, $4, 'connected')"
)


async def test_b_cannot_take_a_s_integration_id(world: World, worker: Database) -> None:
    # An integration keeps its caller's id (its credentials are sealed bound to it before the row
    # exists) and is keyed (id, user_id) for Citus. The worker reads and re-seals credentials by id
    # across tenants: were B able to write a row under A's id, A's sync could be handed B's
    # credentials, and a key rotation would re-seal A's credentials into B's row (0179).
    a, b = world.a, world.b
    sealed, key_id = world.keys.seal(a.integration.id, {"access_token": "bob's", "phone_number_id": "1"})
    with pytest.raises(Conflict) as caught:
        async with world.db.transaction(as_user=b.user.id) as conn:
            await conn.execute(TWIN, a.integration.id, b.user.id, sealed, key_id)
    assert caught.value.constraint == "pk_integration_ids"
    async with world.db.transaction(as_user=b.user.id) as conn:
        spare = await make_integration(conn, world.keys, b.user, platform_id="ozon")
    with pytest.raises(Conflict) as caught:  # nor by re-keying one of its own
        async with world.db.transaction(as_user=b.user.id) as conn:
            await conn.execute(
                "update easyflow.integrations set id = $1 where id = $2", a.integration.id, spare.id
            )
    assert caught.value.constraint == "pk_integration_ids"
    rotated = KeyRing({**KEYS, "k2": secrets.token_bytes(32)}, current="k2")
    assert (await credentials.rotate_keys(worker.pool, rotated)).remaining == 0
    async with worker.transaction() as conn:
        mine = await credentials.decrypt(conn, rotated, integration_id=a.integration.id)
        theirs = await credentials.decrypt(conn, rotated, integration_id=b.integration.id)
    assert (
        mine != theirs
        and mine["bot_token"].startswith("123456:")
        and theirs["bot_token"].startswith("123456:")
    )


async def test_the_integration_id_index_follows_its_rows_and_no_tenant_writes_it(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=a.user.id) as conn:  # A reads its own entries only
        assert [tuple(r) for r in await conn.fetch("select * from easyflow.integration_ids")] == [
            (a.integration.id, a.user.id)
        ]
        assert await conn.execute("delete from easyflow.integration_ids") == "DELETE 0"
        assert await conn.execute("update easyflow.integration_ids set user_id = user_id") == "UPDATE 0"
    with pytest.raises(PermissionDenied):  # the SELECT policy allows no new row
        async with world.db.transaction(as_user=b.user.id) as conn:
            await conn.execute(
                "insert into easyflow.integration_ids values (gen_random_uuid(), $1)", b.user.id
            )
    async with world.db.transaction(as_user=a.user.id) as conn:  # a re-key moves A's entry
        spare = await make_integration(conn, world.keys, a.user, platform_id="ozon")
        moved = await conn.fetchval(
            "update easyflow.integrations set id = gen_random_uuid() where id = $1 returning id", spare.id
        )
        assert {r[0] for r in await conn.fetch("select integration_id from easyflow.integration_ids")} == {
            a.integration.id,
            moved,
        }
    async with world.db.transaction(as_user=b.user.id) as conn:  # the id A let go is free
        sealed, key_id = world.keys.seal(spare.id, {"access_token": "b", "phone_number_id": "1"})
        await conn.execute(TWIN, spare.id, b.user.id, sealed, key_id)
        assert await integrations.delete(conn, id=spare.id) == 1
        assert await conn.fetchval("select count(*) from easyflow.integration_ids") == 1  # B's own


async def test_two_users_writing_one_integration_id_at_once_leave_one_row(world: World, db_url: str) -> None:
    # The second writer waits on the first's entry, then is refused: the rule lives in the database.
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=2, max_size=2))
    shared = uuid4()
    try:
        async with db.transaction(as_user=world.a.user.id) as first:
            sealed, key_id = world.keys.seal(shared, {"access_token": "a", "phone_number_id": "1"})
            await first.execute(TWIN, shared, world.a.user.id, sealed, key_id)

            async def second() -> None:
                async with db.transaction(as_user=world.b.user.id) as conn:
                    await conn.execute(TWIN, shared, world.b.user.id, sealed, key_id)

            racing = asyncio.ensure_future(second())
            await asyncio.sleep(0.3)
            assert not racing.done()  # waiting on A's uncommitted entry
        with pytest.raises(Conflict) as caught:
            await racing
        assert caught.value.constraint == "pk_integration_ids"
    finally:
        await db.close()


async def test_a_twin_of_a_s_queued_message_changes_nothing_the_worker_sends(
    world: World, worker: Database
) -> None:
    # A message keeps its caller's id (append_inbound_message stores it), so B can write a row of its
    # own under the (id, created_at) of A's queued reply. The worker's claim reads the text to send
    # by the delivery's message, and marking it sent stamps that message: both go by the whole key,
    # user included, so A's customer never gets B's text and B's row is not stamped.
    a, b = world.a, world.b
    async with worker.transaction() as conn:
        queued = await conn.fetchrow(
            "select message_id, message_created_at from easyflow.outbound_messages where user_id = $1",
            a.user.id,
        )
    assert queued is not None
    async with world.db.transaction(as_user=b.user.id) as conn:
        await conn.execute(
            "insert into easyflow.messages (id, created_at, conversation_id, session_id, user_id, content,"
            " role, direction, platform)"
            " values ($1, $2, $3, $4, $5, 'from bob', 'assistant', 'outbound', 'telegram')",
            queued["message_id"],
            queued["message_created_at"],
            b.conversation.id,
            b.conversation.session_id,
            b.user.id,
        )
    async with worker.transaction() as conn:
        claims = await outbound.claim(conn, limit=10)
        assert sorted((c.user_id, c.content) for c in claims) == sorted(
            [(a.user.id, "to alice"), (b.user.id, "to bob")]
        )
        mine = next(c for c in claims if c.user_id == a.user.id)
        assert await outbound.mark_sent(conn, id=mine.id, platform_message_id="tg-42") is not None
        stamped = await conn.fetch(
            "select user_id, platform_message_id from easyflow.messages where id = $1", queued["message_id"]
        )
    assert sorted((r["user_id"], r["platform_message_id"]) for r in stamped) == sorted(
        [(a.user.id, "tg-42"), (b.user.id, None)]
    )


async def test_a_twin_of_a_s_inbound_message_is_not_handed_to_a_s_worker(
    world: World, worker: Database
) -> None:
    # The same hole on the inbound side: the message stored under a dedupe key is read by its whole
    # key (0180). The twin's user sorts before A's, so an index scan by (id, created_at) meets it first.
    a = world.a
    first = UUID(int=1)
    async with world.db.transaction() as conn:  # sign-up: an account id the application chose
        await conn.execute(
            "insert into easyflow.users (id, email, name) values ($1, 'zed@example.com', 'zed')", first
        )
    async with world.db.transaction(as_user=first) as conn:
        theirs = await conversations.start(
            conn, session_id="tg-zed", user_id=first, platform="telegram", chat_id="z"
        )
        await conn.execute(
            "insert into easyflow.messages (id, created_at, conversation_id, session_id, user_id, content,"
            " role, direction, platform)"
            " values ($1, $2, $3, 'tg-zed', $4, 'from zed', 'user', 'inbound', 'telegram')",
            a.message.id,
            a.message.created_at,
            theirs.id,
            first,
        )
    async with worker.transaction() as conn:
        stored = await messages.get_inbound(
            conn, user_id=a.user.id, platform="telegram", platform_message_id="alice:1"
        )
        again = await messages.append_inbound(
            conn,
            session_id=a.conversation.session_id,
            user_id=a.user.id,
            content="redelivered",
            platform="telegram",
            platform_message_id="alice:1",
            conversation_id=a.conversation.id,
        )
    assert stored is not None and (stored.user_id, stored.content) == (a.user.id, a.message.content)
    assert again.duplicate and (again.user_id, again.content) == (
        a.user.id,
        a.message.content,
    )


async def test_a_delivery_of_b_s_pointing_at_a_s_message_never_carries_a_s_text(
    world: World, worker: Database
) -> None:
    # outbound_messages has no foreign key to the partitioned messages (retention drops partitions):
    # a delivery names its message by (id, created_at) and its user. Joined without the user, the
    # claim handed A's text to B's delivery, for the worker to send into B's chat.
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        await conn.execute(
            "insert into easyflow.outbound_messages"
            " (user_id, conversation_id, message_id, message_created_at, platform, chat_id)"
            " values ($1, $2, $3, $4, 'telegram', 'chat-bob')",
            b.user.id,
            b.conversation.id,
            a.message.id,
            a.message.created_at,
        )
    async with worker.transaction() as conn:
        claims = await outbound.claim(conn, limit=10)
    assert a.message.content not in {c.content for c in claims}
    assert sorted((c.user_id, c.content) for c in claims) == sorted(
        [(a.user.id, "to alice"), (b.user.id, "to bob")]
    )
