"""Enums of the deals domain: one ``StrEnum`` per Postgres enum of schema ``deals``.

Every ``StrEnum`` mirrors the Postgres enum of the same name (lowercased) value for value, in order;
``ENUM_TYPES`` maps them and a test compares both sides.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ENUM_TYPES",
    "AgentStatus",
    "AgentType",
    "BalanceChangeType",
    "DealActivityType",
    "DealSource",
    "DealStatus",
    "GoalPriority",
    "GoalStatus",
    "MarketCategory",
    "MarketDataType",
    "MarketStatus",
    "MarketType",
    "MessageRole",
    "NotificationPriority",
    "NotificationStatus",
    "NotificationType",
    "ScoreType",
    "TaskActivityType",
    "TaskStatus",
    "TokenScope",
    "TokenStatus",
    "TokenType",
    "TransactionStatus",
    "TransactionType",
    "UserStatus",
]


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
