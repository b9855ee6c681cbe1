"""Conversations (session:{session_id}) and the partitioned message history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.easyflow import conversations, messages
from sqlfirst.easyflow.errors import ConversationClosed
from sqlfirst.easyflow.models import ConversationStatus, MessageDirection, MessageRole
from sqlfirst.errors import Conflict, ReferenceViolation

from .factories import make_conversation, make_user
from .test_schema_and_users import HOSTILE_TEXT


async def test_start_and_find_by_session_and_by_chat(conn: Connection) -> None:
    user = await make_user(conn)
    first = await make_conversation(conn, user=user, chat_id="777", context_data={"cart": []})
    assert (first.status, first.current_state, first.messages_count, first.closed_at) == (
        ConversationStatus.ACTIVE,
        "initial",
        0,
        None,
    )
    assert await conversations.get_by_session(conn, session_id=first.session_id) == first
    assert await conversations.get(conn, id=first.id) == first
    assert await conversations.find_by_chat(conn, platform="telegram", chat_id="777") == first
    later = await make_conversation(conn, user=user, chat_id="777")
    await conn.execute(
        "update easyflow.conversations set created_at = created_at + interval '1 second' where id = $1",
        later.id,
    )
    found = await conversations.find_by_chat(conn, platform="telegram", chat_id="777")
    assert found is not None
    assert found.id == later.id
    assert await conversations.find_by_chat(conn, platform="whatsapp", chat_id="777") is None
    assert await conversations.get_by_session(conn, session_id="nope") is None
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await make_conversation(conn, user=user, session_id=first.session_id)
    assert caught.value.constraint == "uq_conversations_session_id_user_id"  # another user's: see below
    with pytest.raises(ReferenceViolation):
        async with conn.transaction():
            await make_conversation(conn, user=user, platform="icq")
    with pytest.raises(ValidationError):
        await make_conversation(conn, user=user, session_id="  ")


async def test_a_session_id_is_unique_across_users_through_the_session_index(conn: Connection) -> None:
    # 0105-0108: conversations are unique on (user_id, session_id) (Citus' rule), and the session
    # index conversation_sessions keeps a session id to one conversation of one user.
    alice, bob = await make_user(conn), await make_user(conn)
    first = await make_conversation(conn, user=alice, session_id="tg-shared")
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await make_conversation(conn, user=bob, session_id="tg-shared")
    assert caught.value.constraint == "pk_conversation_sessions"
    assert await conversations.get_by_session(conn, session_id="tg-shared") == first
    await conn.execute("update easyflow.conversations set session_id = 'tg-moved' where id = $1", first.id)
    assert await conversations.get_by_session(conn, session_id="tg-shared") is None
    moved = await conversations.update_session(
        conn, session_id="tg-moved", current_state="checkout", context_patch={}
    )
    assert moved is not None
    assert (moved.id, moved.current_state) == (first.id, "checkout")
    # Deleting the conversation frees its session id, for any user.
    assert await conversations.delete(conn, id=first.id)
    again = await make_conversation(conn, user=bob, session_id="tg-moved")
    assert await conversations.get_by_session(conn, session_id="tg-moved") == again
    index = (
        "select session_id, user_id, conversation_id from easyflow.conversation_sessions"
        " where user_id = any($1)"
    )
    assert [tuple(r) for r in await conn.fetch(index, [alice.id, bob.id])] == [("tg-moved", bob.id, again.id)]
    await conn.execute("delete from easyflow.users where id = $1", bob.id)
    assert await conn.fetch(index, [alice.id, bob.id]) == []


async def test_truncating_conversations_empties_the_session_index(conn: Connection) -> None:
    first = await make_conversation(conn, session_id="tg-before-truncate")
    await conn.execute("truncate easyflow.conversations cascade")
    assert await conn.fetchval("select count(*) from easyflow.conversation_sessions") == 0
    again = await make_conversation(conn, session_id=first.session_id)  # the session id is free again
    assert await conversations.get_by_session(conn, session_id=first.session_id) == again


async def test_a_blank_state_is_a_validation_error(conn: Connection) -> None:
    with pytest.raises(ValidationError, match="must not be blank"):
        await conversations.update_session(conn, session_id="tg-x", current_state="  ")


async def test_concurrent_starts_of_one_session_by_many_users_leave_one_conversation(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        users = [await make_user(conn) for _ in range(16)]

    async def start(user_id: object) -> bool:
        async with pool.acquire() as conn:
            try:
                await conversations.start(conn, session_id="tg-race", user_id=user_id, platform="telegram")
            except Conflict:
                return False
            return True

    won = await asyncio.gather(*(start(u.id) for u in users))
    assert won.count(True) == 1
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "select c.user_id, s.user_id as indexed from easyflow.conversations as c"
            " join easyflow.conversation_sessions as s on s.conversation_id = c.id"
            " where c.session_id = 'tg-race'"
        )
    assert [(r["user_id"], r["indexed"]) for r in rows] == [(users[won.index(True)].id,) * 2]


async def test_session_state_and_context_change_in_one_statement(conn: Connection) -> None:
    conversation = await make_conversation(conn, context_data={"cart": ["a"], "step": 1})
    updated = await conversations.update_session(
        conn,
        session_id=conversation.session_id,
        current_state="checkout",
        context_patch={"step": 2, "pay": "card"},
    )
    assert updated is not None
    assert updated.current_state == "checkout"
    assert updated.context_data == {"cart": ["a"], "step": 2, "pay": "card"}
    kept = await conversations.update_session(
        conn, session_id=conversation.session_id, context_patch={"x": None}
    )
    assert kept is not None
    assert kept.current_state == "checkout"
    assert kept.context_data["x"] is None
    assert await conversations.update_session(conn, session_id="missing", current_state="s") is None
    found = await conversations.find_by_context(conn, context={"pay": "card"})
    assert conversation.id in [c.id for c in found]


async def test_concurrent_context_patches_of_different_keys_all_survive(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        conversation = await make_conversation(conn)
    await asyncio.gather(
        *(
            conversations.update_session(pool, session_id=conversation.session_id, context_patch={f"k{i}": i})
            for i in range(40)
        )
    )
    async with pool.acquire() as conn:
        final = await conversations.get(conn, id=conversation.id)
    assert final is not None
    assert final.context_data == {f"k{i}": i for i in range(40)}


async def test_status_changes_keep_closed_at_consistent_and_closed_is_final(conn: Connection) -> None:
    conversation = await make_conversation(conn)
    paused = await conversations.pause(conn, id=conversation.id)
    assert paused is not None
    assert (paused.status, paused.closed_at) == (ConversationStatus.PAUSED, None)
    escalated = await conversations.escalate(conn, id=conversation.id, reason="wants a human")
    assert escalated is not None
    assert escalated.status is ConversationStatus.ESCALATED
    assert escalated.context_data["escalation_reason"] == "wants a human"
    assert conversation.id in [c.id for c in await conversations.escalated(conn)]
    resumed = await conversations.resume(conn, id=conversation.id)
    assert resumed is not None
    assert resumed.status is ConversationStatus.ACTIVE
    closed = await conversations.close(conn, id=conversation.id)
    assert closed is not None
    assert closed.status is ConversationStatus.CLOSED
    assert closed.closed_at is not None
    again = await conversations.close(conn, id=conversation.id)
    assert again is not None
    assert again.closed_at == closed.closed_at
    await conn.execute("savepoint s")
    with pytest.raises(ConversationClosed) as caught:
        await conversations.resume(conn, id=conversation.id)
    assert caught.value.sqlstate == "SF141"
    await conn.execute("rollback to savepoint s")
    with pytest.raises(ConversationClosed):
        await messages.append(
            conn,
            session_id=conversation.session_id,
            user_id=conversation.user_id,
            content="late",
            role="user",
            platform="telegram",
            conversation_id=conversation.id,
        )
    await conn.execute("rollback to savepoint s")
    # Writing closed_at directly is overruled by the database.
    row = await conn.fetchrow(
        "update easyflow.conversations set closed_at = null where id = $1 returning closed_at",
        conversation.id,
    )
    assert row["closed_at"] == closed.closed_at
    assert await conversations.set_status(conn, id=closed.user_id, status="paused") is None


async def test_user_conversations_newest_activity_first(conn: Connection) -> None:
    user = await make_user(conn)
    made = [await make_conversation(conn, user=user) for _ in range(3)]
    for offset, conversation in enumerate(made):
        await conn.execute(
            "update easyflow.conversations set current_state = 's', updated_at = now() where id = $1",
            conversation.id,
        )
        await conn.execute(
            "update easyflow.conversations set updated_at = now() + make_interval(secs => $2) where id = $1",
            conversation.id,
            offset,
        )
    listed = await conversations.list_for_user(conn, user_id=user.id)
    # core.set_updated_at stamps now() on every update: ties broken by id, newest first.
    assert {c.id for c in listed} == {c.id for c in made}
    assert await conversations.delete(conn, id=made[0].id) == 1
    assert len(await conversations.list_for_user(conn, user_id=user.id)) == 2


async def test_messages_count_and_history_pages_newest_first(conn: Connection) -> None:
    conversation = await make_conversation(conn)
    written = []
    for i in range(7):
        written.append(
            await messages.append(
                conn,
                session_id=conversation.session_id,
                user_id=conversation.user_id,
                content=f"m{i}",
                role=MessageRole.USER if i % 2 == 0 else MessageRole.ASSISTANT,
                platform="telegram",
                conversation_id=conversation.id,
                direction=MessageDirection.INBOUND if i % 2 == 0 else MessageDirection.OUTBOUND,
                intent="order_status",
                entities={"order_id": str(i)},
                confidence=Decimal("0.87"),
            )
        )
    current = await conversations.get(conn, id=conversation.id)
    assert current is not None
    assert current.messages_count == 7
    page = await messages.history(conn, conversation_id=conversation.id, limit=3)
    assert [m.content for m in page] == ["m6", "m5", "m4"]
    page2 = await messages.history(
        conn, conversation_id=conversation.id, before=(page[-1].created_at, page[-1].id), limit=3
    )
    assert [m.content for m in page2] == ["m3", "m2", "m1"]
    page3 = await messages.history(
        conn, conversation_id=conversation.id, before=(page2[-1].created_at, page2[-1].id), limit=3
    )
    assert [m.content for m in page3] == ["m0"]
    assert written[0].confidence == Decimal("0.87")
    await conn.execute("delete from easyflow.messages where id = $1", written[0].id)
    current = await conversations.get(conn, id=conversation.id)
    assert current is not None
    assert current.messages_count == 6


async def test_search_by_intent_and_entities_in_a_time_window(conn: Connection) -> None:
    conversation = await make_conversation(conn)
    base = dict(session_id=conversation.session_id, user_id=conversation.user_id, platform="telegram")
    await messages.append(
        conn, **base, content="a", role="user", intent="order_status", entities={"order": "1"}
    )
    await messages.append(
        conn, **base, content="b", role="user", intent="order_status", entities={"order": "2"}
    )
    await messages.append(conn, **base, content="c", role="user", intent="greeting", entities={"order": "1"})
    now = datetime.now(UTC)
    window = dict(since=now - timedelta(hours=1), until=now + timedelta(hours=1))
    hits = await messages.search(
        conn, user_id=conversation.user_id, intent="order_status", entities={"order": "1"}, **window
    )
    assert [m.content for m in hits] == ["a"]
    all_status = await messages.search(conn, user_id=conversation.user_id, intent="order_status", **window)
    assert sorted(m.content for m in all_status) == ["a", "b"]
    past = await messages.search(
        conn,
        user_id=conversation.user_id,
        intent="order_status",
        since=now - timedelta(days=40),
        until=now - timedelta(days=39),
    )
    assert past == []
    by_entities = await messages.find_by_entities(conn, entities={"order": "1"}, **window)
    assert {m.content for m in by_entities} >= {"a", "c"}
    with pytest.raises(ValueError, match="at least one key"):
        await messages.find_by_entities(conn, entities={}, **window)


async def test_inbound_redelivery_is_stored_once_and_reported_duplicate(conn: Connection) -> None:
    conversation = await make_conversation(conn)
    delivery = dict(
        session_id=conversation.session_id,
        user_id=conversation.user_id,
        content=HOSTILE_TEXT,
        platform="telegram",
        platform_message_id="777:1",
        conversation_id=conversation.id,
        entities={"q": HOSTILE_TEXT},
    )
    first = await messages.append_inbound(conn, **delivery)
    assert not first.duplicate
    assert first.direction is MessageDirection.INBOUND
    assert first.role is MessageRole.USER
    assert first.content == HOSTILE_TEXT
    again = await messages.append_inbound(conn, **{**delivery, "content": "changed in transit"})
    assert again.duplicate
    assert again.id == first.id
    assert again.content == HOSTILE_TEXT
    stored = await messages.get_inbound(
        conn, user_id=conversation.user_id, platform="telegram", platform_message_id="777:1"
    )
    assert stored is not None
    assert stored.id == first.id
    current = await conversations.get(conn, id=conversation.id)
    assert current is not None
    assert current.messages_count == 1
    # Another tenant's bot may see the same platform id: it is their own message.
    other = await make_conversation(conn)
    theirs = await messages.append_inbound(
        conn,
        **{**delivery, "session_id": other.session_id, "user_id": other.user_id, "conversation_id": other.id},
    )
    assert not theirs.duplicate
    # Without a platform id there is nothing to dedupe by.
    loose = {**delivery, "platform_message_id": None}
    one = await messages.append_inbound(conn, **loose)
    two = await messages.append_inbound(conn, **loose)
    assert one.id != two.id
    # Writing a duplicate around the function still fails on the key.
    with pytest.raises(Conflict) as caught:
        await messages.append(conn, **{k: v for k, v in delivery.items()}, role="user", direction="inbound")
    assert caught.value.constraint == "pk_message_platform_ids"


async def test_a_message_cannot_point_into_another_tenants_conversation(conn: Connection) -> None:
    conversation = await make_conversation(conn)
    stranger = await make_user(conn)
    with pytest.raises(ReferenceViolation) as caught:
        await messages.append(
            conn,
            session_id=conversation.session_id,
            user_id=stranger.id,
            content="x",
            role="user",
            platform="telegram",
            conversation_id=conversation.id,
        )
    assert caught.value.constraint == "fk_messages_conversation_id"


async def test_bad_message_input_is_rejected_before_the_database(conn: Connection) -> None:
    conversation = await make_conversation(conn)
    base = dict(
        session_id=conversation.session_id, user_id=conversation.user_id, platform="telegram", content="x"
    )
    for bad in ({"confidence": "1.5"}, {"role": "robot"}, {"platform": "Bad Platform"}, {"entities": [1]}):
        with pytest.raises(ValidationError):
            await messages.append(conn, **{"role": "user", **base, **bad})
    with pytest.raises(ValueError, match="limit"):
        await messages.history(conn, conversation_id=conversation.id, limit=0)


async def test_fifty_concurrent_deliveries_of_one_inbound_message_store_one_row(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        conversation = await make_conversation(conn)
    for round_ in range(3):
        platform_message_id = f"race-{round_}"

        async def deliver(platform_message_id: str = platform_message_id) -> tuple[object, bool]:
            async with pool.acquire() as conn, conn.transaction():
                stored = await messages.append_inbound(
                    conn,
                    session_id=conversation.session_id,
                    user_id=conversation.user_id,
                    content="hello",
                    platform="telegram",
                    platform_message_id=platform_message_id,
                    conversation_id=conversation.id,
                )
                await asyncio.sleep(0.01)  # hold the transaction open: the others must wait, not slip past
                return stored.id, stored.duplicate

        results = await asyncio.gather(*(deliver() for _ in range(50)))
        assert len({message_id for message_id, _ in results}) == 1
        assert sum(1 for _, duplicate in results if not duplicate) == 1
        async with pool.acquire() as conn:
            rows = await conn.fetchval(
                "select count(*) from easyflow.messages where platform_message_id = $1", platform_message_id
            )
            assert rows == 1
    async with pool.acquire() as conn:
        final = await conversations.get(conn, id=conversation.id)
    assert final is not None
    assert final.messages_count == 3
