"""Enums and Pydantic models of the deals domain (seed 002), one module per job.

- ``enums``: every ``StrEnum``, each mirroring the Postgres enum of the same name in schema ``deals``
  value for value, in order (``ENUM_TYPES`` maps them; a test compares both sides);
- ``base``: the shared value types (``Price``, ``Title``, ...), the ``_Row``/``_Input`` bases and
  ``page_size``;
- ``users``: users, settings, auth tokens, token balances and pricing;
- ``deals``: goals, markets, deals, their prices, scores and activity;
- ``agents``: agents, tasks, notifications and chat messages;
- ``metrics``: model metrics and market data quotes.

Output models mirror the columns the queries select; ``*Create`` models validate input before it
reaches the database. No output model carries a password hash, an auth token hash or a market api
key. Import from here (``sqlfirst.deals.models``), not from the modules: this package re-exports
every name, the shared helpers included.
"""

from __future__ import annotations

from .agents import (
    Agent,
    AgentCreate,
    ChatMessage,
    ChatMessageCreate,
    Notification,
    NotificationCreate,
    Task,
    TaskActivity,
    TaskActivityCreate,
    TaskCreate,
)
from .base import Currency as Currency
from .base import JsonObject as JsonObject
from .base import Name as Name
from .base import Percent as Percent
from .base import Price as Price
from .base import Quote as Quote
from .base import Ratio as Ratio
from .base import ReferralCode as ReferralCode
from .base import Score as Score
from .base import Short as Short
from .base import SolAddress as SolAddress
from .base import Title as Title
from .base import TokenAmount as TokenAmount
from .base import Url as Url
from .base import page_size as page_size
from .deals import (
    Deal,
    DealActivity,
    DealActivityCreate,
    DealCreate,
    DealScore,
    DealScoreCreate,
    Goal,
    GoalCreate,
    Market,
    MarketCreate,
    PricePoint,
)
from .enums import (
    ENUM_TYPES,
    AgentStatus,
    AgentType,
    BalanceChangeType,
    DealActivityType,
    DealSource,
    DealStatus,
    GoalPriority,
    GoalStatus,
    MarketCategory,
    MarketDataType,
    MarketStatus,
    MarketType,
    MessageRole,
    NotificationPriority,
    NotificationStatus,
    NotificationType,
    ScoreType,
    TaskActivityType,
    TaskStatus,
    TokenScope,
    TokenStatus,
    TokenType,
    TransactionStatus,
    TransactionType,
    UserStatus,
)
from .metrics import (
    MarketData,
    MarketDataUpsert,
    ModelMetrics,
    ModelMetricsCreate,
)
from .users import (
    AuthToken,
    AuthTokenCreate,
    BalanceChange,
    IssuedAuthToken,
    ReferralLink,
    TokenOperation,
    TokenPricing,
    TokenPricingCreate,
    TokenTransaction,
    User,
    UserCreate,
    UserSettings,
    UserSettingsUpdate,
)
from .users import UserLogin as UserLogin

# As before the split: the value types, the helpers and UserLogin stay outside __all__; the query
# modules import them from here, so they are re-exported above as "X as X" (mypy --strict).
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
