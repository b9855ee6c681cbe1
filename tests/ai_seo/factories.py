"""Small builders for ai_seo rows used across tests."""

from __future__ import annotations

import secrets
from typing import Any

from sqlfirst.ai_seo import agents, campaigns, clients, tasks, users
from sqlfirst.ai_seo.models import Agent, Campaign, Client, Task, User
from sqlfirst.db import Executor

PASSWORD = "correct horse battery"


async def make_user(conn: Executor, **overrides: Any) -> User:
    tag = secrets.token_hex(4)
    fields: dict[str, Any] = {
        "username": f"user_{tag}",
        "email": f"user_{tag}@example.com",
        "password": PASSWORD,
    }
    fields.update(overrides)
    return await users.create(conn, **fields)


async def make_agent(conn: Executor, **overrides: Any) -> Agent:
    tag = secrets.token_hex(4)
    fields: dict[str, Any] = {
        "name": f"Technical SEO Auditor {tag}",
        "agent_id": f"technical_seo_auditor_{tag}",
        "agent_level": "operational",
    }
    fields.update(overrides)
    return await agents.register(conn, **fields)


async def make_client(conn: Executor, **overrides: Any) -> Client:
    fields: dict[str, Any] = {"company_name": "Acme Hosting", "industry": "hosting"}
    fields.update(overrides)
    return await clients.create(conn, **fields)


async def make_campaign(conn: Executor, client: Client | None = None, **overrides: Any) -> Campaign:
    owner = client or await make_client(conn)
    fields: dict[str, Any] = {
        "client_id": owner.id,
        "name": "Q1 organic growth",
        "campaign_type": "seo_audit",
        "objectives": ["traffic", "rankings"],
    }
    fields.update(overrides)
    return await campaigns.create(conn, **fields)


async def make_task(conn: Executor, agent: Agent | None = None, **overrides: Any) -> Task:
    the_agent = agent or await make_agent(conn)
    fields: dict[str, Any] = {
        "agent_id": the_agent.id,
        "task_type": "site_audit",
        "input_data": {"url": "https://example.com"},
    }
    fields.update(overrides)
    return await tasks.create(conn, **fields)
