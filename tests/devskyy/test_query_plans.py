"""devskyy hot queries use their indexes on seeded data, and the audit-log ranges prune partitions.

Plans, not timings: one database is seeded for this module with enough rows that the planner
prefers the indexes, analysed, and each hot named query is EXPLAINed with realistic arguments.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from sqlfirst.bench.plans import PLAN_MODES, explain_analyze, plan_cost
from sqlfirst.bench.plans import plan_nodes as nodes
from sqlfirst.binding import Declaration
from sqlfirst.db import connect_one
from sqlfirst.devskyy import agent_executions, orders, products, rag, round_table, tool_executions, users
from sqlfirst.settings import Settings

from ..conftest import vacuum_as_autovacuum_leaves_it, with_database
from .factories import embedding_of

SEED = """
set statement_timeout = 0;
insert into devskyy.users (email, username, password_hash, created_at, is_active)
select 'user' || i || '@example.com', 'user' || i, 'x', now() - make_interval(mins => i), i % 10 <> 0
from generate_series(1, 3000) as i;

insert into devskyy.products (sku, name, category, price, inventory_quantity, status, tags, metadata)
select 'SKU-' || i, 'product ' || i, 'category ' || (i % 40), (1 + i % 500)::numeric, 100,
       (array['draft', 'published', 'archived'])[1 + i % 3]::devskyy.product_status,
       array['tag' || (i % 200), 'tag' || (i % 7)],
       jsonb_build_object('dimensions', jsonb_build_object('weight', (i % 300) || 'g'))
from generate_series(1, 30000) as i;

insert into devskyy.orders (user_id, total_price, subtotal, created_at)
select u.ids[1 + o % 3000], 10, 10, now() - make_interval(mins => o)
from generate_series(1, 30000) as o
cross join (select array_agg(id order by id) as ids from devskyy.users) as u;

insert into devskyy.order_items (order_id, product_id, quantity, unit_price)
select o.id, p.ids[1 + (row_number() over ()) % 30000], 1, 10
from devskyy.orders as o
cross join (select array_agg(id order by id) as ids from devskyy.products) as p;

insert into devskyy.agent_execution_ids (execution_id, created_at)
select 'exec-' || e, date_trunc('month', now()) + make_interval(days => (e % 100) - 40, secs => e)
from generate_series(1, 30000) as e;

insert into devskyy.agent_executions (execution_id, agent_name, prompt, status, tokens_used, duration_ms,
                                      created_at, updated_at, completed_at)
select k.execution_id, 'agent-' || (substr(k.execution_id, 6)::int % 25), 'p',
       (case when substr(k.execution_id, 6)::int % 50 = 0 then 'running' else 'completed' end)
           ::devskyy.agent_execution_status,
       100, 10 + substr(k.execution_id, 6)::int % 900, k.created_at, k.created_at,
       case when substr(k.execution_id, 6)::int % 50 <> 0 then k.created_at end
from devskyy.agent_execution_ids as k
order by k.created_at;  -- an audit log is appended in time order (its BRIN index relies on it)

insert into devskyy.tool_executions (correlation_id, tool_name, inputs, status, duration_ms, created_at)
select 'corr-' || (t / 5), 'tool-' || (t % 30), '{}',
       (case when t % 20 = 0 then 'failed' when t % 33 = 0 then 'timeout' else 'success' end)
           ::devskyy.tool_execution_status,
       t % 500, date_trunc('month', now()) + make_interval(days => (t % 120) - 40, secs => t)
from generate_series(1, 60000) as t;

insert into devskyy.llm_round_table_results (
    result_id, prompt, task_category, winner_provider, participants, created_at
)
select 'rt-' || r, 'p', (enum_range(null::devskyy.task_category))[1 + r % 5], 'provider' || (r % 4), '[]',
       now() - make_interval(hours => r)
from generate_series(1, 20000) as r;

insert into devskyy.rag_documents (
    document_id, parent_doc_id, source_path, content, content_hash, chunk_index, total_chunks
)
select 'doc' || (c / 10) || '-chunk-' || (c % 10), 'doc' || (c / 10), 'docs/' || (c / 10) || '.md',
       'chunk ' || c || ' about '
       || (array['postgres', 'vectors', 'cooking', 'gardening', 'travel'])[1 + c % 5]
       || ' and word' || (c % 997),
       encode(sha256(c::text::bytea), 'hex'), c % 10, 10
from generate_series(0, 19999) as c;
"""

VECTORS = """
update devskyy.rag_documents
set embedding = (
    select array_agg(random()::real) from generate_series(1, 384) where id is not null  -- once per row
)::core.vector
where chunk_index < 1;
"""


@pytest.fixture(scope="module")
async def seeded(server_url: str, template_name: str) -> AsyncIterator[str]:
    name = f"sqlfirst_devskyy_plans_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_name}"')
    finally:
        await admin.close()
    url = with_database(server_url, name)
    conn = await connect_one(url)
    try:
        await conn.execute(SEED)
        if await rag.has_pgvector(conn):
            await conn.execute(VECTORS)
        await vacuum_as_autovacuum_leaves_it(conn, "devskyy")
    finally:
        await conn.close()
    yield url
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


async def executed(url: str, fn: Any, **arguments: Any) -> dict[str, dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the custom plan (planned for these values) and the generic one
    (what a prepared statement switches to), each in a transaction rolled back afterwards."""
    decl = fn.__sqlfirst__
    assert isinstance(decl, Declaration)
    conn = await connect_one(url)
    try:
        args = [arguments[name] for name in decl.query.parameters]
        # Not counted, as in the benchmark: a session's first run reads catalog pages no later run does.
        await explain_analyze(conn, decl.query.sql, args, mode="custom")
        return {mode: await explain_analyze(conn, decl.query.sql, args, mode=mode) for mode in PLAN_MODES}
    finally:
        await conn.close()


async def explain(url: str, fn: Any, **arguments: Any) -> dict[str, Any]:
    decl = fn.__sqlfirst__
    assert isinstance(decl, Declaration)
    conn = await connect_one(url)
    try:
        values = [arguments[name] for name in decl.query.parameters]
        plan = await conn.fetchval(f"explain (format json) {decl.query.sql}", *values)
    finally:
        await conn.close()
    root: dict[str, Any] = plan[0]["Plan"]
    return root


def main_path(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The nodes that produce the rows, without init plans and subplans (a search's choice of facet)."""
    yield plan
    for child in plan.get("Plans", []):
        if child.get("Parent Relationship") not in {"InitPlan", "SubPlan"}:
            yield from main_path(child)


def indexes_used(plan: dict[str, Any]) -> set[str]:
    return {n["Index Name"] for n in nodes(plan) if "Index Name" in n}


def relations_scanned(plan: dict[str, Any]) -> set[str]:
    return {n["Relation Name"] for n in nodes(plan) if "Relation Name" in n}


def seq_scans(plan: dict[str, Any]) -> list[str]:
    return [n.get("Relation Name", "?") for n in nodes(plan) if n["Node Type"] == "Seq Scan"]


async def big_seq_scans(url: str, plan: dict[str, Any]) -> list[str]:
    """Sequentially scanned relations that hold rows (an empty premade partition costs nothing)."""
    scanned = seq_scans(plan)
    if not scanned:
        return []
    conn = await connect_one(url)
    try:
        rows = await conn.fetch(
            "select relname from pg_class where relname = any($1::text[]) and reltuples > 0", scanned
        )
    finally:
        await conn.close()
    return [r["relname"] for r in rows]


async def scalar(url: str, sql: str) -> Any:
    conn = await connect_one(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


KEY_INDEXES = {"pk_agent_execution_ids", "uq_agent_execution_ids_execution_id_created_at"}


def this_month() -> datetime:
    return datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def test_user_lookups_and_active_pages_use_their_indexes(seeded: str) -> None:
    plan = await explain(seeded, users._get_by_email, email="user42@example.com")
    assert indexes_used(plan) == {"uq_users_email"}
    page = await explain(
        seeded,
        users._list_active,
        after_created_at=datetime(2000, 1, 1, tzinfo=UTC),
        after_id=UUID(int=0),
        lim=100,
    )
    assert "ix_users_created_at_id_active" in indexes_used(page)
    assert not seq_scans(page)


async def test_catalogue_searches_use_the_status_category_price_tags_and_metadata_indexes(
    seeded: str,
) -> None:
    common = {"status": "published", "min_price": Decimal(0), "max_price": Decimal(100)}
    by_category = await explain(
        seeded,
        products._by_category,
        category="category 7",
        after_price=Decimal(-1),
        after_id=UUID(int=0),
        lim=50,
        **common,
    )
    assert "ix_products_status_category_price" in indexes_used(by_category)
    assert not seq_scans(by_category)
    assert indexes_used(await explain(seeded, products.get_by_sku, sku="SKU-9")) == {"uq_products_sku"}


@pytest.mark.parametrize(
    ("fn", "arguments"),
    [
        # tag1 is on a seventh of the catalogue, tag17 on 150 products; 43g on 100 (published), then
        # with a value no product has (the walk takes that facet: nothing to read); {} walks
        # ["metadata"] (every product).
        (products._by_tag, {"tag": "tag1", "min_price": Decimal(0), "max_price": Decimal(600)}),
        (products._by_tag, {"tag": "tag17", "min_price": Decimal(0), "max_price": Decimal(100)}),
        (products._by_metadata, {"spec": {"dimensions": {"weight": "43g"}}}),
        (products._by_metadata, {"spec": {"dimensions": {"weight": "43g"}, "colour": "none"}}),
        (products._by_metadata, {"spec": {}}),
    ],
    ids=["common-tag", "rare-tag", "spec", "spec-never-matched", "empty-spec"],
)
async def test_tag_and_metadata_searches_walk_product_facets_in_price_order(
    seeded: str, fn: Any, arguments: dict[str, Any]
) -> None:
    """Custom and generic plans alike: one facet's entries in (price, id) order from the facets' key
    (index-only), each product by its primary key, no sort, no GIN list read whole, nothing read
    beyond the page (the benchmark's per-row gates: 10 rows or blocks per row returned + slack)."""
    for mode, plan in (await executed(seeded, fn, status="published", lim=50, **arguments)).items():
        used = indexes_used(plan)
        assert {"pk_product_facets", "pk_products"} <= used, (mode, used)
        assert not used & {"ix_products_tags", "ix_products_metadata", "ix_products_status_price"}, mode
        assert not seq_scans(plan)
        assert "Sort" not in {n["Node Type"] for n in main_path(plan)}, mode
        cost = plan_cost(mode, plan)
        assert cost.removed <= 10 * cost.rows + 10, (mode, cost)
        assert cost.blocks <= 64 + 10 * cost.rows, (mode, cost)


async def test_a_users_orders_with_items_use_the_user_and_item_indexes(seeded: str) -> None:
    user_id = await scalar(seeded, "select user_id from devskyy.orders limit 1")
    plan = await explain(seeded, orders._list_for_user, user_id=user_id, lim=50)
    assert {"ix_orders_user_id_created_at", "uq_order_items_order_id_product_id"} <= indexes_used(plan)
    assert not seq_scans(plan)
    number = await scalar(seeded, "select order_number from devskyy.orders limit 1")
    assert indexes_used(await explain(seeded, orders.get_by_number, order_number=number)) == {
        "uq_orders_order_number"
    }


async def test_an_execution_is_found_by_its_key_in_one_partition(seeded: str) -> None:
    plan = await explain(seeded, agent_executions.get, execution_id="exec-12345")
    assert indexes_used(plan) & KEY_INDEXES
    assert not await big_seq_scans(seeded, plan)
    # The partition is known only once the key row is read: pruned at run time, one partition probed.
    complete = await explain(
        seeded,
        agent_executions._complete,
        execution_id="exec-12345",
        status="completed",
        result=None,
        tokens_used=1,
        duration_ms=1,
    )
    assert indexes_used(complete) & KEY_INDEXES
    assert not await big_seq_scans(seeded, complete)


async def test_agent_statistics_and_lists_read_only_the_months_in_range(seeded: str) -> None:
    month = this_month()
    partition = f"agent_executions_p{month:%Y_%m}"
    stats = await explain(
        seeded, agent_executions._stats, since=month + timedelta(days=2), until=month + timedelta(days=9)
    )
    assert relations_scanned(stats) <= {partition}
    assert not seq_scans(stats)
    listed = await explain(
        seeded,
        agent_executions._list_for_agent,
        agent_name="agent-3",
        since=month,
        until=month + timedelta(days=5),
        lim=100,
    )
    assert relations_scanned(listed) == {partition}
    assert any(name.startswith(partition) for name in indexes_used(listed))


async def test_an_agents_page_is_read_in_order_from_its_own_index(seeded: str) -> None:
    """Custom and generic plans, run: (agent_name, created_at, id) backwards gives the page in the
    query's order, nothing of the other agents read and discarded, no sort."""
    month = this_month()
    plans = await executed(
        seeded,
        agent_executions._list_for_agent,
        agent_name="agent-3",
        since=month,
        until=month + timedelta(days=30),
        lim=20,
    )
    for mode, plan in plans.items():
        assert plan["Actual Rows"] == 20, mode
        assert all("agent_name_created_at_id" in name for name in indexes_used(plan)), mode
        assert "Sort" not in {n["Node Type"] for n in nodes(plan)}, mode
        assert plan_cost(mode, plan).removed == 0, mode


async def test_agent_statistics_find_the_window_through_the_time_index(seeded: str) -> None:
    month = this_month()
    plans = await executed(
        seeded, agent_executions._stats, since=month + timedelta(days=2), until=month + timedelta(days=3)
    )
    for mode, plan in plans.items():
        assert not seq_scans(plan), mode
        assert {f"agent_executions_p{month:%Y_%m}_created_at_idx"} == indexes_used(plan), mode
        cost = plan_cost(mode, plan)
        assert cost.removed <= 1000, (mode, cost)  # the window's two edge ranges of 8 pages at most


async def test_traces_and_failures_prune_partitions_and_use_their_indexes(seeded: str) -> None:
    month = this_month()
    partition = f"tool_executions_p{month:%Y_%m}"
    trace = await explain(
        seeded,
        tool_executions._trace,
        correlation_id="corr-77",
        since=month,
        until=month + timedelta(days=10),
    )
    assert relations_scanned(trace) == {partition}
    assert any(name.startswith(partition) for name in indexes_used(trace))
    whole = await explain(
        seeded,
        tool_executions._trace,
        correlation_id="corr-77",
        since=datetime(1, 1, 2, tzinfo=UTC),
        until=datetime(9999, 1, 1, tzinfo=UTC),
    )
    assert not await big_seq_scans(seeded, whole)  # every partition with rows, through its index
    failures = await explain(
        seeded,
        tool_executions._failures,
        tool_name="tool-10",
        since=month,
        until=month + timedelta(days=10),
        lim=100,
    )
    assert relations_scanned(failures) == {partition}
    assert any("failed" in name or "tool_name" in name for name in indexes_used(failures))
    assert not seq_scans(failures)


async def test_round_table_stats_read_only_the_covering_time_index(seeded: str) -> None:
    now = datetime.now(UTC)
    plans = await executed(seeded, round_table._stats, since=now - timedelta(days=7), until=now)
    for mode, plan in plans.items():
        (scan,) = (n for n in nodes(plan) if "Scan" in n["Node Type"])
        assert (scan["Node Type"], scan.get("Index Name")) == (
            "Index Only Scan",
            "ix_llm_round_table_results_created_at",
        ), mode
        assert scan["Heap Fetches"] == 0, mode


async def test_chunk_reads_and_full_text_search_use_their_indexes(seeded: str) -> None:
    chunks = await explain(seeded, rag.list_chunks, parent_doc_id="doc77")
    assert indexes_used(chunks) == {"ix_rag_documents_parent_doc_id_chunk_index"}
    text = await explain(seeded, rag._search_text, query="gardening word13", lim=10)
    assert "ix_rag_documents_search_vector" in indexes_used(text)
    assert not seq_scans(text)


async def test_full_text_search_reads_its_matches_not_what_was_ingested_since_vacuum(seeded: str) -> None:
    """With GIN's default pending list, chunks ingested since the last vacuum sit in an unsorted list
    that every search reads whole (up to 4 MB). Migration 0043 turns it off: after 600 fresh chunks,
    in custom and generic plans alike, the GIN scan reads a handful of pages for a two-word query."""
    search: Any = rag._search_text
    decl = search.__sqlfirst__
    words = [f"w{n}" for n in range(400)]
    rng = random.Random(43)
    conn = await connect_one(seeded)
    try:
        async with conn.transaction():
            for d in range(60):
                await rag.ingest(
                    conn,
                    document_id=f"fresh-{d}",
                    chunks=[" ".join(rng.choice(words) for _ in range(40)) for _ in range(10)],
                )
            for mode in PLAN_MODES:
                plan = await explain_analyze(conn, decl.query.sql, ["gardening word13", 10], mode=mode)
                (gin,) = (n for n in nodes(plan) if n.get("Index Name") == "ix_rag_documents_search_vector")
                assert gin["Shared Hit Blocks"] + gin.get("Shared Read Blocks", 0) <= 12, (mode, gin)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        await conn.close()


async def test_the_embedded_server_runs_the_vector_plan_tests(seeded: str) -> None:
    """The vector tests below skip on a server without pgvector; the embedded one must have it, so a
    broken extension there fails here instead of skipping them silently."""
    if Settings.from_env().database_url:
        pytest.skip("tests run on a configured server, not the embedded one")
    assert await scalar(seeded, "select to_regtype('core.vector') is not null")


@pytest.mark.parametrize("lim", [1, 10, 40])
async def test_vector_search_walks_the_hnsw_index_in_every_plan(seeded: str, lim: int) -> None:
    """Custom and generic plans, run: the nearest chunks come from the HNSW index, which hands over
    exactly `lim` rows. Only a tenth of the chunks have an embedding, so `embedding is not null` is a
    filter a planner could serve by scanning the table and sorting the few rows it keeps: it must
    not, and the index (which holds no NULL) leaves that filter nothing to discard."""
    if not await scalar(seeded, "select to_regtype('core.vector') is not null"):
        pytest.skip("no pgvector on this server")
    plans = await executed(seeded, rag._search_vector, embedding=embedding_of("postgres vectors"), lim=lim)
    for mode, plan in plans.items():
        assert not seq_scans(plan), mode
        assert "Sort" not in {n["Node Type"] for n in nodes(plan)}, mode
        (walk,) = (n for n in nodes(plan) if n.get("Index Name") == "ix_rag_documents_embedding")
        assert walk["Node Type"] == "Index Scan", mode
        assert (walk["Actual Rows"], walk.get("Rows Removed by Filter", 0)) == (lim, 0), mode
        assert plan["Actual Rows"] == lim, mode


async def test_hybrid_search_walks_hnsw_and_the_full_text_index_in_every_plan(seeded: str) -> None:
    if not await scalar(seeded, "select to_regtype('core.vector') is not null"):
        pytest.skip("no pgvector on this server")
    plans = await executed(
        seeded, rag._search_hybrid, query="word13", embedding=embedding_of("postgres"), lim=10
    )
    for mode, plan in plans.items():
        assert {"ix_rag_documents_embedding", "ix_rag_documents_search_vector"} <= indexes_used(plan), mode
        assert not seq_scans(plan), mode
        (walk,) = (n for n in nodes(plan) if n.get("Index Name") == "ix_rag_documents_embedding")
        assert walk["Actual Rows"] > 0 and walk.get("Rows Removed by Filter", 0) == 0, mode
        assert plan["Actual Rows"] == 10, mode


async def test_an_execution_lookup_reads_one_partition_at_run_time(seeded: str) -> None:
    """The key row's created_at is known only when the query runs: EXPLAIN ANALYZE shows every other
    partition pruned (removed or never executed)."""
    completion = {"status": "completed", "result": None, "tokens_used": 1, "duration_ms": 1}
    for fn, arguments in (
        (agent_executions.get, {"execution_id": "exec-12345"}),
        (
            agent_executions._complete,
            {"execution_id": "exec-12300", **completion},
        ),  # running, started 40 days ago
    ):
        decl = fn.__sqlfirst__
        args = [arguments[name] for name in decl.query.parameters]
        conn = await connect_one(seeded)
        try:
            async with conn.transaction():
                raw = await conn.fetchval(f"explain (analyze, format json) {decl.query.sql}", *args)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            await conn.close()
        plan = raw[0]["Plan"]
        executed = {
            n["Relation Name"]
            for n in nodes(plan)
            if n.get("Relation Name", "").startswith("agent_executions_")  # a partition, not the parent
            and n.get("Actual Loops", 0) > 0
        }
        assert len(executed) == 1, executed


class _Rollback(Exception):
    """Leaves an EXPLAIN ANALYZE of a write without effect."""
