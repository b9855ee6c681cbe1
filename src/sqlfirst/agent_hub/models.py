"""Enums and Pydantic models of the agent_hub domain (seed 004).

Output models mirror the columns the queries select; ``*Create`` models validate input before it
reaches the database. No output model carries a password hash.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, JsonValue, StringConstraints

from sqlfirst.fields import Password, at_most_characters

__all__ = [
    "Agent",
    "AgentCreate",
    "Event",
    "EventAuthor",
    "EventCreate",
    "MarketplaceEntry",
    "MarketplacePublish",
    "MarketplaceVersion",
    "Session",
    "SessionCreate",
    "SessionHistoryPage",
    "SessionSummary",
    "User",
    "UserCreate",
]

JsonObject = dict[str, JsonValue]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class EventAuthor(StrEnum):
    """``agent_hub.event_author``: who produced an event."""

    USER = "user"
    AGENT = "agent"
    SYSTEM = "system"


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class User(_Row):
    id: UUID
    username: str
    email: str
    full_name: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class UserLogin(User):
    """Internal: a user with the stored hash, used only to verify a password. Never returned."""

    password_hash: str


class UserCreate(_Input):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)  # never echo a password

    username: Annotated[str, StringConstraints(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.-]+$")]
    email: Annotated[EmailStr, at_most_characters(100)]
    password: Password
    full_name: Annotated[str, StringConstraints(max_length=100)] | None = None


class Agent(_Row):
    id: UUID
    name: str
    display_name: str
    description: str | None
    owner_id: UUID
    definition: JsonObject
    metadata: JsonObject
    is_public: bool
    created_at: datetime
    updated_at: datetime


class AgentCreate(_Input):
    name: Annotated[Name, StringConstraints(max_length=100)]
    display_name: Annotated[Name, StringConstraints(max_length=200)]
    description: str | None = None
    owner_id: UUID
    definition: JsonObject
    metadata: JsonObject = Field(default_factory=dict)
    is_public: bool = False


class Session(_Row):
    id: UUID
    agent_id: UUID
    user_id: UUID
    external_session_id: str | None
    message_history: list[JsonValue]
    message_count: int
    state: JsonObject
    last_event_sequence: int
    created_at: datetime
    updated_at: datetime


class SessionSummary(_Row):
    """A session without its (possibly large) message history."""

    id: UUID
    agent_id: UUID
    user_id: UUID
    external_session_id: str | None
    message_count: int
    last_event_sequence: int
    created_at: datetime
    updated_at: datetime


class SessionHistoryPage(_Row):
    """Messages ``first_position`` .. ``first_position + len(messages) - 1`` of a history of ``total``."""

    total: int
    first_position: int
    messages: list[JsonValue]


class SessionCreate(_Input):
    agent_id: UUID
    user_id: UUID
    external_session_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    state: JsonObject = Field(default_factory=dict)


class Event(_Row):
    id: UUID
    session_id: UUID
    sequence_number: int
    author: EventAuthor
    content: str
    metadata: JsonObject
    partial: bool
    turn_complete: bool
    error_code: str | None
    error_message: str | None
    timestamp: datetime


class EventCreate(_Input):
    author: EventAuthor
    content: str = ""
    metadata: JsonObject = Field(default_factory=dict)
    partial: bool = False
    turn_complete: bool = True
    error_code: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = None
    error_message: str | None = None


class MarketplaceEntry(_Row):
    id: UUID
    agent_id: UUID
    category: str
    tags: list[str]
    rating: float | None
    rating_count: int
    download_count: int
    changelog: str | None
    published_at: datetime


class MarketplaceVersion(_Row):
    """One publication of an agent's marketplace entry (``version`` counts from 1 per entry)."""

    version: int
    category: str
    tags: list[str]
    changelog: str | None
    published_at: datetime


Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class MarketplacePublish(_Input):
    agent_id: UUID
    category: Annotated[Name, StringConstraints(max_length=100)]
    tags: list[Tag] = Field(default_factory=list)
    changelog: str | None = None


class Rating(_Input):
    score: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)]
