"""Hostile strings and json are data: stored and returned verbatim, never executed."""

from __future__ import annotations

import pytest

from sqlfirst.ai_seo import agents, campaigns, clients, events, tasks, users
from sqlfirst.db import Connection

from .factories import make_agent, make_client

HOSTILE = [
    "Robert'); DROP TABLE ai_seo.users;--",
    "' OR '1'='1",
    "$1 :username %s {0} \\x00",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — ünïcödé 🚀 中文 עברית",
    'line\nbreak\ttab \\ backslash "quote"',
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_are_stored_verbatim(conn: Connection, text: str) -> None:
    user = await users.create(
        conn, username="hostile_user", email="h@example.com", password="a long password", full_name=text[:100]
    )
    assert (await users.get_by_id(conn, id=user.id)).full_name == text[:100]  # type: ignore[union-attr]
    client = await make_client(conn, company_name=text, contact_person=text[:100], metadata={text: text})
    assert await clients.get_by_id(conn, id=client.id) == client
    assert client.company_name == text and client.metadata == {text: text}
    campaign = await campaigns.create(
        conn, client_id=client.id, name=text, campaign_type="x", objectives=[text]
    )
    assert (await campaigns.search(conn, status="active", objectives=[text]))[0].id == campaign.id
    agent = await make_agent(conn, description=text, config={"prompt": text})
    assert (await agents.get_by_id(conn, id=agent.id)) == agent
    task = await tasks.create(conn, agent_id=agent.id, task_type="t", input_data={"q": text, text: [text]})
    await tasks.start(conn, id=task.id)
    failed = await tasks.fail(conn, id=task.id, error_message=text)
    assert failed.error_message == text and failed.input_data == {"q": text, text: [text]}
    event = await events.record(conn, event_type="hostile", source="test", event_data={"text": text})
    found = await events.search(conn, event_data={"text": text}, since=event.occurred_at)
    assert [e.id for e in found] == [event.id]
    assert await conn.fetchval("select count(*) from ai_seo.users where username = 'hostile_user'") == 1
