"""devskyy products: the seed's create, catalogue search by category, status, tag, price range and
metadata, publish/archive and restock."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.devskyy import products
from sqlfirst.devskyy.models import ProductStatus
from sqlfirst.errors import Conflict, InvalidInput

from .factories import HOSTILE, make_product


async def test_create_product_as_the_seed_does(conn: Connection) -> None:
    sku = "RING-001"
    product = await products.create(
        conn,
        sku=sku,
        name="Gold ring",
        price=Decimal("199.99"),
        category="Jewelry",
        tags=["premium", "luxury"],
        status="draft",
        inventory_quantity=10,
        metadata={
            "variants": [{"size": "small", "sku": f"{sku}-S"}, {"size": "medium", "sku": f"{sku}-M"}],
            "dimensions": {"weight": "10g", "length": "5cm"},
        },
    )
    assert product.status is ProductStatus.DRAFT
    assert product.price == Decimal("199.99")
    assert product.tags == ["premium", "luxury"]
    assert product.metadata["dimensions"] == {"weight": "10g", "length": "5cm"}
    assert await products.get_by_sku(conn, sku=sku) == product
    assert await products.get_by_id(conn, id=product.id) == product


async def test_defaults_are_a_draft_without_stock_or_tags(conn: Connection) -> None:
    product = await products.create(conn, sku="PLAIN-1", name="Plain", price=5)
    assert (product.status, product.inventory_quantity, product.tags, product.metadata) == (
        ProductStatus.DRAFT,
        0,
        [],
        {},
    )


async def test_taken_sku_is_a_conflict_and_bad_values_never_reach_the_database(conn: Connection) -> None:
    await make_product(conn, sku="DUP-1")
    with pytest.raises(Conflict) as taken:
        async with conn.transaction():
            await make_product(conn, sku="DUP-1")
    assert taken.value.constraint == "uq_products_sku"
    for bad in (
        {"price": Decimal("-1")},
        {"price": Decimal("1.999")},
        {"inventory_quantity": -1},
        {"sku": ""},
    ):
        with pytest.raises(ValidationError):
            await make_product(conn, **bad)
    with pytest.raises(ValidationError):
        await make_product(conn, price=Decimal("100000000.00"))


async def test_category_search_filters_status_and_price_and_pages_by_keyset(conn: Connection) -> None:
    prices = [Decimal(p) for p in ("5.00", "10.00", "10.00", "20.00", "50.00", "99.00")]
    made = [await make_product(conn, category="Rings", price=p) for p in prices]
    await make_product(conn, category="Rings", price=Decimal("15.00"), status="draft")
    await make_product(conn, category="Necklaces", price=Decimal("15.00"))

    found = await products.search_by_category(conn, category="Rings", min_price=10, max_price="50.00")
    expected = sorted(
        (p for p in made if Decimal(10) <= p.price <= Decimal(50)), key=lambda p: (p.price, p.id)
    )
    assert [p.id for p in found] == [p.id for p in expected]

    paged = []
    page = await products.search_by_category(conn, category="Rings", limit=2)
    while page:
        paged.extend(page)
        page = await products.search_by_category(conn, category="Rings", after=page[-1], limit=2)
    assert [p.id for p in paged] == [p.id for p in sorted(made, key=lambda p: (p.price, p.id))]

    drafts = await products.search_by_category(conn, category="Rings", status="draft")
    assert [p.price for p in drafts] == [Decimal("15.00")]
    with pytest.raises(ValidationError):
        await products.search_by_category(conn, category="Rings", min_price=10, max_price=5)


async def test_tag_and_metadata_search_use_containment(conn: Connection) -> None:
    luxury = await make_product(conn, tags=["luxury", "gold"], metadata={"dimensions": {"weight": "10g"}})
    await make_product(conn, tags=["budget"], metadata={"dimensions": {"weight": "20g"}})
    assert [p.id for p in await products.search_by_tag(conn, tag="luxury")] == [luxury.id]
    assert await products.search_by_tag(conn, tag="luxury", max_price=1) == []
    by_spec = await products.search_by_metadata(conn, spec={"dimensions": {"weight": "10g"}})
    assert [p.id for p in by_spec] == [luxury.id]


async def test_publish_archive_and_restock(conn: Connection) -> None:
    product = await make_product(conn, status="draft", inventory_quantity=0)
    published = await products.publish(conn, id=product.id)
    assert published is not None and published.status is ProductStatus.PUBLISHED
    assert published.updated_at >= product.updated_at
    assert await products.publish(conn, id=product.id) is None
    archived = await products.archive(conn, id=product.id)
    assert archived is not None and archived.status is ProductStatus.ARCHIVED
    assert await products.archive(conn, id=product.id) is None

    assert await products.restock(conn, id=product.id, quantity=5) == 5
    assert await products.restock(conn, id=product.id, quantity=7) == 12
    for bad in (0, -3):
        with pytest.raises(ValidationError):
            await products.restock(conn, id=product.id, quantity=bad)
    with pytest.raises(InvalidInput):
        async with conn.transaction():
            await products.restock(conn, id=product.id, quantity=2**31 - 1)
    assert await products.restock(conn, id=UUID(int=1), quantity=1) is None


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_are_stored_verbatim(conn: Connection, text: str) -> None:
    product = await make_product(conn, name=text, description=text, category=text[:100], tags=[text])
    again = await products.get_by_id(conn, id=product.id)
    assert again is not None
    assert (again.name, again.description, again.category, again.tags) == (text, text, text[:100], [text])
    assert [p.id for p in await products.search_by_tag(conn, tag=text)] == [product.id]
