"""Shared pieces of the deals models: value types, the row/input bases and small checks.

``_Row`` (frozen) is the base of every output model, ``_Input`` (no extra fields) of every input
model; the annotated value types carry the column constraints of the seed (numeric precision, text
lengths, patterns) so each ``*Create`` model states them once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from sqlfirst import arguments

__all__ = [
    "Currency",
    "JsonObject",
    "Name",
    "Percent",
    "Price",
    "Quote",
    "Ratio",
    "ReferralCode",
    "Score",
    "Short",
    "SolAddress",
    "Title",
    "TokenAmount",
    "Url",
    "page_size",
]

JsonObject = dict[str, JsonValue]


# -- value types -----------------------------------------------------------------------------------

Price = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)]
Score = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)]
Ratio = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4, allow_inf_nan=False)]
TokenAmount = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=8, allow_inf_nan=False)]
Quote = Annotated[Decimal, Field(max_digits=20, decimal_places=8, allow_inf_nan=False)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
SolAddress = Annotated[str, StringConstraints(pattern=r"^[1-9A-HJ-NP-Za-km-z]{32,44}$")]
ReferralCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{6,10}$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2048)]


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


def page_size(limit: int) -> int:
    """Check a page size (1-1000) given to a listing query (``ValidationError`` otherwise)."""
    return arguments.page_size(limit)


Title = Annotated[str, _text(255)]
Name = Annotated[str, _text(255)]
Short = Annotated[str, _text(50)]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _ordered(start: datetime | None, end: datetime | None, what: str) -> None:
    if start is not None and end is not None and end <= start:
        raise ValueError(f"{what} must be after its start")
