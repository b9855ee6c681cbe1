"""agent_hub's untimed preparation for writes that need a fresh target (a user, agent or session to
delete or rename, a marketplace entry to withdraw); the bulk contest's session too."""

from __future__ import annotations

import random
import uuid
from typing import Any

from sqlfirst.bench.dataset import PASSWORD_HASH
from sqlfirst.bench.registry import Params

from .samples import Samples


async def _new_user(conn: Any, s: Samples) -> uuid.UUID:
    name = s.unique("prep")
    uid: uuid.UUID = await conn.fetchval(
        "insert into agent_hub.users (username, email, password_hash) values ($1, $2, $3) returning id",
        name,
        f"{name}@example.com",
        PASSWORD_HASH,
    )
    return uid


async def _new_agent(conn: Any, s: Samples, rng: random.Random, *, is_public: bool = False) -> uuid.UUID:
    aid: uuid.UUID = await conn.fetchval(
        "insert into agent_hub.agents (name, display_name, owner_id, definition, is_public)"
        " values ('tmp', 'Tmp', $1, $2, $3)"
        " returning id",
        rng.choice(s.users)["id"],
        {"model": "openai:gpt-4o"},
        is_public,
    )
    return aid


async def _new_session(conn: Any, s: Samples, rng: random.Random, external: str | None = None) -> uuid.UUID:
    agent = rng.choice(s.agents)  # anyone's session with a public agent, or its owner's with a private one
    sid: uuid.UUID = await conn.fetchval(
        "insert into agent_hub.sessions (agent_id, user_id, external_session_id)"
        " values ($1, $2, $3) returning id",
        agent["id"],
        rng.choice(s.users)["id"] if agent["is_public"] else agent["owner_id"],
        external,
    )
    return sid


async def _prep_delete_user(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s)}


async def _prep_user_profile(conn: Any, s: Samples, rng: random.Random) -> Params:
    name = s.unique("moved")
    return {"id": await _new_user(conn, s), "email": f"{name}@example.com", "full_name": f"User {name}"}


async def _prep_agent_profile(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {
        "id": await _new_agent(conn, s, rng),
        "name": s.unique("agent"),
        "display_name": "Renamed agent",
        "description": "What this agent does, in a sentence.",
    }


async def _prep_versions(conn: Any, s: Samples, rng: random.Random) -> Params:
    agent_id = rng.choice(s.entries)["agent_id"]
    if rng.random() < 0.5:  # a republication now and then, so histories grow as they do in use
        await conn.execute(
            "update agent_hub.marketplace_entries set changelog = $2, published_at = now()"
            " where agent_id = $1",
            agent_id,
            f"release {s.unique('r')}",
        )
    return {"agent_id": agent_id, "lim": 20}


async def _prep_delete_agent(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_agent(conn, s, rng)}


async def _prep_delete_session(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_session(conn, s, rng)}


async def _prep_withdraw(conn: Any, s: Samples, rng: random.Random) -> Params:
    aid = await _new_agent(conn, s, rng, is_public=True)  # only public agents are published
    await conn.execute(
        "insert into agent_hub.marketplace_entries (agent_id, category) values ($1, 'support')", aid
    )
    return {"agent_id": aid}
