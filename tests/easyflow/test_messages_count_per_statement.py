"""conversations.messages_count is kept per statement (0219): a bulk write updates each conversation once."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from pydantic import BaseModel

from sqlfirst import copy_models
from sqlfirst.db import Connection, connect_one
from sqlfirst.easyflow import conversations, messages
from sqlfirst.easyflow.errors import ConversationClosed
from sqlfirst.easyflow.models import Conversation
from sqlfirst.errors import translate

from ..conftest import rows_updated_in_transaction
from .factories import make_conversation, make_user

BULK = (
    "insert into easyflow.messages (conversation_id, session_id, user_id, content, role, direction, platform)"
    " select c.id, c.session_id, c.user_id, 'm' || k, 'user', 'inbound', 'telegram'"
    " from easyflow.conversations as c, generate_series(1, $2::integer) as k"
    " where c.id = any($1::uuid[])"
)


class ImportedMessage(BaseModel):
    conversation_id: UUID
    session_id: str
    user_id: UUID
    content: str
    role: str = "user"
    direction: str = "inbound"
    platform: str = "telegram"


async def counted(conn: Connection, conversation_id: UUID) -> int:
    current = await conversations.get(conn, id=conversation_id)
    assert current is not None
    return current.messages_count


async def three(conn: Connection) -> list[Conversation]:
    user = await make_user(conn)
    return [await make_conversation(conn, user) for _ in range(3)]


async def test_a_bulk_insert_updates_each_conversation_once_and_counts_every_message(
    conn: Connection,
) -> None:
    ids = [c.id for c in await three(conn)]
    async with conn.transaction():
        before = await rows_updated_in_transaction(conn, "easyflow.conversations")
        assert await conn.execute(BULK, ids, 40) == "INSERT 0 120"
        # Per row this was 120 updates of three rows, each walking the versions the last ones left.
        assert await rows_updated_in_transaction(conn, "easyflow.conversations") - before == 3
    assert [await counted(conn, i) for i in ids] == [40, 40, 40]


async def test_a_bulk_delete_updates_each_conversation_once_and_uncounts_every_message(
    conn: Connection,
) -> None:
    ids = [c.id for c in await three(conn)]
    await conn.execute(BULK, ids, 25)
    async with conn.transaction():
        before = await rows_updated_in_transaction(conn, "easyflow.conversations")
        deleted = await conn.execute(
            "delete from easyflow.messages where conversation_id = any($1::uuid[]) and content <> 'm1'",
            ids[:2],
        )
        assert deleted == "DELETE 48"
        assert await rows_updated_in_transaction(conn, "easyflow.conversations") - before == 2
    assert [await counted(conn, i) for i in ids] == [1, 1, 25]


async def test_an_imported_history_through_copy_models_is_counted(conn: Connection) -> None:
    conversation = (await three(conn))[0]
    history = (
        ImportedMessage(
            conversation_id=conversation.id,
            session_id=conversation.session_id,
            user_id=conversation.user_id,
            content=f"old {k}",
        )
        for k in range(3000)
    )
    async with conn.transaction():
        before = await rows_updated_in_transaction(conn, "easyflow.conversations")
        assert await copy_models(conn, "easyflow.messages", history) == 3000
        assert await rows_updated_in_transaction(conn, "easyflow.conversations") - before == 1
    assert await counted(conn, conversation.id) == 3000


async def test_a_bulk_insert_touching_a_closed_conversation_is_refused_whole(conn: Connection) -> None:
    open_one, closed, _ = await three(conn)
    await conversations.close(conn, id=closed.id)
    with pytest.raises(asyncpg.PostgresError) as caught:
        async with conn.transaction():
            await conn.execute(BULK, [open_one.id, closed.id], 5)
    error = translate(caught.value)
    assert isinstance(error, ConversationClosed) and error.sqlstate == "SF141"
    assert f"conversation {closed.id} is closed" in str(error)
    written = await conn.fetchval(
        "select count(*) from easyflow.messages where conversation_id = any($1::uuid[])",
        [open_one.id, closed.id],
    )
    assert written == 0
    assert [await counted(conn, open_one.id), await counted(conn, closed.id)] == [0, 0]


async def test_a_move_to_another_conversation_counts_in_both_within_and_across_partitions(
    conn: Connection,
) -> None:
    first, second, _ = await three(conn)
    await conn.execute(BULK, [first.id], 3)
    ids = [
        r["id"]
        for r in await conn.fetch("select id from easyflow.messages where conversation_id = $1", first.id)
    ]
    move = (
        "update easyflow.messages set conversation_id = $2, session_id = $3,"
        " created_at = created_at + $4::interval where id = any($1::uuid[])"
    )
    await conn.execute(move, ids[:1], second.id, second.session_id, timedelta(0))
    assert [await counted(conn, first.id), await counted(conn, second.id)] == [2, 1]
    # Into another month's partition: PostgreSQL runs it as a delete and an insert; still one move.
    await conn.execute(move, ids[1:], second.id, second.session_id, timedelta(days=31))
    partitions = await conn.fetchval(
        "select count(distinct tableoid) from easyflow.messages where id = any($1::uuid[])", ids
    )
    assert partitions == 2
    assert [await counted(conn, first.id), await counted(conn, second.id)] == [0, 3]


async def test_a_move_into_a_closed_conversation_is_refused_and_a_closed_ones_message_may_change_month(
    conn: Connection,
) -> None:
    open_one, closed, _ = await three(conn)
    await conn.execute(BULK, [open_one.id, closed.id], 1)
    await conversations.close(conn, id=closed.id)
    with pytest.raises(asyncpg.PostgresError) as caught:
        async with conn.transaction():
            await conn.execute(
                "update easyflow.messages set conversation_id = $2, session_id = $3"
                " where conversation_id = $1",
                open_one.id,
                closed.id,
                closed.session_id,
            )
    assert isinstance(translate(caught.value), ConversationClosed)
    assert [await counted(conn, open_one.id), await counted(conn, closed.id)] == [1, 1]
    # Not an append: the closed conversation keeps its message and its count.
    await conn.execute(
        "update easyflow.messages set created_at = created_at + interval '1 month'"
        " where conversation_id = $1",
        closed.id,
    )
    assert await counted(conn, closed.id) == 1
    await conn.execute(
        "update easyflow.messages set id = gen_random_uuid() where conversation_id = $1", closed.id
    )
    assert await counted(conn, closed.id) == 1


async def test_an_update_counts_rows_after_minus_rows_before_also_when_rows_share_an_id(
    conn: Connection,
) -> None:
    first, second, _ = await three(conn)
    shared = await conn.fetchval("select gen_random_uuid()")
    await conn.execute(
        "insert into easyflow.messages (id, conversation_id, session_id, user_id, content, role, direction,"
        " platform, created_at) select $1, id, session_id, user_id, c, 'user', 'outbound', 'telegram',"
        " now() + k * interval '1 second' from easyflow.conversations,"
        " unnest(array['a', 'b']) with ordinality as t(c, k) where id = $2",
        shared,
        first.id,
    )
    # One row of the two sharing an id moves; the other is only touched by the same statement.
    await conn.execute(
        "update easyflow.messages"
        " set conversation_id = case when content = 'a' then $2 else conversation_id end,"
        " session_id = case when content = 'a' then $3 else session_id end, metadata = '{\"t\": 1}'"
        " where id = $1",
        shared,
        second.id,
        second.session_id,
    )
    actual = await conn.fetch(
        "select c.id, c.messages_count,"
        " (select count(*) from easyflow.messages m where m.conversation_id = c.id) as rows"
        " from easyflow.conversations c where c.id = any($1::uuid[])",
        [first.id, second.id],
    )
    assert {(r["messages_count"], r["rows"]) for r in actual} == {(1, 1)}


async def _waits_on_a_lock(observer: Connection, pid: int, task: asyncio.Future[Any]) -> None:
    """Until backend ``pid`` (running ``task``) waits on a lock; ``task``'s error if it ends first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:
        if task.done():
            raise AssertionError(f"backend {pid} finished without waiting on a lock: {task.result()!r}")
        if await observer.fetchval("select cardinality(pg_blocking_pids($1)) > 0", pid):
            return
        await asyncio.sleep(0.01)
    task.cancel()
    raise AssertionError(f"backend {pid} never waited on a lock")


async def test_a_redelivery_racing_a_holder_of_the_conversation_waits_and_gets_the_stored_message(
    db_url: str,
) -> None:
    # The first delivery's transaction already holds the conversation (a session update) when it
    # stores the message a racing redelivery is storing too. The conversation is locked before the
    # dedupe key (tg_messages_10_lock_conversation_insert), so the redelivery waits for the conversation
    # holding no key, and gets the stored message: no deadlock, one row, one count.
    first, second, observer = await connect_one(db_url), await connect_one(db_url), await connect_one(db_url)
    try:
        conversation = await make_conversation(observer)
        deliver = dict(
            session_id=conversation.session_id,
            user_id=conversation.user_id,
            content="hi",
            platform="telegram",
            platform_message_id=f"tg-{secrets.token_hex(6)}",
            conversation_id=conversation.id,
        )
        async with first.transaction():
            await conversations.update_session(
                first, session_id=conversation.session_id, current_state="asked"
            )
            racing = asyncio.create_task(messages.append_inbound(second, **deliver))  # type: ignore[arg-type]
            await _waits_on_a_lock(observer, second.get_server_pid(), racing)
            stored = await messages.append_inbound(first, **deliver)  # type: ignore[arg-type]
        redelivered = await asyncio.wait_for(racing, timeout=30)
        assert (stored.duplicate, redelivered.duplicate) == (False, True)
        assert redelivered.id == stored.id
        assert await counted(observer, conversation.id) == 1
    finally:
        for c in (first, second, observer):
            await c.close()


async def test_overlapping_batches_of_deliveries_for_one_conversation_do_not_deadlock(db_url: str) -> None:
    first, second, observer = await connect_one(db_url), await connect_one(db_url), await connect_one(db_url)
    try:
        conversation = await make_conversation(observer)
        keys = [f"tg-{secrets.token_hex(6)}" for _ in range(3)]

        async def deliver(conn: Connection, key: str) -> bool:
            result = await messages.append_inbound(
                conn,
                session_id=conversation.session_id,
                user_id=conversation.user_id,
                content=key,
                platform="telegram",
                platform_message_id=key,
                conversation_id=conversation.id,
            )
            return result.duplicate

        async def later_batch() -> list[bool]:
            async with second.transaction():
                return [await deliver(second, keys[1]), await deliver(second, keys[2])]

        async with first.transaction():
            assert await deliver(first, keys[0]) is False
            racing = asyncio.create_task(later_batch())
            await _waits_on_a_lock(observer, second.get_server_pid(), racing)
            assert await deliver(first, keys[1]) is False
        assert await asyncio.wait_for(racing, timeout=30) == [True, False]
        assert await counted(observer, conversation.id) == 3
    finally:
        for c in (first, second, observer):
            await c.close()


async def _while_the_conversation_is_held(
    db_url: str,
    racing: Callable[[Connection, Conversation, Conversation], Awaitable[object]],
    holder_then: Callable[[Connection, Conversation, Conversation], Awaitable[object]],
    prepare: Callable[[Connection, Conversation, Conversation], Awaitable[object]] | None = None,
) -> object:
    """A transaction holds the first conversation while ``racing`` runs on another connection and must
    wait for it; the holder then runs ``holder_then`` and commits. Returns what ``racing`` returned or
    raised (never a deadlock: the conversation is locked before anything else a row writes)."""
    holder, other, observer = await connect_one(db_url), await connect_one(db_url), await connect_one(db_url)
    try:
        user = await make_user(observer)
        held, second = await make_conversation(observer, user), await make_conversation(observer, user)
        if prepare is not None:
            await prepare(observer, held, second)
        async with holder.transaction():
            await conversations.update_session(holder, session_id=held.session_id, current_state="asked")
            task = asyncio.ensure_future(racing(other, held, second))
            await _waits_on_a_lock(observer, other.get_server_pid(), task)
            await holder_then(holder, held, second)
        try:
            return await asyncio.wait_for(task, timeout=30)
        except asyncpg.PostgresError as exc:
            return exc
    finally:
        for c in (holder, other, observer):
            await c.close()


async def _deliver(conn: Connection, to: Conversation, key: str) -> object:
    return await messages.append_inbound(
        conn,
        session_id=to.session_id,
        user_id=to.user_id,
        content=key,
        platform="telegram",
        platform_message_id=key,
        conversation_id=to.id,
    )


async def test_one_insert_over_two_conversations_waits_for_the_first_before_keying_the_second(
    db_url: str,
) -> None:
    key = f"tg-{secrets.token_hex(6)}"

    async def mixed_insert(conn: Connection, held: Conversation, second: Conversation) -> object:
        return await conn.execute(
            "insert into easyflow.messages (conversation_id, session_id, user_id, content, role, direction,"
            " platform, platform_message_id) values"
            " ($1, $2, $3, 'reply', 'assistant', 'outbound', 'telegram', null),"
            " ($4, $5, $3, 'imported', 'user', 'inbound', 'telegram', $6)",
            held.id,
            held.session_id,
            held.user_id,
            second.id,
            second.session_id,
            key + "-imported",
        )

    async def deliver_to_second(conn: Connection, held: Conversation, second: Conversation) -> object:
        return await _deliver(conn, second, key)

    assert await _while_the_conversation_is_held(db_url, mixed_insert, deliver_to_second) == "INSERT 0 2"


async def test_a_move_that_rekeys_a_message_waits_for_the_conversation_before_writing_its_key(
    db_url: str,
) -> None:
    key = f"tg-{secrets.token_hex(6)}"

    async def move_and_rekey(conn: Connection, held: Conversation, second: Conversation) -> object:
        stored = await _deliver(conn, second, key + "-old")
        return await conn.execute(
            "update easyflow.messages set conversation_id = $2, session_id = $3, platform_message_id = $4"
            " where id = $1",
            stored.id,  # type: ignore[attr-defined]
            held.id,
            held.session_id,
            key,
        )

    async def deliver_to_held(conn: Connection, held: Conversation, second: Conversation) -> object:
        return await _deliver(conn, held, key)

    # The mover waited for the conversation before writing its key, so it meets the committed key.
    outcome = await _while_the_conversation_is_held(db_url, move_and_rekey, deliver_to_held)
    assert isinstance(outcome, asyncpg.UniqueViolationError), outcome
    assert outcome.constraint_name == "pk_message_platform_ids"


async def test_a_purge_waits_for_the_conversation_before_deleting_its_keys(db_url: str) -> None:
    key = f"tg-{secrets.token_hex(6)}"

    async def stored(conn: Connection, held: Conversation, second: Conversation) -> object:
        return await _deliver(conn, held, key)

    async def purge(conn: Connection, held: Conversation, second: Conversation) -> object:
        return await conn.execute("delete from easyflow.messages where conversation_id = $1", held.id)

    async def insert_same_key(conn: Connection, held: Conversation, second: Conversation) -> object:
        # A plain insert (not append_inbound, which reads the stored key first) writes the key at once:
        # the purge has not deleted it yet, so it meets the committed key instead of waiting on the purge.
        with pytest.raises(asyncpg.UniqueViolationError):
            async with conn.transaction():
                await conn.execute(
                    "insert into easyflow.messages (conversation_id, session_id, user_id, content, role,"
                    " direction, platform, platform_message_id)"
                    " values ($1, $2, $3, 'again', 'user', 'inbound', 'telegram', $4)",
                    held.id,
                    held.session_id,
                    held.user_id,
                    key,
                )
        return None

    assert await _while_the_conversation_is_held(db_url, purge, insert_same_key, prepare=stored) == "DELETE 1"
