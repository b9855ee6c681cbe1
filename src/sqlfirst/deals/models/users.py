"""Users, their settings, auth tokens and token balances (models of the deals domain).

No output model carries a password hash or an auth token hash: ``UserLogin`` holds the hash only to
verify a password, and ``IssuedAuthToken`` shows a raw token once, when it is issued.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, EmailStr, Field, JsonValue, SecretStr, model_validator

from sqlfirst.fields import Password, at_most_characters

from .base import (
    JsonObject,
    Name,
    ReferralCode,
    Short,
    SolAddress,
    TokenAmount,
    _Input,
    _ordered,
    _Row,
    _text,
)
from .enums import (
    BalanceChangeType,
    TokenScope,
    TokenStatus,
    TokenType,
    TransactionStatus,
    TransactionType,
    UserStatus,
)

__all__ = [
    "AuthToken",
    "AuthTokenCreate",
    "BalanceChange",
    "IssuedAuthToken",
    "ReferralLink",
    "TokenOperation",
    "TokenPricing",
    "TokenPricingCreate",
    "TokenTransaction",
    "User",
    "UserCreate",
    "UserSettings",
    "UserSettingsUpdate",
]


# -- users -----------------------------------------------------------------------------------------


class User(_Row):
    id: UUID
    email: str
    name: str | None
    sol_address: str | None
    referral_code: str | None
    referred_by: UUID | None
    token_balance: Decimal
    preferences: JsonObject
    status: UserStatus
    notification_channels: list[JsonValue]
    email_verified: bool
    social_provider: str | None
    social_id: str | None
    last_payment_at: datetime | None
    last_login_at: datetime | None
    active_goals_count: int
    total_deals_found: int
    success_rate: Decimal
    total_tokens_spent: Decimal
    total_rewards_earned: Decimal
    created_at: datetime
    updated_at: datetime


class UserLogin(_Row):
    """Internal: the stored password hash, used only to verify a password. Never returned."""

    id: UUID
    status: UserStatus
    password_hash: str


class UserCreate(_Input):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)  # never echo a password

    email: Annotated[EmailStr, at_most_characters(255)]
    password: Password
    name: Name | None = None
    sol_address: SolAddress | None = None
    referral_code: ReferralCode | None = None
    referred_by: UUID | None = None
    preferences: JsonObject = Field(default_factory=dict)
    notification_channels: list[Annotated[str, _text(50)]] = Field(default_factory=lambda: ["in_app"])


class ReferralLink(_Row):
    """A user in a referral chain; ``depth`` 1 is the direct referrer (or a direct referral)."""

    id: UUID
    email: str
    name: str | None
    referral_code: str | None
    referred_by: UUID | None
    depth: int


class UserSettings(_Row):
    id: UUID
    user_id: UUID
    notification_preferences: JsonObject
    ui_preferences: JsonObject
    agent_preferences: JsonObject
    created_at: datetime
    updated_at: datetime


class UserSettingsUpdate(_Input):
    user_id: UUID
    notification_preferences: JsonObject = Field(default_factory=dict)
    ui_preferences: JsonObject = Field(default_factory=dict)
    agent_preferences: JsonObject = Field(default_factory=dict)


# -- auth tokens -----------------------------------------------------------------------------------


class AuthToken(_Row):
    """A stored auth token, without its hash."""

    id: UUID
    user_id: UUID
    token_type: TokenType
    status: TokenStatus
    scope: TokenScope
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class IssuedAuthToken(_Row):
    """A freshly issued token: the record and the raw token, which is shown this once and never stored."""

    auth_token: AuthToken
    raw_token: SecretStr


class AuthTokenCreate(_Input):
    user_id: UUID
    token_type: TokenType
    scope: TokenScope = TokenScope.FULL
    expires_at: AwareDatetime
    meta_data: JsonObject = Field(default_factory=dict)


# -- tokens ----------------------------------------------------------------------------------------


class BalanceChange(_Row):
    """One row of a user's balance history; ``change_amount`` is negative for a deduction."""

    id: UUID
    user_id: UUID
    balance_before: Decimal
    balance_after: Decimal
    change_amount: Decimal
    change_type: BalanceChangeType
    transaction_id: UUID | None
    created_at: datetime
    meta_data: JsonObject


class TokenOperation(_Input):
    user_id: UUID
    amount: TokenAmount
    description: str | None = None
    goal_id: UUID | None = None
    meta_data: JsonObject = Field(default_factory=dict)


class TokenTransaction(_Row):
    id: UUID
    user_id: UUID
    type: TransactionType
    amount: Decimal
    status: TransactionStatus
    description: str | None
    goal_id: UUID | None
    tx_hash: str | None
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class TokenPricing(_Row):
    id: UUID
    service_type: str
    token_cost: Decimal
    min_tokens: int
    max_tokens: int | None
    valid_from: datetime
    valid_to: datetime | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class TokenPricingCreate(_Input):
    service_type: Short
    token_cost: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=8, allow_inf_nan=False)]
    min_tokens: Annotated[int, Field(ge=0)] = 1
    max_tokens: Annotated[int, Field(ge=0)] | None = None
    valid_from: AwareDatetime | None = None
    valid_to: AwareDatetime | None = None
    meta_data: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _ordered(self.valid_from, self.valid_to, "valid_to")
        if self.max_tokens is not None and self.max_tokens < self.min_tokens:
            raise ValueError("max_tokens must be at least min_tokens")
        return self
