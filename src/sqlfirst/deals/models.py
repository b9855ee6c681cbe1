"""Enums and Pydantic models of the deals domain (seed 002).

Every ``StrEnum`` mirrors the Postgres enum of the same name in schema ``deals`` value for value, in
order (``ENUM_TYPES`` maps them; a test compares both sides). Output models mirror the columns the
queries select; ``*Create`` models validate input before it reaches the database. No output model
carries a password hash, an auth token hash or a market api key.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    JsonValue,
    SecretStr,
    StringConstraints,
    model_validator,
)

from sqlfirst import arguments
from sqlfirst.fields import Password, at_most_characters

__all__ = [
    "ENUM_TYPES",
    "Agent",
    "AgentCreate",
    "AgentStatus",
    "AgentType",
    "AuthToken",
    "AuthTokenCreate",
    "BalanceChange",
    "BalanceChangeType",
    "ChatMessage",
    "ChatMessageCreate",
    "Deal",
    "DealActivity",
    "DealActivityCreate",
    "DealActivityType",
    "DealCreate",
    "DealScore",
    "DealScoreCreate",
    "DealSource",
    "DealStatus",
    "Goal",
    "GoalCreate",
    "GoalPriority",
    "GoalStatus",
    "IssuedAuthToken",
    "Market",
    "MarketCategory",
    "MarketCreate",
    "MarketData",
    "MarketDataType",
    "MarketDataUpsert",
    "MarketStatus",
    "MarketType",
    "MessageRole",
    "ModelMetrics",
    "ModelMetricsCreate",
    "Notification",
    "NotificationCreate",
    "NotificationPriority",
    "NotificationStatus",
    "NotificationType",
    "PricePoint",
    "ReferralLink",
    "ScoreType",
    "Task",
    "TaskActivity",
    "TaskActivityCreate",
    "TaskActivityType",
    "TaskCreate",
    "TaskStatus",
    "TokenOperation",
    "TokenPricing",
    "TokenPricingCreate",
    "TokenScope",
    "TokenStatus",
    "TokenTransaction",
    "TokenType",
    "TransactionStatus",
    "TransactionType",
    "User",
    "UserCreate",
    "UserSettings",
    "UserSettingsUpdate",
    "UserStatus",
]

JsonObject = dict[str, JsonValue]


# -- enums (schema deals, same names lowercased) ---------------------------------------------------


class UserStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class NotificationPriority(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class NotificationType(StrEnum):
    SYSTEM = "system"
    DEAL = "deal"
    GOAL = "goal"
    PRICE_ALERT = "price_alert"
    TOKEN = "token"  # noqa: S105  (a notification about tokens, not a secret)
    SECURITY = "security"
    MARKET = "market"


class MarketCategory(StrEnum):
    ELECTRONICS = "electronics"
    FASHION = "fashion"
    HOME = "home"
    BOOKS = "books"
    TOYS = "toys"
    SPORTS = "sports"
    AUTOMOTIVE = "automotive"
    HEALTH = "health"
    BEAUTY = "beauty"
    GROCERY = "grocery"
    OTHER = "other"


class MarketType(StrEnum):
    AMAZON = "amazon"
    WALMART = "walmart"
    EBAY = "ebay"
    TARGET = "target"
    BESTBUY = "bestbuy"


class MarketStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    MAINTENANCE = "maintenance"
    RATE_LIMITED = "rate_limited"
    ERROR = "error"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"
    EXPIRED = "expired"
    ERROR = "error"


class GoalPriority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class DealStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    SOLD_OUT = "sold_out"
    INVALID = "invalid"
    DELETED = "deleted"


class DealSource(StrEnum):
    AMAZON = "amazon"
    WALMART = "walmart"
    EBAY = "ebay"
    TARGET = "target"
    BESTBUY = "bestbuy"
    MANUAL = "manual"
    API = "api"
    SCRAPER = "scraper"
    USER = "user"
    AGENT = "agent"


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"
    RESET = "reset"


class TokenStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class TokenScope(StrEnum):
    FULL = "full"
    LIMITED = "limited"
    READ = "read"


class TransactionType(StrEnum):
    DEDUCTION = "deduction"
    REWARD = "reward"
    REFUND = "refund"


class TransactionStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class BalanceChangeType(StrEnum):
    DEDUCTION = "deduction"
    REWARD = "reward"
    REFUND = "refund"


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class ScoreType(StrEnum):
    RISK = "risk"
    PROFIT_POTENTIAL = "profit_potential"
    MARKET_SENTIMENT = "market_sentiment"


class AgentType(StrEnum):
    MARKET_ANALYST = "market_analyst"
    RESEARCH = "research"
    NEGOTIATOR = "negotiator"
    EXECUTOR = "executor"


class AgentStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    BUSY = "busy"


class TaskStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


class DealActivityType(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    ANALYZED = "analyzed"
    GOAL_ADDED = "goal_added"
    GOAL_COMPLETED = "goal_completed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TaskActivityType(StrEnum):
    CREATED = "created"
    STARTED = "started"
    PROGRESS = "progress"
    BLOCKED = "blocked"
    COMPLETED = "completed"
    FAILED = "failed"


class MarketDataType(StrEnum):
    """``deals.marketdatatype``: the asset class of a market_data quote (the seed's second MarketType)."""

    STOCK = "stock"
    CRYPTO = "crypto"
    FOREX = "forex"
    COMMODITY = "commodity"


ENUM_TYPES: dict[str, type[StrEnum]] = {
    "userstatus": UserStatus,
    "notificationpriority": NotificationPriority,
    "notificationstatus": NotificationStatus,
    "notificationtype": NotificationType,
    "marketcategory": MarketCategory,
    "markettype": MarketType,
    "marketstatus": MarketStatus,
    "goalstatus": GoalStatus,
    "goalpriority": GoalPriority,
    "dealstatus": DealStatus,
    "dealsource": DealSource,
    "tokentype": TokenType,
    "tokenstatus": TokenStatus,
    "tokenscope": TokenScope,
    "transactiontype": TransactionType,
    "transactionstatus": TransactionStatus,
    "balancechangetype": BalanceChangeType,
    "messagerole": MessageRole,
    "scoretype": ScoreType,
    "agenttype": AgentType,
    "agentstatus": AgentStatus,
    "taskstatus": TaskStatus,
    "dealactivitytype": DealActivityType,
    "taskactivitytype": TaskActivityType,
    "marketdatatype": MarketDataType,
}
"""Postgres enum type name (schema ``deals``) → its Python mirror."""


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


# -- notifications and chat ------------------------------------------------------------------------


class Notification(_Row):
    id: UUID
    user_id: UUID
    type: NotificationType
    priority: NotificationPriority
    status: NotificationStatus
    title: str
    message: str
    goal_id: UUID | None
    deal_id: UUID | None
    action_url: str | None
    channels: list[JsonValue]
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class NotificationCreate(_Input):
    user_id: UUID
    type: NotificationType
    priority: NotificationPriority = NotificationPriority.MEDIUM
    title: Title
    message: Annotated[str, StringConstraints(min_length=1)]
    goal_id: UUID | None = None
    deal_id: UUID | None = None
    action_url: Url | None = None
    channels: list[Annotated[str, _text(50)]] = Field(default_factory=lambda: ["in_app"])
    meta_data: JsonObject = Field(default_factory=dict)


class ChatMessage(_Row):
    id: UUID
    user_id: UUID
    goal_id: UUID | None
    role: MessageRole
    content: str
    tokens_used: int
    created_at: datetime
    meta_data: JsonObject


class ChatMessageCreate(_Input):
    user_id: UUID
    goal_id: UUID | None = None
    role: MessageRole
    content: Annotated[str, StringConstraints(min_length=1)]
    tokens_used: Annotated[int, Field(ge=0)] = 0
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


# -- agents, tasks ---------------------------------------------------------------------------------


class Agent(_Row):
    id: UUID
    name: str
    type: AgentType
    status: AgentStatus
    capabilities: list[str]
    config: JsonObject
    created_at: datetime
    updated_at: datetime


class AgentCreate(_Input):
    name: Name
    type: AgentType
    status: AgentStatus = AgentStatus.ACTIVE
    capabilities: list[Annotated[str, _text(100)]] = Field(default_factory=list)
    config: JsonObject = Field(default_factory=dict)


class Task(_Row):
    id: UUID
    goal_id: UUID
    agent_id: UUID | None
    title: str
    description: str | None
    status: TaskStatus
    priority: int
    due_date: datetime | None
    created_at: datetime
    updated_at: datetime
    meta_data: JsonObject


class TaskCreate(_Input):
    goal_id: UUID
    agent_id: UUID | None = None
    title: Title
    description: str | None = None
    priority: Annotated[int, Field(ge=1, le=5, description="1 is the highest")] = 3
    due_date: AwareDatetime | None = None
    meta_data: JsonObject = Field(default_factory=dict)


class TaskActivity(_Row):
    id: UUID
    task_id: UUID
    agent_id: UUID | None
    activity_type: TaskActivityType
    description: str | None
    created_at: datetime
    meta_data: JsonObject


class TaskActivityCreate(_Input):
    task_id: UUID
    agent_id: UUID | None = None
    activity_type: TaskActivityType
    description: str | None = None
    meta_data: JsonObject = Field(default_factory=dict)
