"""devskyy.product_facets (migration 0042), the index the tag and metadata searches walk in price
order: it follows every write of products, whoever makes it and however many at once, and the
searches return exactly what containment says, cheapest first."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal
from typing import Any

import pytest

from sqlfirst.db import Connection, connect_one
from sqlfirst.devskyy import products
from sqlfirst.devskyy.models import ProductStatus

from .factories import make_product

# The product rows that product_facet_keys gives and product_facets lacks, and the other way round.
DRIFT = """
select count(*)
from (
    (select k.facet, p.status, p.price, p.id
     from devskyy.products as p
     cross join lateral devskyy.product_facet_keys(p.tags, p.metadata) as k (facet)
     except all
     select f.facet, f.status, f.price, f.product_id from devskyy.product_facets as f)
    union all
    (select f.facet, f.status, f.price, f.product_id from devskyy.product_facets as f
     except all
     select k.facet, p.status, p.price, p.id
     from devskyy.products as p
     cross join lateral devskyy.product_facet_keys(p.tags, p.metadata) as k (facet))
) as drift
"""

SEED_METADATA = {
    "variants": [{"size": "small", "sku": "RING-1-S"}, {"size": "medium", "sku": "RING-1-M"}],
    "dimensions": {"weight": "10g", "length": "5cm"},
}


async def facets_of(conn: Connection, product_id: Any) -> list[tuple[int, str, Decimal]]:
    rows = await conn.fetch(
        "select facet, status::text as status, price from devskyy.product_facets where product_id = $1"
        " order by facet",
        product_id,
    )
    return [(r["facet"], r["status"], r["price"]) for r in rows]


async def test_a_metadata_document_has_one_facet_per_scalar_arrays_transparent(conn: Connection) -> None:
    facets = await conn.fetchval(
        "select array_agg(f::text order by f::text) from devskyy.metadata_facets($1) as f", SEED_METADATA
    )
    assert facets == sorted(
        [
            '["metadata", "dimensions", "length", "5cm"]',
            '["metadata", "dimensions", "weight", "10g"]',
            '["metadata", "variants", "size", "medium"]',
            '["metadata", "variants", "size", "small"]',
            '["metadata", "variants", "sku", "RING-1-M"]',
            '["metadata", "variants", "sku", "RING-1-S"]',
        ]
    )
    # Numbers by value, as containment compares them; a document without scalars has no facet.
    assert await conn.fetchval(
        """select array_agg(f::text) from devskyy.metadata_facets('{"n": [1.50, 2.0, null, true]}') as f"""
    ) == [
        '["metadata", "n", 1.5]',
        '["metadata", "n", 2]',
        '["metadata", "n", null]',
        '["metadata", "n", true]',
    ]
    assert await conn.fetchval("""select count(*) from devskyy.metadata_facets('{"a": {}, "b": []}')""") == 0


async def test_facets_follow_every_write_of_a_product(conn: Connection) -> None:
    product = await make_product(
        conn, sku="RING-1", status="draft", tags=["premium", "luxury"], metadata=SEED_METADATA
    )
    facets = await facets_of(conn, product.id)
    # 2 tags, 6 metadata scalars and ["metadata"], each with the product's status and price.
    assert len(facets) == 9
    assert {(status, price) for _, status, price in facets} == {("draft", Decimal("25.00"))}
    assert await conn.fetchval(DRIFT) == 0

    await products.publish(conn, id=product.id)
    assert {status for _, status, _ in await facets_of(conn, product.id)} == {"published"}
    await products.archive(conn, id=product.id)
    assert {status for _, status, _ in await facets_of(conn, product.id)} == {"archived"}

    # Any writer, not only this package's functions: price, tags, metadata by hand.
    await conn.execute(
        "update devskyy.products set price = 30, tags = array['gold'], metadata = '{\"color\": \"red\"}'"
        " where id = $1",
        product.id,
    )
    facets = await facets_of(conn, product.id)
    assert len(facets) == 3  # ["tags", "gold"], ["metadata", "color", "red"], ["metadata"]
    assert {price for _, _, price in facets} == {Decimal("30.00")}
    assert await conn.fetchval(DRIFT) == 0

    # A write of other columns leaves the rows alone (the trigger's WHEN): stock moves all day.
    before = await conn.fetch(
        "select xmin::text from devskyy.product_facets where product_id = $1 order by facet", product.id
    )
    await products.restock(conn, id=product.id, quantity=5)
    await conn.execute("update devskyy.products set name = 'Renamed', tags = tags where id = $1", product.id)
    after = await conn.fetch(
        "select xmin::text from devskyy.product_facets where product_id = $1 order by facet", product.id
    )
    assert after == before

    await conn.execute("delete from devskyy.products where id = $1", product.id)
    assert await facets_of(conn, product.id) == []
    assert await conn.fetchval(DRIFT) == 0


async def test_rebuild_restores_the_facets_of_products_written_with_triggers_off(db_url: str) -> None:
    conn = await connect_one(db_url)
    try:
        await make_product(conn, tags=["kept"], metadata={"a": 1})
        async with conn.transaction():
            # As the benchmark's loader COPYs: no trigger fires.
            await conn.execute("set local session_replication_role = replica")
            await conn.execute(
                "insert into devskyy.products (sku, name, price, status, tags, metadata)"
                " values ('COPIED-1', 'copied', 5, 'published', array['copied'], '{\"b\": [2, 3]}')"
            )
        assert await conn.fetchval(DRIFT) == 4  # the copied product's tag, 2 scalars and root, missing
        assert [p.sku for p in await products.search_by_tag(conn, tag="copied")] == []

        assert await conn.fetchval("select devskyy.rebuild_product_facets()") == 3 + 4
        assert await conn.fetchval(DRIFT) == 0
        assert [p.sku for p in await products.search_by_tag(conn, tag="copied")] == ["COPIED-1"]
    finally:
        await conn.close()


async def test_concurrent_writers_leave_the_facets_exact(db_url: str) -> None:
    """40 clients publish, archive, reprice, retag and delete the same 12 products at once."""
    setup = await connect_one(db_url)
    try:
        ids = [
            (await make_product(setup, tags=["t0"], metadata={"w": n % 3}, status="draft")).id
            for n in range(12)
        ]
    finally:
        await setup.close()

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = await connect_one(db_url)
        try:
            for _ in range(15):
                target = rng.choice(ids)
                match rng.randrange(5):
                    case 0:
                        await products.publish(conn, id=target)
                    case 1:
                        await products.archive(conn, id=target)
                    case 2:
                        await conn.execute(
                            "update devskyy.products set price = $2 where id = $1",
                            target,
                            rng.randrange(1, 50),
                        )
                    case 3:
                        await conn.execute(
                            "update devskyy.products set tags = $2, metadata = $3 where id = $1",
                            target,
                            [f"t{rng.randrange(4)}" for _ in range(rng.randrange(3))],
                            {"w": rng.randrange(3), "v": [{"s": rng.choice("abc")}]},
                        )
                    case _:
                        await products.restock(conn, id=target, quantity=1)
            await conn.execute("delete from devskyy.products where id = $1", ids[seed % 3])
        finally:
            await conn.close()

    await asyncio.gather(*(client(seed) for seed in range(40)))
    check = await connect_one(db_url)
    try:
        assert await check.fetchval("select count(*) from devskyy.products") == 9
        assert await check.fetchval(DRIFT) == 0
    finally:
        await check.close()


# -- the searches against the truth (@> / = any on the products themselves) ----------------------

WORDS = ["red", "blue", "green"]


def random_metadata(rng: random.Random) -> dict[str, Any]:
    doc: dict[str, Any] = {"color": rng.choice(WORDS)}
    if rng.random() < 0.7:
        doc["dimensions"] = {"weight": f"{rng.randrange(3)}g", "depth": rng.choice([1, 1.0, 2, 2.50])}
    if rng.random() < 0.5:
        doc["variants"] = [
            {"size": rng.choice("SML"), "stock": rng.random() < 0.5} for _ in range(rng.randint(0, 3))
        ]
    if rng.random() < 0.2:
        doc["note"] = None
    return doc


SPECS: list[dict[str, Any]] = [
    {},
    {"color": "red"},
    {"color": "red", "dimensions": {"weight": "1g"}},
    {"dimensions": {"depth": 1}},
    {"dimensions": {"depth": 2.5}},
    {"dimensions": {}},
    {"variants": []},
    {"variants": [{"size": "S"}]},
    {"variants": [{"size": "S", "stock": True}]},
    {"variants": [{"size": "S"}, {"size": "L"}]},
    {"variants": {"size": "S"}},  # not an array: contained nowhere
    {"note": None},
    {"color": "purple"},
    {"dimensions": {"weight": "1g", "depth": 2}, "color": "blue"},
]


async def test_searches_return_what_containment_says_cheapest_first(conn: Connection) -> None:
    rng = random.Random(20261)
    for n in range(80):
        await make_product(
            conn,
            sku=f"FACET-{n}",
            price=Decimal(rng.randrange(1, 12)),  # ties: the id decides
            status=rng.choice(list(ProductStatus)),
            tags=rng.sample(["gold", "silver", "gift", "sale"], rng.randint(0, 3)),
            metadata=random_metadata(rng),
        )
    truth_by_spec = (
        "select id from devskyy.products where metadata @> $1 and status = $2 and sku like 'FACET-%'"
        " order by price, id limit $3"
    )
    for spec in SPECS:
        for status in ProductStatus:
            for limit in (3, 100):
                expected = [r["id"] for r in await conn.fetch(truth_by_spec, spec, status, limit)]
                found = await products.search_by_metadata(conn, spec=spec, status=status, limit=limit)
                assert [p.id for p in found] == expected, (spec, status, limit)
    truth_by_tag = (
        "select id from devskyy.products where tags @> array[$1] and status = $2 and price between $3 and $4"
        " and sku like 'FACET-%' order by price, id limit $5"
    )
    for tag in ("gold", "silver", "gift", "sale", "none"):
        for low, high in ((0, 100), (3, 5), (11, 11)):
            for status in ProductStatus:
                expected = [r["id"] for r in await conn.fetch(truth_by_tag, tag, status, low, high, 4)]
                found = await products.search_by_tag(
                    conn, tag=tag, status=status, min_price=low, max_price=high, limit=4
                )
                assert [p.id for p in found] == expected, (tag, low, high, status)


@pytest.mark.parametrize("spec", [{"a": 1}, {"a": "1"}, {"a": 1.0}])
async def test_numbers_and_strings_stay_apart(conn: Connection, spec: dict[str, Any]) -> None:
    number = await make_product(conn, metadata={"a": 1})
    text = await make_product(conn, metadata={"a": "1"})
    found = {p.id for p in await products.search_by_metadata(conn, spec=spec)}
    assert found == ({text.id} if spec == {"a": "1"} else {number.id})


async def test_a_spec_is_a_value_not_sql(conn: Connection) -> None:
    hostile = "x'); delete from devskyy.product_facets; --"
    product = await make_product(conn, tags=[hostile], metadata={hostile: [hostile]})
    assert [p.id for p in await products.search_by_metadata(conn, spec={hostile: [hostile]})] == [product.id]
    assert [p.id for p in await products.search_by_tag(conn, tag=hostile)] == [product.id]
    assert await conn.fetchval(DRIFT) == 0
