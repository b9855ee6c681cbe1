"""RAG document chunks: ingest a chunked document, read it, and search it by full text, by vector
and by both.

Ingesting runs ``devskyy.ingest_document`` (migration 0041): identical chunks are a no-op, changed
ones replace the document's chunks in one statement, so no reader ever sees a mix of versions.

Vector search needs pgvector on the server (the embedded PostgreSQL 16 has it). Where it is missing,
storing embeddings or searching by vector raises
:class:`~sqlfirst.devskyy.errors.VectorSearchUnavailable`; everything else works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import asyncpg
from pgvector.asyncpg import register_vector
from pydantic import Field, TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Connection, Executor
from sqlfirst.errors import DatabaseError

from .errors import VectorSearchUnavailable
from .models import (
    EMBEDDING_DIMENSIONS,
    ChunkHit,
    DocumentChunk,
    DocumentIngest,
    IngestResult,
    JsonObject,
    page_size,
)

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "delete",
    "get_chunk",
    "has_pgvector",
    "ingest",
    "list_chunks",
    "register_vector_codec",
    "search_hybrid",
    "search_text",
    "search_vector",
]

_sql = SqlFile("devskyy", "rag")

# HNSW returns at most hnsw.ef_search (40 by default) rows per scan.
MOST_HITS = 40


async def has_pgvector(conn: Executor) -> bool:
    """Whether the server has pgvector where devskyy expects it (schema ``core``)."""
    return bool(await conn.fetchval("select to_regtype('core.vector') is not null"))


async def register_vector_codec(conn: Connection | asyncpg.Connection[asyncpg.Record]) -> bool:
    """Register pgvector's binary codec for ``core.vector`` on ``conn`` (``numpy``-free
    ``pgvector.Vector`` values; needed to COPY embeddings or read the column). False, and nothing
    registered, where the server has no pgvector."""
    try:
        await register_vector(conn, schema="core")  # type: ignore[arg-type]
    except ValueError as exc:
        if str(exc).startswith("unknown type"):
            return False
        raise
    return True


def _unavailable(exc: DatabaseError) -> DatabaseError:
    # On a server without pgvector the search functions' bodies name a column, a type and an operator
    # that do not exist there (undefined column / object / function); `sqlfirst check` proves the
    # queries on a server that has it, so these errors mean exactly that.
    if exc.sqlstate in {"42703", "42704", "42883"} and ("vector" in str(exc) or "embedding" in str(exc)):
        unavailable = VectorSearchUnavailable(
            f'this server has no pgvector (extension "vector" in schema core): {exc}',
            sqlstate=exc.sqlstate,
        )
        unavailable.__cause__ = exc.__cause__
        return unavailable
    return exc


@_sql.query(
    "ingest_document", not_null={"outcome": "set by every path of ingest_document", "chunks": "ditto"}
)
async def _ingest(
    conn: Executor,
    *,
    parent_doc_id: str,
    source_path: str | None,
    contents: list[str],
    embedding_model: str | None,
    metadata: JsonObject,
    embeddings: list[list[float]] | None,
) -> IngestResult: ...


async def ingest(
    conn: Executor,
    *,
    document_id: str,
    chunks: Sequence[str],
    source_path: str | None = None,
    embedding_model: str | None = "sentence-transformers/all-MiniLM-L6-v2",
    embeddings: Sequence[Sequence[float]] | None = None,
    metadata: JsonObject | None = None,
) -> IngestResult:
    """Store ``chunks`` as the document ``document_id``: chunk n becomes ``{document_id}-chunk-{n}``
    with the sha256 of its content, each with ``metadata``.

    Re-ingesting the same chunks from the same source is a no-op (``unchanged``); anything else
    replaces every chunk of the document atomically (``replaced``). ``embeddings`` (one 384-float
    vector per chunk) need pgvector: :class:`~sqlfirst.devskyy.errors.VectorSearchUnavailable`
    without it. ``ValidationError`` for no chunks, an empty chunk, or wrong embedding sizes.
    """
    new = DocumentIngest.model_validate(
        {
            "document_id": document_id,
            "chunks": list(arguments.items("ingest", "chunks", chunks)),
            "source_path": source_path,
            "embedding_model": embedding_model,
            "embeddings": None
            if embeddings is None
            else [
                list(arguments.items("ingest", "embeddings", e))
                for e in arguments.items("ingest", "embeddings", embeddings)
            ],
            "metadata": metadata if metadata is not None else {},
        }
    )
    return await _ingest(
        conn,
        parent_doc_id=new.document_id,
        source_path=new.source_path,
        contents=new.chunks,
        embedding_model=new.embedding_model,
        metadata=new.metadata,
        embeddings=new.embeddings,
    )


@_sql.query("list_document_chunks")
async def list_chunks(conn: Executor, *, parent_doc_id: str) -> list[DocumentChunk]:
    """The document's chunks in order; empty for an unknown document."""


@_sql.query("get_chunk")
async def get_chunk(conn: Executor, *, document_id: str) -> DocumentChunk | None:
    """The chunk ``{doc}-chunk-{n}``, or None."""


@_sql.query("delete_document")
async def _delete(conn: Executor, *, parent_doc_id: str) -> int: ...


async def delete(conn: Executor, *, document_id: str) -> int:
    """Delete every chunk of the document; returns how many there were."""
    return await _delete(conn, parent_doc_id=document_id)


@_sql.query("search_chunks_text", not_null={"score": "ts_rank_cd of a matching tsvector is a number"})
async def _search_text(conn: Executor, *, query: str, lim: int) -> list[ChunkHit]: ...


async def search_text(conn: Executor, *, query: str, limit: int = 10) -> list[ChunkHit]:
    """Chunks matching ``query`` (web search syntax: words, "phrases", -excluded, or), best first;
    ``score`` is the cover-density rank."""
    return await _search_text(conn, query=query, lim=page_size(limit))


_FUNCTION_ROW = "a column of the rag_documents row devskyy.{} returns, NOT NULL there"
_SEARCH_NOT_NULL = {
    column: _FUNCTION_ROW
    for column in ("id", "document_id", "parent_doc_id", "chunk_index", "content", "metadata")
}


@_sql.query(
    "search_chunks_vector",
    not_null={**_SEARCH_NOT_NULL, "score": "cosine distance between two non-NULL vectors"},
)
async def _search_vector(conn: Executor, *, embedding: list[float], lim: int) -> list[ChunkHit]: ...


_floats: TypeAdapter[list[float]] = TypeAdapter(list[Annotated[float, Field(allow_inf_nan=False)]])


def _embedding(function: str, embedding: Sequence[float]) -> list[float]:
    values = arguments.listed(function, "embedding", embedding, _floats)
    if len(values) != EMBEDDING_DIMENSIONS:
        DocumentIngest.model_validate({"document_id": "x", "chunks": ["x"], "embeddings": [values]})
    return values


async def search_vector(conn: Executor, *, embedding: Sequence[float], limit: int = 10) -> list[ChunkHit]:
    """The chunks nearest to ``embedding`` (384 floats) by cosine distance, nearest first
    (``score`` is the distance, 0 = same direction); at most 40 (HNSW's ef_search)."""
    values = _embedding("search_vector", embedding)
    try:
        return await _search_vector(conn, embedding=values, lim=page_size(limit, most=MOST_HITS))
    except DatabaseError as exc:
        raise _unavailable(exc) from exc.__cause__


@_sql.query(
    "search_chunks_hybrid",
    not_null={**_SEARCH_NOT_NULL, "score": "a sum of 1 / (60 + position) over at least one hit"},
)
async def _search_hybrid(
    conn: Executor, *, query: str, embedding: list[float], lim: int
) -> list[ChunkHit]: ...


async def search_hybrid(
    conn: Executor, *, query: str, embedding: Sequence[float], limit: int = 10
) -> list[ChunkHit]:
    """Full-text and vector search fused by reciprocal rank (k = 60) over the best 50 hits of each;
    highest ``score`` first. A chunk found both ways outranks one found one way."""
    values = _embedding("search_hybrid", embedding)
    try:
        return await _search_hybrid(conn, query=query, embedding=values, lim=page_size(limit, most=MOST_HITS))
    except DatabaseError as exc:
        raise _unavailable(exc) from exc.__cause__
