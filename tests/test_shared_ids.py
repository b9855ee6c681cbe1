"""No two users share an id the database chooses (0182-0185): ``0175``-``0178`` took the choice of
those ids from the application role but did not look at rows written before, where the (id, user)
keys let one user write a row under another user's id. Each domain's migration stops, naming the
table, the count and the ids, until the twins are gone; it changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest

from sqlfirst.db import Connection, connect_one
from sqlfirst.migrate import MigrationError

from .agent_hub import factories as hub
from .deals import factories as deals
from .easyflow import factories as easyflow
from .migration_helpers import migrated_to_just_before

# A row of another user under the row's id, the rest copied (what the key allowed before 0175-0178).
TWIN = """
insert into {table}
select (jsonb_populate_record(null::{table}, to_jsonb(r) || $2::jsonb)).*
from {table} as r
where id = $1
"""


async def _goal(conn: Connection) -> tuple[UUID, dict[str, Any]]:
    goal = await deals.make_goal(conn)
    return goal.id, {"user_id": str((await deals.make_user(conn)).id)}


async def _session(conn: Connection) -> tuple[UUID, dict[str, Any]]:
    session = await hub.make_session(conn)
    return session.id, {"user_id": str((await hub.make_user(conn)).id)}


async def _conversation(conn: Connection) -> tuple[UUID, dict[str, Any]]:
    conversation = await easyflow.make_conversation(conn)
    other = await easyflow.make_user(conn)
    return conversation.id, {"user_id": str(other.id), "session_id": "twin-session"}


CASES: list[tuple[str, str, Callable[[Connection], Awaitable[tuple[UUID, dict[str, Any]]]]]] = [
    ("0183_deals_shared_ids_refused", "deals.goals", _goal),
    ("0184_agent_hub_shared_ids_refused", "agent_hub.sessions", _session),
    ("0185_easyflow_shared_ids_refused", "easyflow.conversations", _conversation),
]


@pytest.mark.parametrize(("migration", "table", "make"), CASES, ids=[c[1] for c in CASES])
async def test_the_migration_refuses_an_id_two_users_share_until_one_is_gone(
    empty_db_url: str,
    migration: str,
    table: str,
    make: Callable[[Connection], Awaitable[tuple[UUID, dict[str, Any]]]],
) -> None:
    migrator = migrated_to_just_before(empty_db_url, migration)
    conn = await connect_one(empty_db_url)
    try:
        shared, twin = await make(conn)
        await conn.execute("set session_replication_role = replica")  # the twin as an old row: no triggers
        await conn.execute(TWIN.format(table=table), shared, twin)
        await conn.execute("set session_replication_role = origin")
    finally:
        await conn.close()
    with pytest.raises(MigrationError, match=rf"{table}\.id: 1 id\(s\): {shared}"):
        migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        await conn.execute("set session_replication_role = replica")  # as it came: no triggers
        await conn.execute(
            f"delete from {table} where id = $1 and user_id = $2::uuid", shared, twin["user_id"]
        )
    finally:
        await conn.close()
    migrator.up()
    assert migration in {state.id for state in migrator.status() if state.state == "applied"}


async def test_more_than_twenty_shared_ids_are_counted_and_the_first_twenty_named(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0185_easyflow_shared_ids_refused")
    conn = await connect_one(empty_db_url)
    try:
        other = await easyflow.make_user(conn)
        ids = sorted([(await easyflow.make_conversation(conn)).id for _ in range(21)])
        await conn.execute("set session_replication_role = replica")
        for n, shared in enumerate(ids):
            twin = {"user_id": str(other.id), "session_id": f"twin-{n}"}
            await conn.execute(TWIN.format(table="easyflow.conversations"), shared, twin)
    finally:
        await conn.close()
    with pytest.raises(MigrationError) as caught:
        migrator.up()
    named = ", ".join(str(i) for i in ids[:20])
    assert f"easyflow.conversations.id: 21 id(s) (the first 20): {named}" in str(caught.value)
    assert str(ids[20]) not in str(caught.value)
