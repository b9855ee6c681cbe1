"""devskyy at scale: the generator and its load hooks (workloads in ``devskyy.py``).

Medium sizes (the issue's): 100k users, 200k products, 1M orders with 1-3 items each (~2M items),
500k agent executions and 2M tool executions over six monthly partitions, 100k round-table results,
200k RAG chunks (20k documents of 10), with 384-dimension embeddings where the server has pgvector.

Loading: ``before_load`` gives every month of the audit logs its partition with core's own
maintenance (one marker row per month lands in DEFAULT, maintenance creates the partition and moves
it, the markers are deleted), drops the HNSW index (built once after the load instead of 200k
incremental inserts) and loads with ``session_replication_role = replica``: no trigger fires (the
generator writes consistent data itself: subtotals are the sums of the items, stock is plentiful)
and foreign keys are not re-checked (the generator references only rows it made). ``after_load``
restores the replication role, rebuilds ``devskyy.product_facets`` (kept by product triggers, which
did not fire), moves the order-number sequence past the generated numbers, fills the embeddings
(random unit-scale vectors, ``setseed`` for repeatability) and builds the HNSW index.
Every workload afterwards runs with every trigger and constraint on.

Order numbers are generated with the database's own bijective mix (``devskyy.order_number``),
ported below, so generated and later placed orders never collide.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.dataset import PASSWORD_HASH, jsonb, rand_uuid
from sqlfirst.bench.dataset import month_starts as _month_starts
from sqlfirst.bench.registry import TableLoad
from sqlfirst.bench.restore import snapshot_schemas
from sqlfirst.devskyy.models import EMBEDDING_DIMENSIONS

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
"""The generated platform's "now": its history lies in the six months before it."""
HISTORY_DAYS = 182
HISTORY_START = ANCHOR - timedelta(days=HISTORY_DAYS)
HISTORY_S = HISTORY_DAYS * 24 * 3600
MEDIUM = {
    "users": 100_000,
    "products": 200_000,
    "orders": 1_000_000,
    "agent_executions": 500_000,
    "tool_executions": 2_000_000,
    "round_table": 100_000,
    "rag_documents": 20_000,  # x 10 chunks
}
CHUNKS_PER_DOC = 10
CATEGORIES = [f"category-{n:02d}" for n in range(60)]
TAGS = [f"tag{n:02d}" for n in range(80)]
AGENTS = [f"agent-{n:02d}" for n in range(30)]
TOOLS = [f"tool-{n:02d}" for n in range(40)]
PROVIDERS = ["anthropic", "openai", "google", "mistral", "meta"]
TASKS = ["reasoning", "creative", "classification", "qa", "code"]
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qui", "dro", "fen", "gal", "hur"]
WORDS = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("n", "r", "s", "t", "l", "m", "x", "")]
"""1,800 made-up words: a chunk's words are shared with a few hundred others, not with half the corpus."""
CENTROIDS = 64
"""Embeddings cluster around this many topics (one per document), as real sentence embeddings do."""
VECTOR_INDEX = (
    "create index ix_rag_documents_embedding on devskyy.rag_documents"
    " using hnsw (embedding core.vector_cosine_ops)"
)


def order_number(n: int) -> str:
    """``devskyy.order_number(n)`` in Python: the same bijective 32-bit mix."""
    x = n % 4294967296
    x = ((x ^ (x >> 16)) * 73244475) % 4294967296
    x = ((x ^ (x >> 16)) * 73244475) % 4294967296
    return f"ORD-{x ^ (x >> 16):08X}"


def _sizes(factor: float) -> dict[str, int]:
    return {name: max(20, int(size * factor)) for name, size in MEDIUM.items()}


def _when(rng: random.Random) -> datetime:
    return HISTORY_START + timedelta(seconds=rng.randrange(HISTORY_S))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _price(i: int, rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(100, 100_000)) / 100


def tables(factor: float, seed: int) -> list[TableLoad]:
    """What to COPY at ``factor`` x medium, deterministic for ``seed``."""
    size = _sizes(factor)
    ids = random.Random(seed)
    user_ids = [rand_uuid(ids) for _ in range(size["users"])]
    product_ids = [rand_uuid(ids) for _ in range(size["products"])]
    prices = [_price(i, ids) for i in range(size["products"])]

    def user_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 1)
        for i, uid in enumerate(user_ids):
            created = _when(rng)
            role = "customer" if i % 100 else ("staff" if i % 1000 else "admin")
            yield (
                uid,
                f"user{i:07d}@example.com",
                f"user{i:07d}",
                PASSWORD_HASH,
                f"User {i}" if rng.random() < 0.8 else None,
                role,
                rng.random() < 0.95,
                rng.random() < 0.7,
                created,
                created,
                created + timedelta(days=rng.randrange(30)) if rng.random() < 0.6 else None,
                '{"signup_source": "web"}',
            )

    def product_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 2)
        for i, pid in enumerate(product_ids):
            created = _when(rng)
            roll = rng.random()
            status = "published" if roll < 0.8 else ("draft" if roll < 0.9 else "archived")
            yield (
                pid,
                f"SKU-{i:07d}",
                f"Product {i} {_sentence(rng, 2)}",
                _sentence(rng, 12),
                rng.choice(CATEGORIES),
                prices[i],
                1_000_000,  # plentiful: placing orders in the benchmark never runs a product dry
                status,
                rng.sample(TAGS, rng.randint(1, 4)),
                created,
                created,
                jsonb({"dimensions": {"weight": f"{rng.randrange(1, 200)}g"}, "material": rng.choice(WORDS)}),
            )

    def order_plan() -> Iterator[tuple[int, uuid.UUID, uuid.UUID | None, datetime, list[tuple[int, int]]]]:
        rng = random.Random(seed + 3)
        for n in range(size["orders"]):
            oid = rand_uuid(rng)
            user = rng.choice(user_ids) if rng.random() < 0.9 else None
            items = [(rng.randrange(len(product_ids)), rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
            seen: dict[int, int] = {}
            for index, quantity in items:
                seen[index] = seen.get(index, 0) + quantity
            yield n, oid, user, _when(rng), sorted(seen.items())

    def order_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 4)
        for n, oid, user, created, items in order_plan():
            subtotal = sum((prices[i] * q for i, q in items), Decimal(0))
            extra = Decimal(rng.randrange(0, 2000)) / 100
            roll = rng.random()
            status = (
                "completed"
                if roll < 0.85
                else "cancelled"
                if roll < 0.9
                else "processing"
                if roll < 0.95
                else "pending"
            )
            yield (
                oid,
                order_number(n),
                user if user is not None else oid,  # the customer: the user, or a guest order's own id (0195)
                user,
                status,
                subtotal + extra,
                subtotal,
                created,
                created,
                '{"payment_method": "stripe", "shipping_address": {"country": "FR"}}',
            )

    def item_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 5)
        for _n, oid, user, created, items in order_plan():
            for index, quantity in items:
                customer = user if user is not None else oid
                yield (
                    rand_uuid(rng),
                    customer,
                    user,
                    oid,
                    product_ids[index],
                    quantity,
                    prices[index],
                    created,
                )

    def execution_plan() -> Iterator[tuple[int, datetime]]:
        # An audit log is appended in time order: rows of one day sit on neighbouring pages.
        rng = random.Random(seed + 6)
        yield from enumerate(sorted(_when(rng) for _ in range(size["agent_executions"])))

    def execution_id_rows() -> Iterator[tuple[Any, ...]]:
        for n, created in execution_plan():
            yield (f"exec-{n:08d}", created)

    def execution_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 7)
        for n, created in execution_plan():
            roll = rng.random()
            status = "completed" if roll < 0.95 else ("failed" if roll < 0.99 else "running")
            duration = int(rng.lognormvariate(7, 1)) if status != "running" else None
            done = created + timedelta(milliseconds=duration) if duration is not None else None
            yield (
                rand_uuid(rng),
                f"exec-{n:08d}",
                rng.choice(AGENTS),
                _sentence(rng, 10),
                status,
                '{"answer": "ok"}' if status == "completed" else None,
                rng.randrange(50, 8000) if status != "running" else None,
                duration,
                created,
                done or created,
                done,
                '{"plan": {"steps": 3}}',
            )

    def tool_rows() -> Iterator[tuple[Any, ...]]:
        # Appended in time order, one correlation's calls together (traces rarely overlap much).
        rng = random.Random(seed + 8)
        starts = iter(sorted(_when(rng) for _ in range(size["tool_executions"] // 5 + 1)))
        correlation = 0
        left = 0
        start = HISTORY_START
        for _ in range(size["tool_executions"]):
            if left == 0:
                correlation += 1
                left = rng.randint(1, 9)
                start = max(start, next(starts, start))
            left -= 1
            start += timedelta(milliseconds=rng.randrange(10, 3000))
            roll = rng.random()
            status = "success" if roll < 0.93 else ("failed" if roll < 0.98 else "timeout")
            yield (
                rand_uuid(rng),
                f"corr-{correlation:09d}",
                rng.choice(TOOLS),
                rng.choice(AGENTS),
                rng.choice(user_ids) if rng.random() < 0.3 else None,
                '{"query": "status"}',
                '{"ok": true}' if status == "success" else None,
                status,
                rng.randrange(5, 5000),
                "upstream returned 503" if status != "success" else None,
                start,
                '{"permissions": ["READ"]}',
            )

    def round_table_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 9)
        for n in range(size["round_table"]):
            winner = rng.choice(PROVIDERS)
            yield (
                rand_uuid(rng),
                f"rt-{n:08d}",
                _sentence(rng, 12),
                rng.choice(TASKS) if rng.random() < 0.97 else None,
                winner,
                _sentence(rng, 20),
                jsonb([{"provider": p, "score": round(rng.random(), 3)} for p in rng.sample(PROVIDERS, 3)]),
                _when(rng),
                "{}",
            )

    def rag_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 10)
        for d in range(size["rag_documents"]):
            doc = f"doc-{d:07d}"
            created = _when(rng)
            for c in range(CHUNKS_PER_DOC):
                content = f"{doc} part {c}: {_sentence(rng, 40)}"
                yield (
                    rand_uuid(rng),
                    f"{doc}-chunk-{c}",
                    doc,
                    f"docs/{doc}.md",
                    content,
                    hashlib.sha256(content.encode()).hexdigest(),
                    c,
                    CHUNKS_PER_DOC,
                    "sentence-transformers/all-MiniLM-L6-v2",
                    '{"author": "DevSkyy"}',
                    created,
                    created,
                )

    tool_rows_total = size["tool_executions"]
    item_total = sum(len(items) for *_rest, items in order_plan())
    return [
        TableLoad(
            "devskyy.users",
            (
                "id", "email", "username", "password_hash", "full_name", "role", "is_active", "is_verified",
                "created_at", "updated_at", "last_login", "metadata",
            ),
            size["users"],
            user_rows,
        ),
        TableLoad(
            "devskyy.products",
            (
                "id", "sku", "name", "description",
                "category", "price", "inventory_quantity", "status", "tags",
                "created_at", "updated_at", "metadata",
            ),
            size["products"],
            product_rows,
        ),
        TableLoad(
            "devskyy.orders",
            (
                "id", "order_number", "customer_id", "user_id", "status",
                "total_price", "subtotal", "created_at", "updated_at",
                "metadata",
            ),
            size["orders"],
            order_rows,
        ),
        TableLoad(
            "devskyy.order_items",
            (
                "id", "customer_id", "user_id", "order_id",
                "product_id", "quantity", "unit_price", "created_at",
            ),
            item_total,
            item_rows,
        ),
        TableLoad(
            "devskyy.agent_execution_ids",
            ("execution_id", "created_at"),
            size["agent_executions"],
            execution_id_rows,
        ),
        TableLoad(
            "devskyy.agent_executions",
            (
                "id", "execution_id", "agent_name", "prompt",
                "status", "result", "tokens_used", "duration_ms",
                "created_at", "updated_at", "completed_at", "metadata",
            ),
            size["agent_executions"],
            execution_rows,
        ),
        TableLoad(
            "devskyy.tool_executions",
            (
                "id", "correlation_id", "tool_name", "agent_id", "user_id", "inputs", "output", "status",
                "duration_ms", "error_message", "created_at", "metadata",
            ),
            tool_rows_total,
            tool_rows,
        ),
        TableLoad(
            "devskyy.llm_round_table_results",
            (
                "id", "result_id", "prompt",
                "task_category", "winner_provider", "winner_response", "participants",
                "created_at", "metadata",
            ),
            size["round_table"],
            round_table_rows,
        ),
        TableLoad(
            "devskyy.rag_documents",
            (
                "id", "document_id", "parent_doc_id", "source_path", "content", "content_hash", "chunk_index",
                "total_chunks", "embedding_model", "metadata", "created_at", "updated_at",
            ),
            size["rag_documents"] * CHUNKS_PER_DOC,
            rag_rows,
        ),
    ]  # fmt: skip


async def _has_vectors(conn: Any) -> bool:
    return bool(await conn.fetchval("select to_regtype('core.vector') is not null"))


async def before_load(conn: Any, factor: float, seed: int) -> None:
    """Give every month of the audit logs its partition, drop the HNSW index, load trigger-free."""
    months = [m + timedelta(days=1) for m in _month_starts(HISTORY_START, ANCHOR + timedelta(days=1))]
    await conn.execute("set session_replication_role = replica")
    async with conn.transaction():
        await conn.execute(
            "insert into devskyy.tool_executions (correlation_id, tool_name, inputs, status, created_at)"
            " select 'bench-marker', 'marker', '{}', 'success', m from unnest($1::timestamptz[]) m",
            months,
        )
        await conn.execute(
            "insert into devskyy.agent_executions (execution_id, agent_name, prompt, created_at)"
            " select 'bench-marker-' || m, 'marker', 'marker', m from unnest($1::timestamptz[]) m",
            months,
        )
        for table in ("devskyy.tool_executions", "devskyy.agent_executions"):
            await conn.execute(f"select count(*) from core.run_partition_maintenance('{table}')")
        await conn.execute("delete from devskyy.tool_executions where correlation_id = 'bench-marker'")
        await conn.execute("delete from devskyy.agent_executions where execution_id like 'bench-marker-%'")
    await conn.execute("drop index if exists devskyy.ix_rag_documents_embedding")


async def after_load(conn: Any) -> None:
    """Finish the load (:func:`_finish_load`), then every table as loaded, which cleanup gives back
    after each run."""
    await _finish_load(conn)
    await snapshot_schemas(conn, "devskyy")


async def _finish_load(conn: Any) -> None:
    """Triggers back on, the product facets the triggers did not write, the order-number sequence past
    the generated numbers, embeddings and HNSW."""
    await conn.execute("set session_replication_role = origin")
    await conn.execute("select devskyy.rebuild_product_facets()")
    orders = await conn.fetchval("select count(*) from devskyy.orders")
    await conn.execute("select setval('devskyy.order_number_seq', $1::bigint, false)", max(orders, 0))
    if not await _has_vectors(conn):
        return
    await conn.execute("select setseed(0.25)")
    await conn.execute(
        "create temp table bench_centroids as select k, array("
        f" select random()::real - 0.5 from generate_series(1, {EMBEDDING_DIMENSIONS}) where k is not null"
        f") as v from generate_series(0, {CENTROIDS - 1}) as k"
    )
    await conn.execute(
        "update devskyy.rag_documents as d set embedding = ("
        " select array_agg(c.v[i] + (random()::real - 0.5) * 0.15 order by i)"
        f" from generate_series(1, {EMBEDDING_DIMENSIONS}) as i)::core.vector"
        f" from bench_centroids as c where c.k = abs(hashtext(d.parent_doc_id)) % {CENTROIDS}"
    )
    await conn.execute("drop table bench_centroids")
    await conn.execute("set maintenance_work_mem = '512MB'")
    await conn.execute(VECTOR_INDEX)
    await conn.execute("reset maintenance_work_mem")
