"""Token pricing: what a service costs in tokens, over validity windows that never overlap."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, TokenPricing, TokenPricingCreate

__all__ = ["EXCLUSION_CONSTRAINT", "create", "deactivate", "list_for_service", "price_at"]

_sql = SqlFile("deals", "token_pricing")

EXCLUSION_CONSTRAINT = "ex_token_pricing_service_type_validity"
"""The constraint named by the Conflict raised for an overlapping window."""


@_sql.query("insert_token_pricing", validate=TokenPricingCreate)
async def create(
    conn: Executor,
    *,
    service_type: str,
    token_cost: Decimal | int | str,
    min_tokens: int = 1,
    max_tokens: int | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    meta_data: JsonObject | None = None,
) -> TokenPricing:
    """Add a price valid in ``[valid_from, valid_to)`` (from now, open-ended, by default).

    A window overlapping an active price of the same service raises
    :class:`~sqlfirst.errors.Conflict` naming ``ex_token_pricing_service_type_validity``, also when
    two such inserts race.
    """


@_sql.query("get_token_price_at")
async def _price_at(conn: Executor, *, service_type: str, at: datetime) -> TokenPricing | None: ...


async def price_at(conn: Executor, *, service_type: str, at: datetime | None = None) -> TokenPricing | None:
    """The active price of the service valid at ``at`` (default now), or None."""
    when = datetime.now(UTC) if at is None else arguments.aware_instant("price_at", "at", at)
    return await _price_at(conn, service_type=service_type, at=when)


@_sql.query("list_token_pricing")
async def list_for_service(conn: Executor, *, service_type: str) -> list[TokenPricing]:
    """Every price of the service, oldest window first."""


@_sql.query("deactivate_token_pricing")
async def deactivate(conn: Executor, *, id: UUID) -> TokenPricing | None:
    """Withdraw a price (it stops applying and stops blocking other windows); None when absent."""
