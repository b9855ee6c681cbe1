"""Enums and Pydantic models of the devskyy domain (seed 001).

Every ``StrEnum`` mirrors the Postgres enum of the same name in schema ``devskyy`` value for value,
in order (a test compares both sides). Output models mirror the columns the queries select;
``*Create`` models validate input before it reaches the database. No output model carries a
password hash.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    JsonValue,
    StringConstraints,
    model_validator,
)

from sqlfirst import arguments
from sqlfirst.fields import HIDE_INPUT, Password, at_most_characters

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "AgentExecution",
    "AgentExecutionCompletion",
    "AgentExecutionCreate",
    "AgentExecutionStats",
    "AgentExecutionStatus",
    "ChunkHit",
    "DocumentChunk",
    "DocumentIngest",
    "IngestOutcome",
    "IngestResult",
    "JsonDocument",
    "JsonObject",
    "Order",
    "OrderCreate",
    "OrderItem",
    "OrderItemCreate",
    "OrderStatus",
    "OrderWithItems",
    "Product",
    "ProductCreate",
    "ProductSearch",
    "ProductStatus",
    "RoundTableResult",
    "RoundTableResultCreate",
    "RoundTableStats",
    "TaskCategory",
    "TimeRange",
    "ToolExecution",
    "ToolExecutionCreate",
    "ToolExecutionStatus",
    "User",
    "UserCreate",
    "UserLogin",
    "UserRole",
    "page_size",
]

JsonObject = dict[str, JsonValue]
JsonDocument = JsonObject | list[JsonValue] | str | int | float | bool
"""Any JSON document but null (SQL NULL stands for "none")."""
EMBEDDING_DIMENSIONS = 384
"""Dimensions of the seed's embedding model, sentence-transformers/all-MiniLM-L6-v2."""


# -- enums (schema devskyy, same names) ------------------------------------------------------------


class UserRole(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    ADMIN = "admin"


class ProductStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class OrderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TaskCategory(StrEnum):
    REASONING = "reasoning"
    CREATIVE = "creative"
    CLASSIFICATION = "classification"
    QA = "qa"
    CODE = "code"


class AgentExecutionStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ToolExecutionStatus(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    TIMEOUT = "timeout"


class IngestOutcome(StrEnum):
    """What ``rag.ingest`` did with a document."""

    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


# -- value types -----------------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; say so before the database does.
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    return value


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length)


Text = Annotated[str, AfterValidator(_no_nul)]
Required = Annotated[str, StringConstraints(min_length=1), AfterValidator(_no_nul)]
Price = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2, allow_inf_nan=False)]
Sku = Annotated[str, _text(100), AfterValidator(_no_nul)]
Category = Annotated[str, _text(100), AfterValidator(_no_nul)]
AgentName = Annotated[str, _text(100), AfterValidator(_no_nul)]
ExecutionId = Annotated[str, _text(100), AfterValidator(_no_nul)]
CorrelationId = Annotated[str, _text(64), AfterValidator(_no_nul)]
Embedding = Annotated[list[float], Field(min_length=EMBEDDING_DIMENSIONS, max_length=EMBEDDING_DIMENSIONS)]
NonNegativeInt = Annotated[int, Field(ge=0, le=2**31 - 1)]


def page_size(limit: int, *, most: int = 1000) -> int:
    """Check a page size (1..most) given to a listing query; ``ValidationError`` otherwise."""
    return arguments.page_size(limit, most=most)


class TimeRange(BaseModel):
    """A half-open time range [since, until) of timezone-aware datetimes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    since: AwareDatetime
    until: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.until <= self.since:
            raise ValueError("until must be after since")
        return self


def time_range(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    """Check a time range [since, until); ``ValidationError`` when naive or empty."""
    checked = TimeRange(since=since, until=until)
    return checked.since, checked.until


FIRST_PAGE = datetime(1, 1, 2, tzinfo=UTC)
"""Keyset start: before any row's created_at."""


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- users -----------------------------------------------------------------------------------------


class User(_Row):
    id: UUID
    email: str
    username: str
    full_name: str | None
    role: UserRole
    is_active: bool
    is_verified: bool
    created_at: datetime
    updated_at: datetime
    last_login: datetime | None
    metadata: JsonObject


class UserLogin(_Row):
    """Internal: the stored password hash, used only to verify a password. Never returned."""

    id: UUID
    is_active: bool
    password_hash: str


class UserCreate(_Input):
    model_config = _Input.model_config | HIDE_INPUT  # a rejected password is never echoed

    email: Annotated[EmailStr, at_most_characters(255)]
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    password: Password
    full_name: Annotated[str, _text(255), AfterValidator(_no_nul)] | None = None
    role: UserRole = UserRole.CUSTOMER
    metadata: JsonObject = Field(default_factory=dict)


# -- products --------------------------------------------------------------------------------------


class Product(_Row):
    id: UUID
    sku: str
    name: str
    description: str | None
    category: str | None
    price: Decimal
    inventory_quantity: int
    status: ProductStatus
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    metadata: JsonObject


class ProductCreate(_Input):
    sku: Sku
    name: Annotated[str, _text(500), AfterValidator(_no_nul)]
    price: Price
    description: Text | None = None
    category: Category | None = None
    inventory_quantity: NonNegativeInt = 0
    status: ProductStatus = ProductStatus.DRAFT
    tags: list[Required] = Field(default_factory=list)
    metadata: JsonObject = Field(default_factory=dict)


class ProductSearch(_Input):
    """A catalogue query: one category (or tag), a status, a price range, a keyset page."""

    status: ProductStatus = ProductStatus.PUBLISHED
    min_price: Price = Decimal(0)
    max_price: Price = Decimal("99999999.99")
    limit: Annotated[int, Field(ge=1, le=1000)] = 50

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.max_price < self.min_price:
            raise ValueError("max_price must not be below min_price")
        return self


# -- orders ----------------------------------------------------------------------------------------


class OrderItem(_Row):
    product_id: UUID
    quantity: int
    unit_price: Decimal


class Order(_Row):
    id: UUID
    order_number: str
    user_id: UUID | None
    status: OrderStatus
    total_price: Decimal
    subtotal: Decimal
    created_at: datetime
    updated_at: datetime
    metadata: JsonObject


class OrderWithItems(Order):
    items: list[OrderItem]


class OrderItemCreate(_Input):
    product_id: UUID
    quantity: Annotated[int, Field(gt=0, le=2**31 - 1)]


class OrderCreate(_Input):
    user_id: UUID | None
    items: Annotated[list[OrderItemCreate], Field(min_length=1, max_length=1000)]
    extra_charges: Price = Decimal(0)
    metadata: JsonObject = Field(default_factory=dict)


# -- round table -----------------------------------------------------------------------------------


class RoundTableResult(_Row):
    id: UUID
    result_id: str
    prompt: str
    task_category: TaskCategory | None
    winner_provider: str | None
    winner_response: str | None
    participants: list[JsonValue]
    created_at: datetime
    metadata: JsonObject


class RoundTableResultCreate(_Input):
    result_id: Annotated[str, _text(100), AfterValidator(_no_nul)]
    prompt: Required
    participants: list[JsonValue]
    task_category: TaskCategory | None = None
    winner_provider: Annotated[str, _text(50), AfterValidator(_no_nul)] | None = None
    winner_response: Text | None = None
    metadata: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _winner(self) -> Self:
        if self.winner_response is not None and self.winner_provider is None:
            raise ValueError("a winner_response needs its winner_provider")
        return self


class RoundTableStats(_Row):
    task_category: TaskCategory | None
    winner_provider: str | None
    results: int
    share: float
    """This provider's share of the category's results (0-1)."""


# -- agent executions ------------------------------------------------------------------------------


class AgentExecution(_Row):
    id: UUID
    execution_id: str
    agent_name: str
    prompt: str
    status: AgentExecutionStatus
    result: JsonDocument | None
    tokens_used: int | None
    duration_ms: int | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    metadata: JsonObject


class AgentExecutionCreate(_Input):
    execution_id: ExecutionId
    agent_name: AgentName
    prompt: Required
    metadata: JsonObject = Field(default_factory=dict)


class AgentExecutionCompletion(_Input):
    execution_id: ExecutionId
    status: AgentExecutionStatus
    result: JsonDocument | None = None
    tokens_used: NonNegativeInt | None = None
    duration_ms: NonNegativeInt | None = None

    @model_validator(mode="after")
    def _finished(self) -> Self:
        if self.status is AgentExecutionStatus.RUNNING:
            raise ValueError("an execution completes as completed or failed")
        return self


class AgentExecutionStats(_Row):
    agent_name: str
    executions: int
    failed: int
    tokens_used: int
    p50_duration_ms: float | None
    p95_duration_ms: float | None


# -- tool executions -------------------------------------------------------------------------------


class ToolExecution(_Row):
    id: UUID
    correlation_id: str
    tool_name: str
    agent_id: str | None
    user_id: UUID | None
    inputs: JsonDocument
    output: JsonDocument | None
    status: ToolExecutionStatus
    duration_ms: int | None
    error_message: str | None
    created_at: datetime
    metadata: JsonObject


class ToolExecutionCreate(_Input):
    correlation_id: CorrelationId
    tool_name: Annotated[str, _text(128), AfterValidator(_no_nul)]
    inputs: JsonDocument
    status: ToolExecutionStatus
    agent_id: Annotated[str, _text(100), AfterValidator(_no_nul)] | None = None
    user_id: UUID | None = None
    output: JsonDocument | None = None
    duration_ms: NonNegativeInt | None = None
    error_message: Text | None = None
    metadata: JsonObject = Field(default_factory=dict)


# -- RAG documents ---------------------------------------------------------------------------------


class DocumentChunk(_Row):
    id: UUID
    document_id: str
    parent_doc_id: str
    source_path: str | None
    content: str
    content_hash: str
    chunk_index: int
    total_chunks: int
    embedding_model: str | None
    metadata: JsonObject
    created_at: datetime
    updated_at: datetime


class ChunkHit(_Row):
    """A search result: the chunk and its score (rank, distance or fused score, per query)."""

    id: UUID
    document_id: str
    parent_doc_id: str
    source_path: str | None
    chunk_index: int
    content: str
    metadata: JsonObject
    score: float


class DocumentIngest(_Input):
    # document_id is '{doc}-chunk-{n}' in varchar(100): room for '-chunk-' and up to 6 digits.
    document_id: Annotated[
        str, StringConstraints(min_length=1, max_length=87, pattern=r"\S"), AfterValidator(_no_nul)
    ]
    chunks: Annotated[list[Required], Field(min_length=1, max_length=999_999)]
    source_path: Annotated[str, _text(500), AfterValidator(_no_nul)] | None = None
    embedding_model: Annotated[str, _text(100), AfterValidator(_no_nul)] | None = (
        "sentence-transformers/all-MiniLM-L6-v2"
    )
    embeddings: list[Embedding] | None = None
    metadata: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_embedding_per_chunk(self) -> Self:
        if self.embeddings is not None and len(self.embeddings) != len(self.chunks):
            raise ValueError(f"{len(self.chunks)} chunks need {len(self.chunks)} embeddings")
        return self


class IngestResult(_Row):
    outcome: IngestOutcome
    chunks: int
