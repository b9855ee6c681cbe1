"""Model metrics and market data quotes: the numbers the deals agents analyse (deals domain models)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from .base import JsonObject, Quote, Ratio, Short, _Input, _Row
from .enums import MarketDataType

__all__ = [
    "MarketData",
    "MarketDataUpsert",
    "ModelMetrics",
    "ModelMetricsCreate",
]


# -- models, market data ---------------------------------------------------------------------------


class ModelMetrics(_Row):
    # The seed's columns are model_name/model_version; Pydantic before 2.10 reserves "model_".
    model_config = ConfigDict(frozen=True, protected_namespaces=())

    id: UUID
    model_name: str
    model_version: str
    accuracy: Decimal
    precision: Decimal
    recall: Decimal
    f1_score: Decimal
    training_duration: int
    training_samples: int
    validation_samples: int
    hyperparameters: JsonObject
    feature_importance: JsonObject
    created_at: datetime
    meta_data: JsonObject


class ModelMetricsCreate(_Input):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_name: Short
    model_version: Short
    accuracy: Ratio
    precision: Ratio
    recall: Ratio
    f1_score: Ratio
    training_duration: Annotated[int, Field(ge=0, description="seconds")]
    training_samples: Annotated[int, Field(ge=0)]
    validation_samples: Annotated[int, Field(ge=0)]
    hyperparameters: JsonObject = Field(default_factory=dict)
    feature_importance: JsonObject = Field(default_factory=dict)
    meta_data: JsonObject = Field(default_factory=dict)


class MarketData(_Row):
    id: UUID
    symbol: str
    market_type: MarketDataType
    price: Decimal
    high_24h: Decimal | None
    low_24h: Decimal | None
    volume_24h: Decimal | None
    change_24h: Decimal | None
    change_percent_24h: Decimal | None
    last_updated: datetime
    source: str
    meta_data: JsonObject
    created_at: datetime
    updated_at: datetime


class MarketDataUpsert(_Input):
    symbol: Short
    market_type: MarketDataType
    price: Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=8, allow_inf_nan=False)]
    high_24h: Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=8)] | None = None
    low_24h: Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=8)] | None = None
    volume_24h: Annotated[Decimal, Field(ge=0, max_digits=28, decimal_places=8)] | None = None
    change_24h: Quote | None = None
    change_percent_24h: Annotated[Decimal, Field(max_digits=10, decimal_places=4)] | None = None
    last_updated: AwareDatetime | None = None
    source: Short
    meta_data: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _high_over_low(self) -> Self:
        if self.high_24h is not None and self.low_24h is not None and self.high_24h < self.low_24h:
            raise ValueError("high_24h must be at least low_24h")
        return self
