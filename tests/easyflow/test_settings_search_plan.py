"""A search of integrations by settings (jsonb containment) reads the GIN index's matches whatever the
statistics say of the value: ordered by id with a limit, the planner walked the primary key in id
order when a value sat in ANALYZE's sample, expecting many matches, and read every integration to
find the few of the platform asked for (at the bench's large scale, up to 2.5 s for 50 rows)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import asyncpg
import pytest

from sqlfirst.bench.plans import PLAN_MODES, explain_analyze, plan_cost
from sqlfirst.db import connect_one
from sqlfirst.easyflow import integrations

from ..conftest import with_database
from ..deals.test_query_plans import declaration, indexes_used

# 20k users on four platforms: every Telegram integration (20k) belongs to one shop, which ANALYZE
# therefore sees as the commonest value; three Ozon integrations belong to it too.
SEED = """
insert into easyflow.users (email, name)
select 'user' || i || '@example.com', 'user ' || i from generate_series(1, 20000) as i;

insert into easyflow.integrations (user_id, platform_id, status, settings)
select u.id, p.id, 'pending',
       jsonb_build_object(
           'auto_reply', (row_number() over ()) % 2 = 0,
           'shop', case when p.id = 'telegram' then 'shop-common' else 'shop' || (row_number() over ()) end
       )
from easyflow.users as u cross join easyflow.platforms as p
order by p.id <> 'telegram';  -- the holders first, on their own pages

update easyflow.integrations
set settings = settings || '{"shop": "shop-common"}'
where id in (select id from easyflow.integrations where platform_id = 'ozon' order by id desc limit 3);

analyze easyflow.integrations;
"""


@pytest.fixture(scope="module")
async def seeded(server_url: str, template_name: str) -> AsyncIterator[str]:
    name = f"sqlfirst_efsettings_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_name}"')
    finally:
        await admin.close()
    url = with_database(server_url, name)
    conn = await connect_one(url)
    try:
        await conn.execute("set statement_timeout = 0")  # seeding is setup, not a query under test
        await conn.execute(SEED)
        await conn.execute("vacuum easyflow.integrations")
    finally:
        await conn.close()
    yield url
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


@pytest.mark.parametrize("mode", PLAN_MODES)
async def test_a_common_value_on_a_platform_that_rarely_holds_it_reads_only_its_matches(
    seeded: str, mode: str
) -> None:
    decl = declaration(integrations._by_settings)
    arguments = {"platform_id": "ozon", "settings": {"shop": "shop-common"}, "lim": 50}
    conn = await connect_one(seeded)
    try:
        found = await integrations.find_by_settings(
            conn, platform_id="ozon", settings={"shop": "shop-common"}
        )
        plan = await explain_analyze(
            conn, decl.query.sql, [arguments[n] for n in decl.query.parameters], mode=mode
        )
    finally:
        await conn.close()
    assert len(found) == 3
    used = indexes_used(plan)
    assert "pk_integrations" not in used  # no walk of every integration in id order
    assert "ix_integrations_platform_id" not in used  # nor a quarter of the platform index ANDed in
    cost = plan_cost(mode, plan)
    # What is read is the value's 20,003 holders (the GIN index cannot tell the platform), a
    # quarter of the table's pages; the key walk, in random id order, read every page.
    pages = await _pages(seeded)
    assert cost.blocks < pages / 2, (cost, pages)


async def _pages(url: str) -> int:
    conn = await connect_one(url)
    try:
        return int(
            await conn.fetchval("select relpages from pg_class where oid = 'easyflow.integrations'::regclass")
        )
    finally:
        await conn.close()
