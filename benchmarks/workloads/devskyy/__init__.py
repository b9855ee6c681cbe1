"""devskyy at scale: one workload per named query and the concurrency mix.

The generator, its medium sizes and the load hooks live in ``data.py``.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.callers import APP_ROLE, WORKER_ROLE
from sqlfirst.bench.dataset import PASSWORD_HASH, Unique, sample_rows
from sqlfirst.bench.registry import DomainBench, Params, QueryWorkload, acting_for
from sqlfirst.bench.restore import restore_schemas
from sqlfirst.devskyy.models import EMBEDDING_DIMENSIONS

from .data import (
    AGENTS,
    CATEGORIES,
    CHUNKS_PER_DOC,
    HISTORY_DAYS,
    HISTORY_START,
    PROVIDERS,
    TASKS,
    TOOLS,
    _has_vectors,
    _sentence,
    after_load,
    before_load,
    tables,
)

# -- samples ---------------------------------------------------------------------------------------


@dataclass
class Samples(Unique):
    """Parameters drawn from the loaded data."""

    users: list[Any]
    products: list[Any]
    orders: list[Any]
    buyers: list[uuid.UUID]
    executions: list[Any]
    tools: list[Any]
    correlations: list[Any]
    results: list[str]
    chunks: list[Any]
    vectors: bool
    embeddings: list[list[float]]


def _without_vectors(samples: Samples) -> str | None:
    # Without pgvector these queries raise VectorSearchUnavailable by design.
    return None if samples.vectors else "no pgvector on this server (it raises VectorSearchUnavailable)"


async def sample(conn: Any, rng: random.Random) -> Samples:
    seed = rng.randrange(1 << 30)
    n = 2000
    vectors = await _has_vectors(conn)
    orders = await sample_rows(conn, "devskyy.orders", ["id", "order_number", "user_id"], n, seed=seed)
    return Samples(
        users=await sample_rows(conn, "devskyy.users", ["id", "email", "created_at"], n, seed=seed),
        products=await sample_rows(
            conn,
            "devskyy.products",
            ["id", "sku", "category", "tags", "price", "metadata"],
            n,
            seed=seed,
            where="status = 'published' and metadata ? 'dimensions'",  # generated, not made by a workload
        ),
        # a customer's own orders: guest orders (no user) are the fulfilment worker's, whom no
        # customer-facing lookup serves under row-level security
        orders=[o for o in orders if o["user_id"] is not None],
        buyers=[r["user_id"] for r in orders if r["user_id"] is not None],
        executions=await sample_rows(
            conn, "devskyy.agent_executions", ["execution_id", "agent_name", "created_at"], n, seed=seed
        ),
        tools=await sample_rows(conn, "devskyy.tool_executions", ["tool_name", "created_at"], n, seed=seed),
        correlations=await sample_rows(
            conn, "devskyy.tool_executions", ["correlation_id", "created_at"], n, seed=seed
        ),
        results=[
            r["result_id"]
            for r in await sample_rows(conn, "devskyy.llm_round_table_results", ["result_id"], n, seed=seed)
        ],
        chunks=await sample_rows(
            conn,
            "devskyy.rag_documents",
            ["document_id", "parent_doc_id", "content"],
            n,
            seed=seed,
            where="parent_doc_id like 'doc-%'",  # generated chunks, not a workload's
        ),
        vectors=vectors,
        embeddings=[
            list(r["e"])
            for r in await conn.fetch(
                "select embedding::real[] as e from devskyy.rag_documents"
                " where embedding is not null order by id limit 200"
            )
        ]
        if vectors
        else [],
    )


# -- untimed preparation for writes that need a fresh target -------------------------------------


def _embedding(s: Samples, rng: random.Random) -> list[float]:
    """A vector near a stored chunk's (the way a question lands near the passages answering it)."""
    if not s.embeddings:
        return [rng.random() - 0.5 for _ in range(EMBEDDING_DIMENSIONS)]
    return [v + (rng.random() - 0.5) * 0.1 for v in rng.choice(s.embeddings)]


def _window(at: datetime, days: float) -> Params:
    return {"since": at - timedelta(days=days / 2), "until": at + timedelta(days=days / 2)}


async def _new_user(conn: Any, s: Samples) -> uuid.UUID:
    name = s.unique("prep")
    uid: uuid.UUID = await conn.fetchval(
        "insert into devskyy.users (email, username, password_hash) values ($1, $2, $3) returning id",
        f"{name}@example.com",
        name,
        PASSWORD_HASH,
    )
    return uid


async def _new_product(conn: Any, s: Samples, status: str) -> uuid.UUID:
    pid: uuid.UUID = await conn.fetchval(
        "insert into devskyy.products (sku, name, price, status, inventory_quantity)"
        " values ($1, 'prep', 10, $2, 100) returning id",
        s.unique("PREP-"),
        status,
    )
    return pid


async def _prep_delete_user(conn: Any, s: Samples, rng: random.Random) -> Params:
    # A customer with orders: the delete sets null on their orders and on those orders' items.
    uid = await _new_user(conn, s)
    for _ in range(3):
        await conn.execute(
            "select id from devskyy.place_order($1, array[$2::uuid, $3::uuid], array[1, 1], 0, '{}')",
            uid,
            rng.choice(s.products)["id"],
            rng.choice(s.products)["id"],
        )
    return {"id": uid}


async def _prep_publish(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_product(conn, s, "draft")}


async def _prep_archive(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_product(conn, s, "published")}


async def _prep_order_status(conn: Any, s: Samples, rng: random.Random) -> Params:
    product = rng.choice(s.products)
    oid: uuid.UUID = await conn.fetchval(
        "select id from devskyy.place_order($1, array[$2::uuid], array[1], 0, '{}')",
        rng.choice(s.buyers),
        product["id"],
    )
    return {"id": oid, "status": "processing"}


async def _prep_complete(conn: Any, s: Samples, rng: random.Random) -> Params:
    execution_id = s.unique("exec-prep-")
    await conn.execute(
        "with k as (insert into devskyy.agent_execution_ids values ($1, clock_timestamp()) returning *)"
        " insert into devskyy.agent_executions (execution_id, agent_name, prompt, created_at, updated_at)"
        " select k.execution_id, 'agent-00', 'p', k.created_at, k.created_at from k",
        execution_id,
    )
    return {
        "execution_id": execution_id,
        "status": "completed",
        "result": {"answer": "ok"},
        "tokens_used": rng.randrange(50, 5000),
        "duration_ms": rng.randrange(10, 20000),
    }


async def _prep_delete_document(conn: Any, s: Samples, rng: random.Random) -> Params:
    doc = s.unique("prep-doc-")
    await conn.execute(
        # count(*) from: the function's composite result needs no client-side decoding
        "select count(*) from devskyy.ingest_document($1, 'docs/prep.md', $2::text[], null, '{}', null)",
        doc,
        [f"{doc} chunk {n}" for n in range(CHUNKS_PER_DOC)],
    )
    return {"parent_doc_id": doc}


def _ingest(s: Samples, rng: random.Random) -> Params:
    doc = s.unique("bench-doc-")
    contents = [f"{doc} part {n}: {_sentence(rng, 40)}" for n in range(5)]
    return {
        "parent_doc_id": doc,
        "source_path": f"docs/{doc}.md",
        "contents": contents,
        "embedding_model": "sentence-transformers/all-MiniLM-L6-v2",
        "metadata": {"author": "bench"},
        "embeddings": [_embedding(s, rng) for _ in contents] if s.vectors else None,
    }


def _place(s: Samples, rng: random.Random) -> Params:
    products = rng.sample(s.products, rng.randint(1, 3))
    return {
        "user_id": rng.choice(s.buyers) if rng.random() < 0.9 else None,
        "product_ids": [p["id"] for p in products],
        "quantities": [rng.randint(1, 2) for _ in products],
        "extra_charges": Decimal("4.90"),
        "metadata": {"payment_method": "stripe"},
    }


def _category_search(s: Samples, rng: random.Random) -> Params:
    product = rng.choice(s.products)
    return {
        "status": "published",
        "category": product["category"],
        "min_price": Decimal(10),
        "max_price": Decimal(500),
        "after_price": Decimal(-1),
        "after_id": uuid.UUID(int=0),
        "lim": 50,
    }


def _most_common(values: Iterable[Any]) -> Any:
    """The most frequent value: the heaviest key of a uniform sample (for the plan checks)."""
    return Counter(values).most_common(1)[0][0]


def _tag_search(tag: str) -> Params:
    return {"tag": tag, "status": "published", "min_price": Decimal(0), "max_price": Decimal(100), "lim": 50}


def _words(s: Samples, rng: random.Random) -> str:
    return " ".join(rng.sample(str(rng.choice(s.chunks)["content"]).split()[3:], 2))


QUERIES: list[QueryWorkload] = [
    # users
    QueryWorkload(
        "insert_user",
        lambda s, r: (
            lambda name: {
                "email": f"{name}@example.com",
                "username": name,
                "password_hash": PASSWORD_HASH,
                "full_name": "Bench User",
                "role": "customer",
                "metadata": {"signup_source": "bench"},
            }
        )(s.unique("u")),
    ),
    QueryWorkload("get_user_by_id", lambda s, r: {"id": r.choice(s.users)["id"]}),
    QueryWorkload("get_user_by_email", lambda s, r: {"email": r.choice(s.users)["email"]}),
    QueryWorkload("get_login_by_email", lambda s, r: {"email": r.choice(s.users)["email"]}),
    QueryWorkload(
        "list_active_users",
        lambda s, r: (lambda u: {"after_created_at": u["created_at"], "after_id": u["id"], "lim": 50})(
            r.choice(s.users)
        ),
    ),
    QueryWorkload("record_login", lambda s, r: {"id": r.choice(s.users)["id"]}),
    QueryWorkload("set_user_active", lambda s, r: {"id": r.choice(s.users)["id"], "is_active": True}),
    QueryWorkload("mark_user_verified", lambda s, r: {"id": r.choice(s.users)["id"]}),
    QueryWorkload("delete_user", lambda s, r: {}, prepare=_prep_delete_user),
    # products
    QueryWorkload(
        "insert_product",
        lambda s, r: {
            "sku": s.unique("SKU-B-"),
            "name": "Bench ring",
            "description": None,
            "category": r.choice(CATEGORIES),
            "price": Decimal("19.99"),
            "inventory_quantity": 10,
            "status": "draft",
            "tags": ["premium", "luxury"],
            "metadata": {"dimensions": {"weight": "10g"}},
        },
    ),
    QueryWorkload("get_product_by_id", lambda s, r: {"id": r.choice(s.products)["id"]}),
    QueryWorkload("get_product_by_sku", lambda s, r: {"sku": r.choice(s.products)["sku"]}),
    QueryWorkload("search_products_by_category", _category_search),
    QueryWorkload(
        "search_products_by_tag",
        lambda s, r: _tag_search(r.choice(r.choice(s.products)["tags"])),
        heavy=lambda s, r: _tag_search(_most_common(t for p in s.products for t in p["tags"])),
    ),
    QueryWorkload(
        "search_products_by_metadata",
        lambda s, r: {
            "spec": {"dimensions": r.choice(s.products)["metadata"]["dimensions"]},
            "status": "published",
            "lim": 50,
        },
        heavy=lambda s, r: {
            "spec": {
                "dimensions": {
                    "weight": _most_common(p["metadata"]["dimensions"]["weight"] for p in s.products)
                }
            },
            "status": "published",
            "lim": 50,
        },
    ),
    QueryWorkload("publish_product", lambda s, r: {}, prepare=_prep_publish),
    QueryWorkload("archive_product", lambda s, r: {}, prepare=_prep_archive),
    QueryWorkload("restock_product", lambda s, r: {"id": r.choice(s.products)["id"], "quantity": 5}),
    # orders
    QueryWorkload("place_order", _place),
    QueryWorkload("get_order_by_id", lambda s, r: {"id": r.choice(s.orders)["id"]}),
    QueryWorkload("get_order_by_number", lambda s, r: {"order_number": r.choice(s.orders)["order_number"]}),
    QueryWorkload("list_user_orders", lambda s, r: {"user_id": r.choice(s.buyers), "lim": 50}),
    QueryWorkload("list_order_items", lambda s, r: {"order_id": r.choice(s.orders)["id"]}),
    QueryWorkload("set_order_status", lambda s, r: {}, prepare=_prep_order_status),
    # round table
    QueryWorkload(
        "insert_round_table_result",
        lambda s, r: {
            "result_id": s.unique("rt-b-"),
            "prompt": "Which is faster?",
            "task_category": r.choice(TASKS),
            "winner_provider": r.choice(PROVIDERS),
            "winner_response": "...",
            "participants": [{"provider": p, "score": 0.9} for p in PROVIDERS[:2]],
            "metadata": {},
        },
    ),
    QueryWorkload("get_round_table_result", lambda s, r: {"result_id": r.choice(s.results)}),
    QueryWorkload(
        "round_table_stats",
        lambda s, r: _window(HISTORY_START + timedelta(days=r.randrange(7, HISTORY_DAYS - 7)), 7),
    ),
    # agent executions
    QueryWorkload(
        "log_agent_execution",
        lambda s, r: {
            "execution_id": s.unique("exec-b-"),
            "agent_name": r.choice(AGENTS),
            "prompt": "Plan the launch",
            "metadata": {"plan": {"steps": 3}},
        },
    ),
    QueryWorkload("complete_agent_execution", lambda s, r: {}, prepare=_prep_complete),
    QueryWorkload(
        "get_agent_execution", lambda s, r: {"execution_id": r.choice(s.executions)["execution_id"]}
    ),
    QueryWorkload(
        "list_agent_executions",
        lambda s, r: (lambda e: {"agent_name": e["agent_name"], **_window(e["created_at"], 7), "lim": 50})(
            r.choice(s.executions)
        ),
    ),
    QueryWorkload("agent_execution_stats", lambda s, r: _window(r.choice(s.executions)["created_at"], 1)),
    # tool executions
    QueryWorkload(
        "log_tool_execution",
        lambda s, r: {
            "correlation_id": s.unique("corr-b-"),
            "tool_name": r.choice(TOOLS),
            "agent_id": r.choice(AGENTS),
            "user_id": None,
            "inputs": {"query": "status"},
            "output": {"ok": True},
            "status": "success",
            "duration_ms": 150,
            "error_message": None,
            "metadata": {"permissions": ["READ"]},
        },
    ),
    QueryWorkload(
        "trace_by_correlation_id",
        lambda s, r: (lambda c: {"correlation_id": c["correlation_id"], **_window(c["created_at"], 2)})(
            r.choice(s.correlations)
        ),
    ),
    QueryWorkload(
        "failed_tool_executions",
        lambda s, r: (lambda t: {"tool_name": t["tool_name"], **_window(t["created_at"], 7), "lim": 50})(
            r.choice(s.tools)
        ),
    ),
    # RAG
    QueryWorkload("ingest_document", _ingest),
    QueryWorkload(
        "list_document_chunks", lambda s, r: {"parent_doc_id": r.choice(s.chunks)["parent_doc_id"]}
    ),
    QueryWorkload("get_chunk", lambda s, r: {"document_id": r.choice(s.chunks)["document_id"]}),
    QueryWorkload("delete_document", lambda s, r: {}, prepare=_prep_delete_document),
    QueryWorkload("search_chunks_text", lambda s, r: {"query": _words(s, r), "lim": 10}),
    QueryWorkload(
        "search_chunks_vector",
        lambda s, r: {"embedding": _embedding(s, r), "lim": 10},
        unavailable=_without_vectors,
    ),
    QueryWorkload(
        "search_chunks_hybrid",
        lambda s, r: {"query": _words(s, r), "embedding": _embedding(s, r), "lim": 10},
        unavailable=_without_vectors,
    ),
]


async def cleanup(conn: Any) -> None:
    """Give back every table as loaded: what the workloads added goes, what they changed comes back."""
    await restore_schemas(conn, "devskyy")


CATALOGUE_WRITES = {"insert_product", "publish_product", "archive_product", "restock_product"}
"""Changes to the catalogue, which row-level security leaves to active staff members and admins."""


async def _staff(conn: Any, params: Params) -> object:
    return await conn.fetchval(
        "select id from devskyy.users where is_active and role in ('staff', 'admin') order by id limit 1"
    )


BENCH = DomainBench(
    domain="devskyy",
    tables=tables,
    sample=sample,
    queries=acting_for(QUERIES, CATALOGUE_WRITES, _staff),
    mix={
        "get_user_by_id": 10,
        "get_product_by_id": 10,
        "search_products_by_category": 15,
        "place_order": 10,
        "list_user_orders": 10,
        "get_agent_execution": 5,
        "log_tool_execution": 10,
        "trace_by_correlation_id": 5,
        "search_chunks_text": 10,
    },
    cleanup=cleanup,
    # 4: the snapshot of every table that cleanup gives back; 5: orders and items carry their customer (0195)
    version=5,
    before_load=before_load,
    after_load=after_load,
    app_role=APP_ROLE,
    worker_role=WORKER_ROLE,
    owners={
        "users.id": "select $1::uuid",  # a user changes their own account
        "orders.id": "select user_id from devskyy.orders where id = $1",
        "order_id": "select user_id from devskyy.orders where id = $1",
        "order_number": "select user_id from devskyy.orders where order_number = $1",
    },
)
