"""Messages: the conversation history, RANGE-partitioned by month on ``created_at``.

Inbound messages from a platform are stored once per (user, platform, platform_message_id), also when
two deliveries race (:func:`append_inbound`; the keyed side table ``message_platform_ids`` and
``easyflow.append_inbound_message``, migration 0051). History pages are newest first with a
``(created_at, id)`` keyset; searches take a time window so only its months are scanned.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from sqlfirst import arguments
from sqlfirst.batches import MAINTENANCE_BATCH, drain_before
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import (
    InboundMessage,
    InboundResult,
    JsonObject,
    Message,
    MessageCreate,
    MessageDirection,
    MessageRole,
    page_size,
)

__all__ = [
    "append",
    "append_inbound",
    "find_by_entities",
    "get_inbound",
    "history",
    "purge_dedupe_keys",
    "search",
]

_sql = SqlFile("easyflow", "messages")
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)
_message_id: TypeAdapter[UUID] = TypeAdapter(UUID)
_object: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)

_END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)
_LAST_ID = UUID(int=(1 << 128) - 1)

_MESSAGE_COLUMNS_NOT_NULL = {
    "id": "messages.id (primary key) of the row append_inbound_message returns",
    "session_id": "messages.session_id is NOT NULL",
    "user_id": "messages.user_id is NOT NULL",
    "content": "messages.content is NOT NULL",
    "role": "messages.role is NOT NULL",
    "platform": "messages.platform is NOT NULL",
    "entities": "messages.entities is NOT NULL",
    "metadata": "messages.metadata is NOT NULL",
    "created_at": "messages.created_at is NOT NULL (partition key)",
    "duplicate": "comparison of two NOT NULL ids",
}


@_sql.query("append_inbound_message", not_null=_MESSAGE_COLUMNS_NOT_NULL)
async def _append_inbound(
    conn: Executor,
    *,
    id: UUID,
    conversation_id: UUID | None,
    session_id: str,
    user_id: UUID,
    content: str,
    role: MessageRole,
    platform: str,
    platform_message_id: str | None,
    intent: str | None,
    entities: JsonObject,
    confidence: Decimal | None,
    metadata: JsonObject,
    created_at: datetime | None,
) -> InboundResult: ...


async def append_inbound(
    conn: Executor,
    *,
    session_id: str,
    user_id: UUID,
    content: str,
    platform: str,
    platform_message_id: str | None,
    conversation_id: UUID | None = None,
    role: MessageRole | str = MessageRole.USER,
    intent: str | None = None,
    entities: JsonObject | None = None,
    confidence: Decimal | float | str | None = None,
    metadata: JsonObject | None = None,
    created_at: datetime | None = None,
) -> InboundResult:
    """Store an inbound message once: a redelivery (same user, platform and ``platform_message_id``)
    returns the stored message with ``duplicate=True`` and changes nothing, also when both race.

    :class:`~sqlfirst.easyflow.errors.ConversationClosed` when the conversation is closed;
    ``ReferenceViolation`` when it is not the user's. Under REPEATABLE READ or SERIALIZABLE a lost race
    is a ``SerializationFailure`` (retry the transaction).
    """
    new = InboundMessage.model_validate(
        {
            "conversation_id": conversation_id,
            "session_id": session_id,
            "user_id": user_id,
            "content": content,
            "role": role,
            "direction": MessageDirection.INBOUND,
            "platform": platform,
            "platform_message_id": platform_message_id,
            "intent": intent,
            "entities": entities if entities is not None else {},
            "confidence": confidence,
            "metadata": metadata if metadata is not None else {},
            "created_at": None if created_at is None else _instant.validate_python(created_at),
        }
    )
    fields = new.model_dump(exclude={"direction"})
    return await _append_inbound(conn, id=uuid.uuid4(), **fields)


@_sql.query("append_message", validate=MessageCreate)
async def append(
    conn: Executor,
    *,
    session_id: str,
    user_id: UUID,
    content: str,
    role: MessageRole | str,
    platform: str,
    conversation_id: UUID | None = None,
    direction: MessageDirection | str | None = None,
    platform_message_id: str | None = None,
    intent: str | None = None,
    entities: JsonObject | None = None,
    confidence: Decimal | float | str | None = None,
    metadata: JsonObject | None = None,
) -> Message:
    """Append a message as is (system notes, replies delivered elsewhere). An inbound message with a
    ``platform_message_id`` already stored raises ``Conflict`` naming ``pk_message_platform_ids``;
    use :func:`append_inbound` for platform deliveries, :mod:`.outbound` for messages to deliver."""


@_sql.query("get_inbound_message")
async def get_inbound(
    conn: Executor, *, user_id: UUID, platform: str, platform_message_id: str
) -> Message | None:
    """The inbound message the platform delivered with this id for this user, or None."""


@_sql.query("list_conversation_messages")
async def _history(
    conn: Executor, *, conversation_id: UUID, before_created_at: datetime, before_id: UUID, lim: int
) -> list[Message]: ...


def _history_cursor(before: object) -> tuple[datetime, UUID]:
    """``before`` as ``(created_at, id)`` of a page's last message, checked: a time with its zone
    and a message id, else ``ValidationError`` naming ``before``."""
    if not isinstance(before, tuple | list) or len(before) != 2:
        raise arguments.invalid_argument(
            "history", "before", "(created_at, id) of the page's last message", before
        )
    created_at = arguments.aware_instant("history", ("before", "created_at"), before[0])
    try:
        return created_at, _message_id.validate_python(before[1])
    except ValidationError:
        raise arguments.invalid_argument(
            "history", ("before", "id"), "a message id (a UUID)", before[1]
        ) from None


async def history(
    conn: Executor,
    *,
    conversation_id: UUID,
    before: tuple[datetime, UUID] | None = None,
    limit: int = 50,
) -> list[Message]:
    """A page of the conversation's messages, newest first.

    The next page: ``before=(last.created_at, last.id)`` of the page's last message (keyset: stable
    while messages arrive, and only months at or before the cursor are scanned).
    """
    created_at, message_id = (_END_OF_TIME, _LAST_ID) if before is None else _history_cursor(before)
    return await _history(
        conn,
        conversation_id=conversation_id,
        before_created_at=created_at,
        before_id=message_id,
        lim=page_size(limit),
    )


@_sql.query("search_messages")
async def _search(
    conn: Executor,
    *,
    user_id: UUID,
    intent: str,
    entities: JsonObject,
    since: datetime,
    until: datetime,
    lim: int,
) -> list[Message]: ...


async def search(
    conn: Executor,
    *,
    user_id: UUID,
    intent: str,
    since: datetime,
    until: datetime,
    entities: JsonObject | None = None,
    limit: int = 50,
) -> list[Message]:
    """The user's messages of ``intent`` whose entities contain ``entities``, in ``[since, until)``,
    newest first; only the months of the window are scanned."""
    return await _search(
        conn,
        user_id=user_id,
        intent=intent,
        entities=_object.validate_python(entities if entities is not None else {}),
        since=_instant.validate_python(since),
        until=_instant.validate_python(until),
        lim=page_size(limit),
    )


@_sql.query("find_messages_by_entities")
async def _by_entities(
    conn: Executor, *, entities: JsonObject, since: datetime, until: datetime, lim: int
) -> list[Message]: ...


async def find_by_entities(
    conn: Executor, *, entities: JsonObject, since: datetime, until: datetime, limit: int = 50
) -> list[Message]:
    """Messages whose entities contain ``entities`` (jsonb ``@>``, GIN) in ``[since, until)``,
    newest first."""
    if not entities:
        raise arguments.invalid_argument(
            "find_by_entities", "entities", "entities must name at least one key", entities
        )
    return await _by_entities(
        conn,
        entities=_object.validate_python(entities),
        since=_instant.validate_python(since),
        until=_instant.validate_python(until),
        lim=page_size(limit),
    )


@_sql.query("purge_message_platform_ids")
async def _purge(conn: Executor, *, before: datetime, lim: int) -> int: ...


async def purge_dedupe_keys(conn: Executor, *, before: datetime, batch: int = MAINTENANCE_BATCH) -> int:
    """Forget the dedupe keys of inbound messages created before ``before`` (after retention took their
    partitions); how many. A platform will not redeliver a message that old.

    Works in batches of ``batch`` keys, the oldest first (:mod:`sqlfirst.batches`): outside a
    transaction each batch commits on its own, two runs at once share the keys between them, and a
    key another transaction holds is left for the next run.
    """
    return await drain_before(
        "purge_dedupe_keys",
        "before",
        before,
        lambda at, lim: _purge(conn, before=at, lim=lim),
        batch,
        default_now=False,
    )
