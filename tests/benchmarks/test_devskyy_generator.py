"""The devskyy generator: deterministic, and consistent on its own (the COPY runs with triggers off).

Subtotals are the sums of the items, execution key rows match the log, chunk ids and hashes follow
the schema's rules, and the Python port of the order-number mix is the database's.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

pytest.importorskip("sqlalchemy", reason="the workloads need the bench extra")

from benchmarks.workloads.devskyy import data as gen
from sqlfirst.db import Connection

FACTOR = 0.002
SEED = 7


def _rows() -> dict[str, list[dict[str, Any]]]:
    return {
        load.table: [dict(zip(load.columns, row, strict=True)) for row in load.records()]
        for load in gen.tables(FACTOR, SEED)
    }


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, Any]]]:
    return _rows()


def test_the_generator_is_deterministic_and_counts_what_it_writes(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    again = _rows()
    for table, generated in rows.items():
        assert generated[:50] == again[table][:50], table
    for load in gen.tables(FACTOR, SEED):
        assert load.rows == len(rows[load.table]), load.table


def test_order_totals_are_the_sums_of_their_items(rows: dict[str, list[dict[str, Any]]]) -> None:
    sums: dict[Any, Decimal] = defaultdict(Decimal)
    for item in rows["devskyy.order_items"]:
        assert item["quantity"] > 0
        sums[item["order_id"]] += item["quantity"] * item["unit_price"]
    prices = {p["id"]: p["price"] for p in rows["devskyy.products"]}
    assert all(item["unit_price"] == prices[item["product_id"]] for item in rows["devskyy.order_items"])
    for order in rows["devskyy.orders"]:
        assert order["subtotal"] == sums[order["id"]] > 0
        assert order["total_price"] >= order["subtotal"]
    numbers = [o["order_number"] for o in rows["devskyy.orders"]]
    assert len(set(numbers)) == len(numbers)


def test_execution_keys_and_chunks_follow_the_schema(rows: dict[str, list[dict[str, Any]]]) -> None:
    keys = {(k["execution_id"], k["created_at"]) for k in rows["devskyy.agent_execution_ids"]}
    assert {(e["execution_id"], e["created_at"]) for e in rows["devskyy.agent_executions"]} == keys
    for chunk in rows["devskyy.rag_documents"]:
        assert chunk["document_id"] == f"{chunk['parent_doc_id']}-chunk-{chunk['chunk_index']}"
        assert chunk["content_hash"] == hashlib.sha256(chunk["content"].encode()).hexdigest()
    for run in rows["devskyy.tool_executions"]:
        assert gen.HISTORY_START <= run["created_at"] < gen.ANCHOR + gen.timedelta(days=1)


async def test_the_python_order_number_is_the_databases(conn: Connection) -> None:
    sample = [0, 1, 2, 65535, 65536, 123_456_789, 4_294_967_295]
    expected = await conn.fetch(
        "select n, devskyy.order_number(n) as number from unnest($1::bigint[]) n", sample
    )
    assert [gen.order_number(r["n"]) for r in expected] == [r["number"] for r in expected]


def test_orders_and_items_carry_their_customer(rows: dict[str, list[dict[str, Any]]]) -> None:
    # The COPY runs without the triggers that fill it and the keys that check it (0195-0204).
    customer = {}
    for order in rows["devskyy.orders"]:
        assert order["customer_id"] == (order["user_id"] or order["id"])
        customer[order["id"]] = (order["customer_id"], order["user_id"])
    assert any(o["user_id"] is None for o in rows["devskyy.orders"])
    for item in rows["devskyy.order_items"]:
        assert (item["customer_id"], item["user_id"]) == customer[item["order_id"]]
