"""Agents, clients and campaigns: registration, updates, workflow kept by the database, searches."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.ai_seo import agents, campaigns, clients
from sqlfirst.ai_seo.errors import IllegalCampaignTransition
from sqlfirst.ai_seo.models import AgentLevel, CampaignStatus
from sqlfirst.db import Connection
from sqlfirst.errors import CheckViolation, Conflict

from .factories import make_agent, make_campaign, make_client


async def test_register_agents_by_business_key_and_list_by_level(conn: Connection) -> None:
    chief = await agents.register(
        conn,
        name="Chief SEO Strategist",
        agent_id="chief_seo_strategist_t",
        agent_level="executive",
        knowledge_base_path="knowledge/executive/chief_seo_strategist.md",
        config={"model": "gpt-4o"},
    )
    assert (
        chief.agent_level is AgentLevel.EXECUTIVE and chief.is_active and chief.config == {"model": "gpt-4o"}
    )
    assert await agents.get_by_key(conn, agent_id="chief_seo_strategist_t") == chief
    assert await agents.get_by_id(conn, id=chief.id) == chief
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await agents.register(
                conn, name="Copy", agent_id="chief_seo_strategist_t", agent_level="management"
            )
    assert caught.value.constraint == "uq_agents_agent_id"
    with pytest.raises(ValidationError):
        await agents.register(conn, name="Bad", agent_id="Has Spaces", agent_level="executive")
    with pytest.raises(ValidationError):
        await agents.register(conn, name="Bad", agent_id="bad", agent_level="intern")
    executives = await agents.list_by_level(conn, agent_level="executive")
    assert chief in executives and all(a.agent_level is AgentLevel.EXECUTIVE for a in executives)
    everyone = await agents.list_all(conn)
    assert [a.agent_level for a in everyone] == sorted(
        (a.agent_level for a in everyone), key=list(AgentLevel).index
    )


async def test_agent_config_replace_merge_and_activation(conn: Connection) -> None:
    agent = await make_agent(conn, config={"a": 1})
    replaced = await agents.update_config(conn, id=agent.id, config={"b": 2})
    assert replaced is not None and replaced.config == {"b": 2} and replaced.updated_at >= agent.updated_at
    merged = await agents.merge_config(conn, id=agent.id, patch={"c": [1, 2]})
    assert merged is not None and merged.config == {"b": 2, "c": [1, 2]}
    off = await agents.deactivate(conn, id=agent.id)
    assert off is not None and not off.is_active
    on = await agents.activate(conn, id=agent.id)
    assert on is not None and on.is_active
    assert await agents.update_config(conn, id=uuid.uuid4(), config={}) is None
    assert await agents.delete(conn, id=agent.id) == 1  # no history yet


async def test_concurrent_config_merges_all_land(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    agent = await make_agent(pool)
    await asyncio.gather(*(agents.merge_config(pool, id=agent.id, patch={f"k{i}": i}) for i in range(20)))
    final = await agents.get_by_id(pool, id=agent.id)
    assert final is not None and final.config == {f"k{i}": i for i in range(20)}


async def test_clients_defaults_update_pages_and_checks(conn: Connection) -> None:
    client = await clients.create(
        conn,
        company_name="Yandex Partner",
        industry="ecommerce",
        contact_email="Boss@Shop.RU",
        annual_revenue=10**12,
        employee_count=250,
    )
    assert client.country == "RU" and client.contact_email == "boss@shop.ru" and client.metadata == {}
    updated = await clients.update(
        conn, id=client.id, company_name="Yandex Partner LLC", country="DE", metadata={"tier": "gold"}
    )
    assert updated is not None and (updated.country, updated.industry, updated.metadata) == (
        "DE",
        None,
        {"tier": "gold"},
    )
    for bad in (
        {"country": "ru"},
        {"country": "RUS"},
        {"annual_revenue": -1},
        {"employee_count": -5},
        {"company_name": " "},
    ):
        with pytest.raises(ValidationError):
            await clients.create(conn, **{"company_name": "X", **bad})  # type: ignore[arg-type]

    names = [f"Pager {i:02d}" for i in range(5)]
    for name in names:
        await clients.create(conn, company_name=name, industry="paging")
    seen = []
    page = await clients.list_page(conn, limit=2)
    while page:
        seen += [c.company_name for c in page if c.company_name.startswith("Pager")]
        page = await clients.list_page(conn, after=page[-1], limit=2)
    assert seen == names
    assert [c.company_name for c in await clients.list_by_industry(conn, industry="paging")] == names


async def test_database_checks_name_their_constraint(conn: Connection) -> None:
    from sqlfirst.ai_seo.clients import _insert

    with pytest.raises(CheckViolation) as caught:
        async with conn.transaction():
            await _insert(
                conn,
                company_name="X",
                industry=None,
                website=None,
                annual_revenue=-1,
                employee_count=None,
                country="RU",
                contact_person=None,
                contact_email=None,
                contact_phone=None,
                metadata={},
            )
    assert caught.value.constraint == "ck_clients_annual_revenue"


async def test_campaign_create_update_and_date_rules(conn: Connection) -> None:
    campaign = await make_campaign(
        conn, budget="1500.50", start_date=date(2026, 1, 1), end_date=date(2026, 3, 31)
    )
    assert campaign.status is CampaignStatus.ACTIVE and campaign.budget == Decimal("1500.50")
    assert campaign.objectives == ["traffic", "rankings"]
    updated = await campaigns.update(
        conn,
        id=campaign.id,
        name="Renamed",
        campaign_type="link_building",
        objectives=["backlinks"],
        budget=0,
    )
    assert updated is not None and (updated.name, updated.objectives, updated.budget) == (
        "Renamed",
        ["backlinks"],
        0,
    )
    with pytest.raises(ValidationError):
        await make_campaign(conn, start_date=date(2026, 3, 1), end_date=date(2026, 2, 1))
    with pytest.raises(ValidationError):
        await make_campaign(conn, budget="-1")
    with pytest.raises(ValidationError):
        await make_campaign(conn, budget="123456789.00")


async def test_campaign_workflow_is_kept_by_the_database(conn: Connection) -> None:
    campaign = await make_campaign(conn, status="draft")
    for step in ("active", "paused", "active", "completed"):
        moved = await campaigns.set_status(conn, id=campaign.id, status=step)
        assert moved is not None and moved.status == step
    with pytest.raises(IllegalCampaignTransition) as caught:
        async with conn.transaction():
            await campaigns.set_status(conn, id=campaign.id, status="active")
    assert (caught.value.sqlstate, caught.value.constraint) == ("SF032", "campaigns_lifecycle")
    draft = await make_campaign(conn, status="draft")
    with pytest.raises(IllegalCampaignTransition):
        async with conn.transaction():
            await campaigns.set_status(conn, id=draft.id, status="paused")
    assert await campaigns.set_status(conn, id=uuid.uuid4(), status="active") is None


async def test_list_client_campaigns_and_search_by_status_and_objective(conn: Connection) -> None:
    client = await make_client(conn)
    made = [
        await make_campaign(conn, client, name=f"c{i}", objectives=objectives, status=status)
        for i, (objectives, status) in enumerate(
            [
                (["traffic"], "active"),
                (["traffic", "leads"], "active"),
                (["leads"], "active"),
                (["traffic"], "paused"),
            ]
        )
    ]
    for i, c in enumerate(made):
        await conn.execute(
            "update ai_seo.campaigns set created_at = now() + make_interval(secs => $2) where id = $1",
            c.id,
            i,
        )
    listed = await campaigns.list_for_client(conn, client_id=client.id)
    assert [c.name for c in listed] == ["c3", "c2", "c1", "c0"]
    mine = {c.id for c in made}
    found = [
        c.name
        for c in await campaigns.search(conn, status="active", objectives=["traffic"], limit=1000)
        if c.id in mine
    ]
    assert found == ["c1", "c0"]
    both = [
        c.name
        for c in await campaigns.search(conn, status="active", objectives=["traffic", "leads"])
        if c.id in mine
    ]
    assert both == ["c1"]
    first = await campaigns.search(conn, status="active", objectives=["leads"], limit=1)
    rest = await campaigns.search(conn, status="active", objectives=["leads"], before=first[0], limit=1000)
    assert first[0].id not in {c.id for c in rest}


async def test_deleting_a_client_takes_campaigns_without_tasks(conn: Connection) -> None:
    client = await make_client(conn)
    campaign = await make_campaign(conn, client)
    assert await clients.delete(conn, id=client.id) == 1
    assert await campaigns.get_by_id(conn, id=campaign.id) is None
