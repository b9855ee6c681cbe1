"""An integration id is unique across users through easyflow.integration_ids, kept by triggers on
integrations (0179): integrations' key holds the tenant ((id, user_id)), as Citus requires of a table
distributed by user_id, and the caller chooses the id (its credentials are sealed bound to it)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from sqlfirst.db import Connection, connect_one
from sqlfirst.migrate import MigrationError

from ..migration_helpers import migrated_to_just_before
from .factories import key_ring, make_integration, make_user

INDEX_DIFFERS = """
select count(*) from (
    (select id, user_id from easyflow.integrations except all
     select integration_id, user_id from easyflow.integration_ids)
    union all
    (select integration_id, user_id from easyflow.integration_ids except all
     select id, user_id from easyflow.integrations)
) as differences
"""
TWIN = (
    "insert into easyflow.integrations (id, user_id, platform_id, status) values ($1, $2, 'ozon', 'pending')"
)


async def test_truncating_integrations_empties_the_index(conn: Connection) -> None:
    await make_integration(conn, key_ring())
    await conn.execute("truncate easyflow.integrations cascade")
    assert await conn.fetchval("select count(*) from easyflow.integration_ids") == 0
    await make_integration(conn, key_ring())
    assert await conn.fetchval(INDEX_DIFFERS) == 0


async def test_the_migration_indexes_every_integration_and_refuses_ids_two_users_share(
    empty_db_url: str,
) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0179_easyflow_integration_ids")
    shared = uuid4()
    conn = await connect_one(empty_db_url)
    try:
        keys = key_ring()
        a, b = await make_user(conn), await make_user(conn)
        await make_integration(conn, keys, a)
        await make_integration(conn, keys, b, platform_id="wildberries")
        await conn.execute(TWIN, shared, a.id)
        await conn.execute(TWIN, shared, b.id)  # possible before 0179: the key is (id, user_id)
    finally:
        await conn.close()
    with pytest.raises(MigrationError, match=str(shared)):
        migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        assert await conn.fetchval("select to_regclass('easyflow.integration_ids')") is None  # undone whole
        await conn.execute("delete from easyflow.integrations where id = $1 and user_id = $2", shared, b.id)
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        assert await conn.fetchval("select count(*) from easyflow.integration_ids") == 3
        assert await conn.fetchval(INDEX_DIFFERS) == 0
    finally:
        await conn.close()
