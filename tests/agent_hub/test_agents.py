from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from sqlfirst.agent_hub import agents
from sqlfirst.agent_hub.models import AgentCreate
from sqlfirst.db import Connection
from sqlfirst.errors import ReferenceViolation

from .factories import make_agent, make_user


async def test_create_and_get_keeps_json_definition(conn: Connection) -> None:
    owner = await make_user(conn)
    definition = {
        "model": "openai:gpt-4o",
        "tools": [{"name": "search", "args": {"k": 3}}],
        "temperature": 0.2,
    }
    agent = await agents.create(
        conn,
        name="researcher",
        display_name="Researcher",
        owner_id=owner.id,
        definition=definition,
        metadata={"team": "r&d"},
    )
    fetched = await agents.get(conn, id=agent.id)
    assert fetched == agent
    assert fetched.definition == definition
    assert fetched.metadata == {"team": "r&d"}
    assert not fetched.is_public


async def test_update_definition_and_metadata_bump_updated_at(conn: Connection) -> None:
    owner = await make_user(conn)
    agent = await make_agent(conn, owner)
    # Push the stamp into the past; the trigger must bring it back to the transaction's now().
    await conn.execute("update agent_hub.agents set updated_at = '2000-01-01' where id = $1", agent.id)
    updated = await agents.update_definition(conn, id=agent.id, definition={"model": "anthropic:claude"})
    assert updated is not None
    assert updated.definition == {"model": "anthropic:claude"}
    assert updated.updated_at == await conn.fetchval("select now()")
    replaced = await agents.update_metadata(conn, id=agent.id, metadata={"a": 1})
    assert replaced is not None and replaced.metadata == {"a": 1}
    merged = await agents.merge_metadata(conn, id=agent.id, patch={"b": [1, 2]})
    assert merged is not None and merged.metadata == {"a": 1, "b": [1, 2]}
    assert await agents.update_definition(conn, id=uuid.uuid4(), definition={}) is None


async def test_list_by_owner_returns_only_their_agents_newest_first(conn: Connection) -> None:
    alice, bob = await make_user(conn), await make_user(conn)
    first = await make_agent(conn, alice, name="one")
    await conn.execute(
        "update agent_hub.agents set created_at = created_at - interval '1 minute' where id = $1", first.id
    )
    second = await make_agent(conn, alice, name="two")
    await make_agent(conn, bob, name="three")
    listed = await agents.list_by_owner(conn, owner_id=alice.id)
    assert [a.id for a in listed] == [second.id, first.id]


async def test_list_public_pages_by_keyset_without_gaps_or_repeats(conn: Connection) -> None:
    owner = await make_user(conn)
    await conn.execute("delete from agent_hub.agents where is_public")
    made = [await make_agent(conn, owner, is_public=True, name=f"pub{i}") for i in range(7)]
    await make_agent(conn, owner, is_public=False, name="private")
    seen: list[uuid.UUID] = []
    page = await agents.list_public(conn, limit=3)
    while page:
        seen.extend(a.id for a in page)
        page = await agents.list_public(conn, limit=3, after=page[-1])
    assert sorted(seen) == sorted(a.id for a in made)
    assert len(seen) == len(set(seen)) == 7


async def test_set_public_publishes(conn: Connection) -> None:
    owner = await make_user(conn)
    agent = await make_agent(conn, owner)
    published = await agents.set_public(conn, id=agent.id, is_public=True)
    assert published is not None and published.is_public


async def test_unknown_owner_raises_reference_violation(conn: Connection) -> None:
    with pytest.raises(ReferenceViolation) as caught:
        await agents.create(conn, name="x", display_name="X", owner_id=uuid.uuid4(), definition={})
    assert caught.value.constraint == "fk_agents_owner_id"


async def test_missing_or_blank_fields_are_rejected_before_the_database(conn: Connection) -> None:
    owner = await make_user(conn)
    with pytest.raises(ValidationError):
        AgentCreate.model_validate({"name": "x", "owner_id": owner.id, "definition": {}})  # no display_name
    with pytest.raises(ValidationError):
        await agents.create(conn, name="   ", display_name="X", owner_id=owner.id, definition={})
    with pytest.raises(ValidationError):
        await agents.create(conn, name="x", display_name="X", owner_id=owner.id, definition=[1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="limit"):
        await agents.list_by_owner(conn, owner_id=owner.id, limit=0)
