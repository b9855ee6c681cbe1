"""Small builders for agent_hub rows used across tests."""

from __future__ import annotations

import secrets

from sqlfirst.agent_hub import agents, sessions, users
from sqlfirst.agent_hub.models import Agent, Session, User
from sqlfirst.db import Executor


async def make_user(conn: Executor, **overrides: str) -> User:
    tag = secrets.token_hex(4)
    fields = {
        "username": f"user_{tag}",
        "email": f"user_{tag}@example.com",
        "password": "correct horse battery staple",
    }
    fields.update(overrides)
    return await users.create(conn, **fields)


async def make_agent(conn: Executor, owner: User, *, is_public: bool = False, name: str = "helper") -> Agent:
    return await agents.create(
        conn,
        name=name,
        display_name=name.title(),
        owner_id=owner.id,
        definition={"model": "openai:gpt-4o", "system_prompt": "Be brief."},
        is_public=is_public,
    )


async def make_session(conn: Executor, *, external_session_id: str | None = None) -> Session:
    owner = await make_user(conn)
    agent = await make_agent(conn, owner)
    return await sessions.create(
        conn, agent_id=agent.id, user_id=owner.id, external_session_id=external_session_id
    )
