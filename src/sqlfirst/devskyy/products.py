"""Products: the catalogue, its search (category, status, tag, price range, metadata), publish,
archive and restock.

Everyone reads the catalogue; under row-level security (the application role) only an acting staff
member or admin writes it: ``create``, ``publish``, ``archive`` and ``restock`` raise
:class:`~sqlfirst.errors.PermissionDenied` for anyone else (migration 0084).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field, TypeAdapter

from sqlfirst.arguments import cursor
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, Product, ProductCreate, ProductSearch, ProductStatus

__all__ = [
    "archive",
    "create",
    "get_by_id",
    "get_by_sku",
    "publish",
    "restock",
    "search_by_category",
    "search_by_metadata",
    "search_by_tag",
]

_sql = SqlFile("devskyy", "products")
_NIL = UUID(int=0)
_QUANTITY: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(strict=True, gt=0, le=2**31 - 1)])


@_sql.query("insert_product", validate=ProductCreate)
async def create(
    conn: Executor,
    *,
    sku: str,
    name: str,
    price: Decimal | int | str,
    description: str | None = None,
    category: str | None = None,
    inventory_quantity: int = 0,
    status: ProductStatus | str = ProductStatus.DRAFT,
    tags: list[str] | None = None,
    metadata: JsonObject | None = None,
) -> Product:
    """Create a product (a draft with no stock unless told otherwise).

    ``ValidationError`` on bad input (negative price or stock, sizes); :class:`~sqlfirst.errors.Conflict`
    naming ``uq_products_sku`` for a taken SKU.
    """


@_sql.query("get_product_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> Product | None:
    """The product with this id, or None."""


@_sql.query("get_product_by_sku")
async def get_by_sku(conn: Executor, *, sku: str) -> Product | None:
    """The product with this SKU, or None."""


@_sql.query("search_products_by_category")
async def _by_category(
    conn: Executor,
    *,
    status: ProductStatus,
    category: str,
    min_price: Decimal,
    max_price: Decimal,
    after_price: Decimal,
    after_id: UUID,
    lim: int,
) -> list[Product]: ...


async def search_by_category(
    conn: Executor,
    *,
    category: str,
    status: ProductStatus | str = ProductStatus.PUBLISHED,
    min_price: Decimal | int | str = 0,
    max_price: Decimal | int | str = Decimal("99999999.99"),
    after: Product | None = None,
    limit: int = 50,
) -> list[Product]:
    """Products of ``category`` with ``status`` priced in [min_price, max_price], cheapest first.

    One keyset page: pass the last product of a page as ``after`` for the next.
    """
    search = ProductSearch.model_validate(
        {"status": status, "min_price": min_price, "max_price": max_price, "limit": limit}
    )
    after_price, after_id = cursor("search_by_category", "after", after, Product, ("price", "id")) or (
        Decimal(-1),
        _NIL,
    )
    return await _by_category(
        conn,
        status=search.status,
        category=category,
        min_price=search.min_price,
        max_price=search.max_price,
        after_price=after_price,
        after_id=after_id,
        lim=search.limit,
    )


@_sql.query("search_products_by_tag")
async def _by_tag(
    conn: Executor,
    *,
    tag: str,
    status: ProductStatus,
    min_price: Decimal,
    max_price: Decimal,
    lim: int,
) -> list[Product]: ...


async def search_by_tag(
    conn: Executor,
    *,
    tag: str,
    status: ProductStatus | str = ProductStatus.PUBLISHED,
    min_price: Decimal | int | str = 0,
    max_price: Decimal | int | str = Decimal("99999999.99"),
    limit: int = 50,
) -> list[Product]:
    """Products carrying ``tag`` with ``status`` priced in [min_price, max_price], cheapest first."""
    search = ProductSearch.model_validate(
        {"status": status, "min_price": min_price, "max_price": max_price, "limit": limit}
    )
    return await _by_tag(
        conn,
        tag=tag,
        status=search.status,
        min_price=search.min_price,
        max_price=search.max_price,
        lim=search.limit,
    )


@_sql.query("search_products_by_metadata")
async def _by_metadata(
    conn: Executor, *, spec: JsonObject, status: ProductStatus, lim: int
) -> list[Product]: ...


async def search_by_metadata(
    conn: Executor,
    *,
    spec: JsonObject,
    status: ProductStatus | str = ProductStatus.PUBLISHED,
    limit: int = 50,
) -> list[Product]:
    """Products whose metadata contains ``spec`` (jsonb ``@>``), e.g.
    ``{"dimensions": {"weight": "10g"}}``; cheapest first."""
    search = ProductSearch.model_validate({"status": status, "limit": limit})
    return await _by_metadata(conn, spec=spec, status=search.status, lim=search.limit)


@_sql.query("publish_product")
async def publish(conn: Executor, *, id: UUID) -> Product | None:
    """Put a draft or archived product on sale; None when it is unknown or already published."""


@_sql.query("archive_product")
async def archive(conn: Executor, *, id: UUID) -> Product | None:
    """Take a product off sale (orders for it then fail); None when unknown or already archived."""


@_sql.query("restock_product")
async def _restock(conn: Executor, *, id: UUID, quantity: int) -> int | None: ...


async def restock(conn: Executor, *, id: UUID, quantity: int) -> int | None:
    """Add ``quantity`` (positive, else ``ValidationError``) to the stock atomically; returns the new
    level, None for an unknown product. A level beyond integer range raises
    :class:`~sqlfirst.errors.InvalidInput`.
    """
    return await _restock(conn, id=id, quantity=_QUANTITY.validate_python(quantity))
