"""What an agent_hub run leaves behind, removed after the contests."""

from __future__ import annotations

from typing import Any

from sqlfirst.bench.restore import restore_schemas

from .contests import BULK_MARK


async def cleanup(conn: Any) -> None:
    """Remove what the workloads and contests wrote, so repeated runs keep the dataset as loaded:
    every user, agent and session created after the load (with their sessions, events and
    marketplace entries, by cascade; generated rows carry past timestamps) and the bulk-insert
    contest's session.
    Left behind, they grew the dataset by ~12k users and ~4.7k agents a run, enough to turn
    search_marketplace_by_tags into a hash join over every agent on the third run."""
    await conn.execute("delete from agent_hub.sessions where external_session_id = $1", BULK_MARK)
    loaded = await conn.fetchval(
        "select loaded_at from public.sqlfirst_bench_datasets where domain = 'agent_hub'"
    )
    if loaded is not None:
        await conn.execute("delete from agent_hub.users where created_at > $1", loaded)
        await conn.execute("delete from agent_hub.agents where created_at > $1", loaded)
        await conn.execute("delete from agent_hub.sessions where created_at > $1", loaded)
    # What the deletes above do not cover (a session's state, an agent's settings, a user's
    # profile, each changed in place) goes back as loaded.
    await restore_schemas(conn, "agent_hub")
