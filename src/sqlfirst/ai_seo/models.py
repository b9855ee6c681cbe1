"""Enums and Pydantic models of the ai_seo domain (seed 000), schemas ``ai_seo`` and ``analytics``.

Every ``StrEnum`` mirrors the Postgres enum of the same name (``UserRole`` is ``ai_seo.user_role``)
value for value, in order; a test compares both sides. Output models mirror the columns the
queries select; ``*Create`` / ``*Update`` models validate input before it reaches the database. No
output model carries a password hash or a refresh-token hash.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from ipaddress import IPv4Address, IPv6Address
from typing import Annotated, Literal, Self
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
    TypeAdapter,
    model_validator,
)

from sqlfirst.fields import HIDE_INPUT, Password, at_most_characters

__all__ = [
    "Agent",
    "AgentBreakdown",
    "AgentCreate",
    "AgentLevel",
    "AgentMetric",
    "AgentMetricCreate",
    "AgentUsage",
    "Campaign",
    "CampaignCreate",
    "CampaignStatus",
    "CampaignTaskSummary",
    "Client",
    "ClientCreate",
    "IssuedSession",
    "RecentTask",
    "Rotation",
    "Session",
    "SystemEvent",
    "SystemEventCreate",
    "Task",
    "TaskCreate",
    "TaskPriority",
    "TaskStatus",
    "User",
    "UserCreate",
    "UserOverview",
    "UserRole",
    "page_size",
]

JsonObject = dict[str, JsonValue]
IpAddress = IPv4Address | IPv6Address


def _text(max_length: int) -> StringConstraints:
    """Non-blank text of at most ``max_length`` characters (stored as given, not stripped)."""
    return StringConstraints(min_length=1, max_length=max_length, pattern=r"\S")


# -- enums (schema ai_seo) -------------------------------------------------------------------------


class UserRole(StrEnum):
    """``ai_seo.user_role``."""

    ADMIN = "admin"
    MANAGER = "manager"
    OPERATOR = "operator"


class AgentLevel(StrEnum):
    """``ai_seo.agent_level``: the three tiers of the agent hierarchy."""

    EXECUTIVE = "executive"
    MANAGEMENT = "management"
    OPERATIONAL = "operational"


class CampaignStatus(StrEnum):
    """``ai_seo.campaign_status``: draft -> active -> paused / completed / cancelled."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TaskStatus(StrEnum):
    """``ai_seo.task_status``: pending -> in_progress -> completed / failed / cancelled."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TaskPriority(StrEnum):
    """``ai_seo.task_priority``, lowest first (the database orders urgent last, so ``desc`` first)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


_limit: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1, le=1000, strict=True)])


def page_size(limit: int) -> int:
    """A page size of 1-1000; anything else raises ``pydantic.ValidationError``."""
    return _limit.validate_python(limit)


# -- users and sessions ----------------------------------------------------------------------------

Username = Annotated[str, StringConstraints(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.-]+$")]
Email = Annotated[EmailStr, at_most_characters(100)]
FullName = Annotated[str, _text(100)]


class User(_Row):
    """The seed's UserResponse, plus ``updated_at``; never the password hash."""

    id: UUID
    username: str
    email: str
    full_name: str | None
    role: UserRole
    is_active: bool
    created_at: datetime
    updated_at: datetime
    last_login: datetime | None


class UserLogin(User):
    """Internal: a user with the stored hash, used only to verify a password. Never returned."""

    password_hash: str


class UserCreate(_Input):
    model_config = _Input.model_config | HIDE_INPUT  # a rejected password is never echoed

    username: Username
    email: Email
    password: Password
    full_name: FullName | None = None
    role: UserRole = UserRole.OPERATOR


class UserUpdate(_Input):
    email: Email
    full_name: FullName | None


class Session(_Row):
    """A refresh-token session, without the token's hash."""

    id: UUID
    user_id: UUID
    expires_at: datetime
    user_agent: str | None
    ip_address: IpAddress | None
    created_at: datetime
    last_used_at: datetime | None
    is_active: bool


class SessionCreate(_Input):
    """The checked fields of a new refresh session (its user and token come separately)."""

    expires_at: AwareDatetime
    user_agent: Annotated[str, StringConstraints(max_length=1000)] | None = None
    ip_address: IpAddress | None = None


class IssuedSession(_Row):
    """A new session and its raw refresh token: returned once, only the token's sha256 is stored."""

    session: Session
    refresh_token: SecretStr


class RotationRow(_Row):
    """Internal: what ``ai_seo.rotate_refresh_token`` returns (session columns only when rotated)."""

    outcome: str
    id: UUID | None
    user_id: UUID | None
    expires_at: datetime | None
    user_agent: str | None
    ip_address: IpAddress | None
    created_at: datetime | None
    last_used_at: datetime | None
    is_active: bool | None


class Rotation(_Row):
    """The result of presenting a refresh token for rotation.

    ``rotated``: the old session is revoked and ``issued`` holds its successor. ``reused``: the token
    had already been revoked, so every session of the user has now been revoked (commit it).
    ``invalid``: unknown, foreign or expired token; nothing changed.
    """

    outcome: Literal["rotated", "reused", "invalid"]
    issued: IssuedSession | None = None


# -- agents, clients, campaigns --------------------------------------------------------------------

AgentKey = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[a-z0-9][a-z0-9_.-]*$")]


class Agent(_Row):
    """The seed's AgentResponse, plus the rest of the row."""

    id: UUID
    name: str
    agent_id: str
    agent_level: AgentLevel
    description: str | None
    knowledge_base_path: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
    config: JsonObject


class AgentCreate(_Input):
    name: Annotated[str, _text(100)]
    agent_id: AgentKey
    agent_level: AgentLevel
    description: str | None = None
    knowledge_base_path: Annotated[str, StringConstraints(max_length=255)] | None = None
    config: JsonObject = Field(default_factory=dict)
    is_active: bool = True


CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class Client(_Row):
    id: UUID
    company_name: str
    industry: str | None
    website: str | None
    annual_revenue: int | None
    employee_count: int | None
    country: str
    contact_person: str | None
    contact_email: str | None
    contact_phone: str | None
    created_at: datetime
    updated_at: datetime
    metadata: JsonObject


class ClientCreate(_Input):
    """A client's fields (create, and the full replacement of an update)."""

    company_name: Annotated[str, _text(200)]
    industry: Annotated[str, StringConstraints(max_length=100)] | None = None
    website: Annotated[str, StringConstraints(max_length=255)] | None = None
    annual_revenue: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    employee_count: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    country: CountryCode = "RU"
    contact_person: Annotated[str, StringConstraints(max_length=100)] | None = None
    contact_email: Email | None = None
    contact_phone: Annotated[str, StringConstraints(max_length=20)] | None = None
    metadata: JsonObject = Field(default_factory=dict)


class Campaign(_Row):
    id: UUID
    client_id: UUID
    name: str
    campaign_type: str
    status: CampaignStatus
    start_date: date | None
    end_date: date | None
    budget: Decimal | None
    objectives: list[str]
    created_at: datetime
    updated_at: datetime
    config: JsonObject


Objective = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Budget = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2, allow_inf_nan=False)]


class CampaignCreate(_Input):
    """A campaign's fields (create, and the full replacement of an update)."""

    name: Annotated[str, _text(200)]
    campaign_type: Annotated[str, _text(50)]
    start_date: date | None = None
    end_date: date | None = None
    budget: Budget | None = None
    objectives: list[Objective] = Field(default_factory=list)
    config: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        return self


# -- tasks -----------------------------------------------------------------------------------------


class Task(_Row):
    """The seed's AgentTaskResponse."""

    id: UUID
    agent_id: UUID
    campaign_id: UUID | None
    user_id: UUID | None
    task_type: str
    status: TaskStatus
    priority: TaskPriority
    input_data: JsonObject
    output_data: JsonObject | None
    error_message: str | None
    started_at: datetime | None
    completed_at: datetime | None
    processing_time_ms: int | None
    created_at: datetime


class TaskCreate(_Input):
    agent_id: UUID
    campaign_id: UUID | None = None
    user_id: UUID | None = None
    task_type: Annotated[str, _text(50)]
    input_data: JsonObject
    priority: TaskPriority = TaskPriority.NORMAL


# -- metrics and events ----------------------------------------------------------------------------

MetricValue = Annotated[Decimal, Field(max_digits=10, decimal_places=4, allow_inf_nan=False)]


class AgentMetric(_Row):
    id: UUID
    agent_id: UUID
    metric_name: str
    metric_value: Decimal
    metric_unit: str | None
    recorded_at: datetime
    metadata: JsonObject


class AgentMetricCreate(_Input):
    """One metric; ``recorded_at`` defaults to now. Also the row of a COPY ingest."""

    agent_id: UUID
    metric_name: Annotated[str, _text(50)]
    metric_value: MetricValue
    metric_unit: Annotated[str, StringConstraints(max_length=20)] | None = None
    recorded_at: AwareDatetime | None = None
    metadata: JsonObject = Field(default_factory=dict)


class SystemEvent(_Row):
    id: UUID
    event_type: str
    source: str
    user_id: UUID | None
    agent_id: UUID | None
    event_data: JsonObject
    occurred_at: datetime


class SystemEventCreate(_Input):
    event_type: Annotated[str, _text(50)]
    source: Annotated[str, _text(50)]
    user_id: UUID | None = None
    agent_id: UUID | None = None
    event_data: JsonObject
    occurred_at: AwareDatetime | None = None


# -- analytics (examples 3 and 5) ------------------------------------------------------------------


class CampaignTaskSummary(_Row):
    """Example 3's task summary of a campaign (``avg_processing_time_ms`` None when nothing finished)."""

    campaign_id: UUID
    total_tasks: int
    completed_tasks: int
    success_rate: float
    avg_processing_time_ms: float | None
    first_task: datetime | None
    last_completed: datetime | None
    duration_days: int


class AgentBreakdown(_Row):
    """Example 3: one agent's share of a campaign's tasks."""

    id: UUID
    agent_id: str
    name: str
    agent_level: AgentLevel
    task_count: int
    avg_processing_time_ms: float | None
    success_rate: float


class RecentTask(_Row):
    """Example 5: one of a user's latest tasks with its agent (business key, name) and campaign."""

    id: UUID
    task_type: str
    status: TaskStatus
    priority: TaskPriority
    created_at: datetime
    completed_at: datetime | None
    processing_time_ms: int | None
    agent_id: str
    agent_name: str
    campaign_id: UUID | None
    campaign_name: str | None


class AgentUsage(_Row):
    """Example 5: how many of a user's tasks went to one agent (by business key)."""

    agent_id: str
    name: str
    agent_level: AgentLevel
    task_count: int


class UserOverview(_Row):
    """Example 5: a user and everything the dashboard shows about them, read in one round trip."""

    id: UUID
    username: str
    email: str
    full_name: str | None
    role: UserRole
    is_active: bool
    created_at: datetime
    updated_at: datetime
    last_login: datetime | None
    active_sessions: int
    total_tasks: int
    completed_tasks: int
    failed_tasks: int
    recent_tasks: list[RecentTask]
    agent_usage: list[AgentUsage]

    @property
    def user(self) -> User:
        return User.model_validate(self.model_dump(include=set(User.model_fields)))
