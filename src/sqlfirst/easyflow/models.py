"""Enums and Pydantic models of the easyflow domain (seed 003).

Every ``StrEnum`` mirrors the Postgres enum of the same name in schema ``easyflow`` value for value, in
order (``ENUM_TYPES`` maps them; a test compares both sides). Output models mirror the columns the
queries select; input models validate before anything reaches the database. No output model carries
credentials: an integration says only whether it has them (``has_credentials``) and under which key.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    JsonValue,
    StringConstraints,
    model_validator,
)

from sqlfirst import arguments
from sqlfirst.fields import at_most_characters

__all__ = [
    "ENUM_TYPES",
    "Conversation",
    "ConversationStart",
    "ConversationStatus",
    "DeliveryStatus",
    "HourlyPoint",
    "InboundMessage",
    "InboundResult",
    "Integration",
    "IntegrationStatus",
    "IntegrationWithPlatform",
    "Message",
    "MessageCreate",
    "MessageDirection",
    "MessageRole",
    "Metric",
    "MetricIncrement",
    "MetricType",
    "OutboundClaim",
    "OutboundCreate",
    "OutboundMessage",
    "Platform",
    "PlatformMetric",
    "PlatformRegion",
    "PlatformType",
    "SyncClaim",
    "SyncLog",
    "SyncResult",
    "SyncStatus",
    "SyncType",
    "User",
    "UserCreate",
    "page_size",
]

JsonObject = dict[str, JsonValue]


# -- enums (schema easyflow, same names) ------------------------------------------------------------


class PlatformType(StrEnum):
    ECOMMERCE = "ecommerce"
    MESSAGING = "messaging"
    VOICE = "voice"
    ANALYTICS = "analytics"


class PlatformRegion(StrEnum):
    RUSSIA = "russia"
    INTERNATIONAL = "international"
    GLOBAL = "global"


class IntegrationStatus(StrEnum):
    PENDING = "pending"
    CONNECTED = "connected"
    ERROR = "error"
    DISCONNECTED = "disconnected"


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
    ESCALATED = "escalated"


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class MessageDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SyncStatus(StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"


class SyncType(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"
    ORDERS = "orders"
    PRODUCTS = "products"


class MetricType(StrEnum):
    MESSAGES_SENT = "messages_sent"
    MESSAGES_RECEIVED = "messages_received"
    API_CALLS = "api_calls"
    ERRORS = "errors"
    RESPONSE_TIME = "response_time"
    SYNC_DURATION = "sync_duration"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


ENUM_TYPES: dict[str, type[StrEnum]] = {
    "platform_type": PlatformType,
    "platform_region": PlatformRegion,
    "integration_status": IntegrationStatus,
    "conversation_status": ConversationStatus,
    "message_role": MessageRole,
    "message_direction": MessageDirection,
    "sync_status": SyncStatus,
    "sync_type": SyncType,
    "metric_type": MetricType,
    "delivery_status": DeliveryStatus,
}

MAX_PAGE = 500


def page_size(limit: int) -> int:
    """A page size between 1 and MAX_PAGE (500), or ``ValidationError``."""
    return arguments.page_size(limit, most=MAX_PAGE)


def _known_timezone(name: str) -> str:
    if name not in _TIMEZONES:
        raise ValueError(f"unknown time zone {name!r}")
    return name


_TIMEZONES = frozenset(available_timezones()) | {"UTC"}

NonBlank = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, pattern=r"\S")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=10)]
TimeZone = Annotated[str, StringConstraints(max_length=50), AfterValidator(_known_timezone)]
PlatformId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]
SessionId = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"\S")]
Confidence = Annotated[Decimal, Field(ge=0, le=1, max_digits=3, decimal_places=2)]
SyncInterval = Annotated[int, Field(ge=1)]


# -- users ------------------------------------------------------------------------------------------


class UserCreate(BaseModel):
    model_config = ConfigDict(frozen=True)

    email: Annotated[EmailStr, at_most_characters(255)]
    name: Annotated[NonBlank, StringConstraints(max_length=255)]
    phone: Annotated[str, StringConstraints(max_length=50)] | None = None
    language_code: LanguageCode = "ru"
    timezone: TimeZone = "Europe/Moscow"
    metadata: JsonObject = Field(default_factory=dict)


class User(BaseModel):
    id: UUID
    email: str
    name: str
    phone: str | None
    language_code: str
    timezone: str
    is_active: bool
    metadata: JsonObject
    created_at: datetime
    updated_at: datetime


# -- platforms and integrations ---------------------------------------------------------------------


class Platform(BaseModel):
    id: str
    name: str
    display_name: str
    type: PlatformType
    region: PlatformRegion
    capabilities: list[str]
    required_credentials: list[str]
    is_active: bool
    configuration: JsonObject
    created_at: datetime


class Integration(BaseModel):
    """A user's connection to a platform. The credentials are never here: see ``credentials``."""

    id: UUID
    user_id: UUID
    platform_id: str
    encryption_key_id: str | None
    has_credentials: bool
    settings: JsonObject
    status: IntegrationStatus
    status_message: str | None
    last_sync_at: datetime | None
    next_sync_at: datetime
    sync_interval_minutes: int
    sync_claimed_at: datetime | None
    metadata: JsonObject
    created_at: datetime
    updated_at: datetime


class IntegrationWithPlatform(Integration):
    """An integration with its platform's names, type and capabilities (``get_user_integrations``)."""

    platform_name: str
    platform_display_name: str
    platform_type: PlatformType
    platform_capabilities: list[str]


class SyncClaim(BaseModel):
    """A due integration claimed by a sync worker, with the running sync log opened for it."""

    sync_log_id: UUID
    integration_id: UUID
    user_id: UUID
    platform_id: str
    sync_type: SyncType
    settings: JsonObject
    due_at: datetime
    started_at: datetime


def _finished(status: SyncStatus) -> SyncStatus:
    if status is SyncStatus.RUNNING:
        raise ValueError("a finished sync is success, partial or failed, not running")
    return status


class SyncResult(BaseModel):
    """What a sync worker reports when it is done (validated before the database)."""

    model_config = ConfigDict(frozen=True)

    status: Annotated[SyncStatus, AfterValidator(_finished)]
    records_requested: Annotated[int, Field(ge=0)] | None = None
    records_synced: Annotated[int, Field(ge=0)] = 0
    records_failed: Annotated[int, Field(ge=0)] = 0
    errors: list[JsonValue] = Field(default_factory=list)
    error_message: str | None = None


class SyncLog(BaseModel):
    id: UUID
    integration_id: UUID
    user_id: UUID
    sync_type: SyncType
    status: SyncStatus
    records_requested: int | None
    records_synced: int
    records_failed: int
    errors: list[JsonValue]
    error_message: str | None
    started_at: datetime
    completed_at: datetime | None
    duration_seconds: int | None
    metadata: JsonObject


# -- conversations and messages ---------------------------------------------------------------------


class ConversationStart(BaseModel):
    model_config = ConfigDict(frozen=True)

    session_id: SessionId
    user_id: UUID
    platform: PlatformId
    chat_id: Annotated[str, StringConstraints(max_length=255)] | None = None
    current_state: Annotated[NonBlank, StringConstraints(max_length=100)] = "initial"
    context_data: JsonObject = Field(default_factory=dict)


class Conversation(BaseModel):
    id: UUID
    session_id: str
    user_id: UUID
    platform: str
    chat_id: str | None
    status: ConversationStatus
    current_state: str
    context_data: JsonObject
    messages_count: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class MessageCreate(BaseModel):
    """A message to append (validated before the database)."""

    model_config = ConfigDict(frozen=True)

    conversation_id: UUID | None = None
    session_id: SessionId
    user_id: UUID
    content: str
    role: MessageRole
    direction: MessageDirection | None = None
    platform: PlatformId
    platform_message_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    intent: Annotated[str, StringConstraints(max_length=100)] | None = None
    entities: JsonObject = Field(default_factory=dict)
    confidence: Confidence | None = None
    metadata: JsonObject = Field(default_factory=dict)


class InboundMessage(MessageCreate):
    """An inbound message from a platform, deduplicated by (user, platform, platform_message_id)."""

    role: MessageRole = MessageRole.USER
    created_at: datetime | None = None


class Message(BaseModel):
    id: UUID
    conversation_id: UUID | None
    session_id: str
    user_id: UUID
    content: str
    role: MessageRole
    direction: MessageDirection | None
    platform: str
    platform_message_id: str | None
    intent: str | None
    entities: JsonObject
    confidence: Decimal | None
    metadata: JsonObject
    created_at: datetime


class InboundResult(Message):
    """The stored inbound message; ``duplicate`` when an earlier delivery had already stored it."""

    duplicate: bool


class OutboundCreate(BaseModel):
    """An outbound message to append and deliver (validated before the database)."""

    model_config = ConfigDict(frozen=True)

    conversation_id: UUID
    content: str
    role: MessageRole = MessageRole.ASSISTANT
    intent: Annotated[str, StringConstraints(max_length=100)] | None = None
    entities: JsonObject = Field(default_factory=dict)
    confidence: Confidence | None = None
    metadata: JsonObject = Field(default_factory=dict)
    max_attempts: Annotated[int, Field(ge=1)] = 5


class OutboundMessage(BaseModel):
    """A delivery of queue:send_messages."""

    id: UUID
    user_id: UUID
    conversation_id: UUID | None
    message_id: UUID
    message_created_at: datetime
    platform: str
    chat_id: str
    status: DeliveryStatus
    attempts: int
    max_attempts: int
    run_after: datetime
    claimed_at: datetime | None
    sent_at: datetime | None
    last_error: str | None
    platform_message_id: str | None
    created_at: datetime
    updated_at: datetime


class OutboundClaim(BaseModel):
    """A delivery a send worker claimed, with the text to send."""

    id: UUID
    user_id: UUID
    conversation_id: UUID | None
    message_id: UUID
    platform: str
    chat_id: str
    attempts: int
    max_attempts: int
    content: str


# -- metrics ----------------------------------------------------------------------------------------


class MetricIncrement(BaseModel):
    model_config = ConfigDict(frozen=True)

    platform_id: PlatformId
    user_id: UUID | None = None
    integration_id: UUID | None = None
    metric_type: MetricType
    amount: Annotated[Decimal, Field(max_digits=15, decimal_places=4)]
    metric_unit: Annotated[str, StringConstraints(max_length=50)] | None = None

    @model_validator(mode="after")
    def _integration_has_its_user(self) -> MetricIncrement:
        if self.integration_id is not None and self.user_id is None:
            raise ValueError("an integration's metric needs the integration's user_id")
        return self


class Metric(BaseModel):
    """A user's hourly bucket (``platform_metrics``)."""

    id: UUID
    integration_id: UUID | None
    platform_id: str
    user_id: UUID
    metric_type: MetricType
    metric_value: Decimal
    metric_unit: str | None
    aggregation_period: str
    recorded_at: datetime
    period_start: datetime
    period_end: datetime
    attributes: JsonObject


class PlatformMetric(BaseModel):
    """The whole platform's hourly bucket (``platform_totals``: no user, no integration)."""

    id: UUID
    platform_id: str
    metric_type: MetricType
    metric_value: Decimal
    metric_unit: str | None
    aggregation_period: str
    recorded_at: datetime
    period_start: datetime
    period_end: datetime
    attributes: JsonObject


class HourlyPoint(BaseModel):
    hour: datetime
    value: Decimal
