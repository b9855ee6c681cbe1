"""Agents and their tasks, notifications and chat messages (models of the deals domain)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, Field, JsonValue, StringConstraints

from .base import JsonObject, Name, Title, Url, _Input, _Row, _text
from .enums import (
    AgentStatus,
    AgentType,
    MessageRole,
    NotificationPriority,
    NotificationStatus,
    NotificationType,
    TaskActivityType,
    TaskStatus,
)

__all__ = [
    "Agent",
    "AgentCreate",
    "ChatMessage",
    "ChatMessageCreate",
    "Notification",
    "NotificationCreate",
    "Task",
    "TaskActivity",
    "TaskActivityCreate",
    "TaskCreate",
]


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
