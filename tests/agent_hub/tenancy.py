"""Shared checks for agent_hub's child tables that carry their session's user (the Citus tenant)."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import pytest

from sqlfirst.db import Connection

from ..migration_helpers import migrated_to_just_before
from .factories import make_user

__all__ = ["assert_refuses_another_user", "migrated_to_just_before"]


async def assert_refuses_another_user(
    conn: Connection, *, table: str, insert: str, session_id: UUID, constraint: str
) -> None:
    """A row of ``agent_hub.<table>`` given another user than its session's, by an update of the
    session's rows or by ``insert`` ($1 the session, $2 the user), fails on ``constraint``."""
    stranger = await make_user(conn)
    for statement in (f"update agent_hub.{table} set user_id = $2 where session_id = $1", insert):
        with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
            async with conn.transaction():
                await conn.execute(statement, session_id, stranger.id)
        assert caught.value.constraint_name == constraint, statement
