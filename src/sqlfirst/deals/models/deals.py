"""Goals, markets and deals: what a user hunts for, where, and what was found (deals domain models).

A ``Market`` says whether an api key is stored (``has_api_key``) but never returns the key.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self
from uuid import UUID

from pydantic import AwareDatetime, Field, SecretStr, model_validator

from .base import Currency, JsonObject, Name, Percent, Price, Score, Short, Title, Url, _Input, _ordered, _Row
from .enums import (
    DealActivityType,
    DealSource,
    DealStatus,
    GoalPriority,
    GoalStatus,
    MarketCategory,
    MarketStatus,
    MarketType,
    ScoreType,
)

__all__ = [
    "Deal",
    "DealActivity",
    "DealActivityCreate",
    "DealCreate",
    "DealScore",
    "DealScoreCreate",
    "Goal",
    "GoalCreate",
    "Market",
    "MarketCreate",
    "PricePoint",
]


# -- goals -----------------------------------------------------------------------------------------


class Goal(_Row):
    id: UUID
    user_id: UUID
    title: str
    description: str | None
    category: MarketCategory
    constraints: JsonObject
    status: GoalStatus
    priority: GoalPriority
    start_date: datetime
    end_date: datetime | None
    max_budget: Decimal | None
    min_discount_percent: Decimal | None
    target_price: Decimal | None
    notification_threshold: Decimal | None
    auto_buy_threshold: Decimal | None
    max_matches: int | None
    max_tokens: Decimal | None
    total_tokens_spent: Decimal
    total_matches_found: int
    last_checked_at: datetime | None
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class GoalCreate(_Input):
    user_id: UUID
    title: Title
    description: str | None = None
    category: MarketCategory
    constraints: JsonObject = Field(default_factory=dict)
    priority: GoalPriority = GoalPriority.MEDIUM
    start_date: AwareDatetime | None = None
    end_date: AwareDatetime | None = None
    max_budget: Price | None = None
    min_discount_percent: Percent | None = None
    target_price: Price | None = None
    notification_threshold: Percent | None = None
    auto_buy_threshold: Percent | None = None
    max_matches: Annotated[int, Field(gt=0)] | None = None
    max_tokens: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=8)] | None = None
    meta_data: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        _ordered(self.start_date, self.end_date, "end_date")
        return self


# -- markets ---------------------------------------------------------------------------------------


class Market(_Row):
    """A market; ``has_api_key`` says whether a key is stored (the key itself is never returned)."""

    id: UUID
    name: str
    type: MarketType
    status: MarketStatus
    base_url: str
    api_endpoint: str | None
    has_api_key: bool
    rate_limit: int | None
    rate_limit_window: int | None
    current_rate: int
    last_rate_reset: datetime | None
    error_count: int
    last_error_at: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class MarketCreate(_Input):
    name: Name
    type: MarketType
    status: MarketStatus = MarketStatus.ACTIVE
    base_url: Url
    api_endpoint: Url | None = None
    api_key: SecretStr | None = None
    rate_limit: Annotated[int, Field(gt=0)] | None = None
    rate_limit_window: Annotated[int, Field(gt=0, description="seconds")] | None = None
    meta_data: JsonObject = Field(default_factory=dict)


# -- deals -----------------------------------------------------------------------------------------


class Deal(_Row):
    id: UUID
    goal_id: UUID
    market_id: UUID
    title: str
    description: str | None
    url: str
    image_url: str | None
    current_price: Decimal
    original_price: Decimal | None
    currency: str
    discount_percent: Decimal | None
    category: MarketCategory
    source: DealSource
    status: DealStatus
    seller_name: str | None
    seller_rating: Decimal | None
    availability_status: str | None
    shipping_info: JsonObject | None
    product_specs: JsonObject | None
    found_at: datetime
    expires_at: datetime | None
    last_checked_at: datetime | None
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class DealCreate(_Input):
    goal_id: UUID
    market_id: UUID
    title: Title
    description: str | None = None
    url: Url
    image_url: Url | None = None
    current_price: Price
    original_price: Price | None = None
    currency: Currency = "USD"
    discount_percent: Percent | None = None
    category: MarketCategory
    source: DealSource
    status: DealStatus = DealStatus.ACTIVE
    seller_name: Name | None = None
    seller_rating: Annotated[Decimal, Field(ge=0, le=5, max_digits=3, decimal_places=2)] | None = None
    availability_status: Short | None = None
    shipping_info: JsonObject | None = None
    product_specs: JsonObject | None = None
    found_at: AwareDatetime | None = None
    expires_at: AwareDatetime | None = None
    meta_data: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _expires_after_found(self) -> Self:
        _ordered(self.found_at, self.expires_at, "expires_at")
        return self


class PricePoint(_Row):
    id: UUID
    deal_id: UUID
    price: Decimal
    currency: str
    source: DealSource
    tracked_at: datetime
    meta_data: JsonObject


class DealScore(_Row):
    id: UUID
    deal_id: UUID
    score_type: ScoreType
    value: Decimal
    confidence: Decimal
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class DealScoreCreate(_Input):
    deal_id: UUID
    score_type: ScoreType
    value: Score
    confidence: Score
    meta_data: JsonObject = Field(default_factory=dict)


class DealActivity(_Row):
    id: UUID
    deal_id: UUID
    user_id: UUID | None
    agent_id: UUID | None
    activity_type: DealActivityType
    description: str | None
    created_at: datetime
    meta_data: JsonObject


class DealActivityCreate(_Input):
    deal_id: UUID
    user_id: UUID | None = None
    agent_id: UUID | None = None
    activity_type: DealActivityType
    description: str | None = None
    meta_data: JsonObject = Field(default_factory=dict)
