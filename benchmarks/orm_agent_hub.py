"""SQLAlchemy 2 async ORM models of agent_hub tables, for the side-by-side contests only.

They map the tables the migrations create (the ORM never creates or alters anything), the way the
seed's SQLAlchemy models would, with the password hash deferred so that, like sqlfirst, a lookup
never selects it. ``eager_defaults`` makes an insert return the server-made columns, as sqlfirst's
``returning`` does.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, MetaData, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column
from sqlalchemy.types import TIMESTAMP

from sqlfirst.agent_hub.models import EventAuthor
from sqlfirst.bench.orm import OrmState


class Base(DeclarativeBase):
    metadata = MetaData(schema="agent_hub")


class UserRow(Base):
    __tablename__ = "users"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012  (SQLAlchemy's declarative API)

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    username: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = deferred(mapped_column(String(128)))
    full_name: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(TIMESTAMP(timezone=True), server_default=text("now()"))


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    sequence_number: Mapped[int]
    author: Mapped[EventAuthor] = mapped_column(
        Enum(
            EventAuthor,
            name="event_author",
            schema="agent_hub",
            create_type=False,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    content: Mapped[str] = mapped_column(Text)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB)
    partial: Mapped[bool]
    turn_complete: Mapped[bool]
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(TIMESTAMP(timezone=True))


async def setup(url: str) -> OrmState:
    return OrmState(url, autocommit=True)
