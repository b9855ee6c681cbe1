"""devskyy RAG chunks: the seed's chunked ingest, no-op re-ingest, atomic replacement under
concurrent readers, ranked full-text search, and vector and hybrid search where pgvector exists
(a typed error where it does not)."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection, create_pool
from sqlfirst.devskyy import rag
from sqlfirst.devskyy.errors import VectorSearchUnavailable
from sqlfirst.devskyy.models import IngestOutcome
from sqlfirst.settings import Settings

from .factories import HOSTILE, embedding_of

CORPUS = {
    "postgres-guide": [
        "PostgreSQL stores rows in heap pages and finds them through btree indexes.",
        "A GIN index maps each lexeme of a tsvector to the rows that contain it.",
    ],
    "vector-guide": [
        "pgvector adds a vector type and HNSW indexes for nearest neighbour search.",
        "Cosine distance compares the direction of two embedding vectors.",
    ],
    "cooking": [
        "Whisk the eggs with sugar until pale, then fold in the flour.",
        "Bake the cake for forty minutes and let it cool on a rack.",
    ],
}


@pytest.fixture
async def vectors(conn: Connection) -> bool:
    return await rag.has_pgvector(conn)


async def load_corpus(conn: Connection, *, with_embeddings: bool) -> None:
    for doc, chunks in CORPUS.items():
        await rag.ingest(
            conn,
            document_id=doc,
            chunks=chunks,
            source_path=f"docs/{doc}.md",
            embeddings=[embedding_of(c) for c in chunks] if with_embeddings else None,
        )


async def test_ingest_a_chunked_document_as_the_seed_does(conn: Connection) -> None:
    chunks = ["First part of the API docs.", "Second part: endpoints.", "Third part: errors."]
    result = await rag.ingest(
        conn,
        document_id="api-docs",
        chunks=chunks,
        source_path="docs/api.md",
        metadata={"author": "DevSkyy", "tags": ["documentation", "api"], "parent_doc_id": "api-docs"},
    )
    assert (result.outcome, result.chunks) == (IngestOutcome.CREATED, 3)
    stored = await rag.list_chunks(conn, parent_doc_id="api-docs")
    assert [c.document_id for c in stored] == ["api-docs-chunk-0", "api-docs-chunk-1", "api-docs-chunk-2"]
    assert [c.content for c in stored] == chunks
    assert [c.content_hash for c in stored] == [hashlib.sha256(c.encode()).hexdigest() for c in chunks]
    assert {(c.chunk_index, c.total_chunks) for c in stored} == {(0, 3), (1, 3), (2, 3)}
    assert {c.embedding_model for c in stored} == {"sentence-transformers/all-MiniLM-L6-v2"}
    assert stored[0].metadata["tags"] == ["documentation", "api"]
    assert await rag.get_chunk(conn, document_id="api-docs-chunk-1") == stored[1]
    assert await rag.get_chunk(conn, document_id="api-docs-chunk-9") is None


async def test_reingesting_the_same_content_is_a_no_op_and_changed_content_replaces_it(
    conn: Connection,
) -> None:
    first = await rag.ingest(conn, document_id="d", chunks=["alpha", "beta"], source_path="s")
    before = await rag.list_chunks(conn, parent_doc_id="d")
    same = await rag.ingest(conn, document_id="d", chunks=["alpha", "beta"], source_path="s")
    assert (first.outcome, same.outcome) == (IngestOutcome.CREATED, IngestOutcome.UNCHANGED)
    assert await rag.list_chunks(conn, parent_doc_id="d") == before

    changed = await rag.ingest(conn, document_id="d", chunks=["alpha", "gamma", "delta"], source_path="s")
    assert (changed.outcome, changed.chunks) == (IngestOutcome.REPLACED, 3)
    after = await rag.list_chunks(conn, parent_doc_id="d")
    assert [c.content for c in after] == ["alpha", "gamma", "delta"]
    assert {c.total_chunks for c in after} == {3}
    shorter = await rag.ingest(conn, document_id="d", chunks=["alpha"], source_path="s")
    assert shorter.outcome is IngestOutcome.REPLACED
    assert [c.document_id for c in await rag.list_chunks(conn, parent_doc_id="d")] == ["d-chunk-0"]
    moved = await rag.ingest(conn, document_id="d", chunks=["alpha"], source_path="elsewhere")
    assert moved.outcome is IngestOutcome.REPLACED
    assert await rag.delete(conn, document_id="d") == 1
    assert await rag.list_chunks(conn, parent_doc_id="d") == []


async def test_bad_documents_are_refused_before_the_database(conn: Connection) -> None:
    for bad in (
        {"chunks": []},
        {"chunks": [""]},
        {"document_id": ""},
        {"document_id": "x" * 88},
        {"chunks": ["a\x00b"]},
    ):
        fields = {"document_id": "doc", "chunks": ["ok"], **bad}
        with pytest.raises(ValidationError):
            await rag.ingest(conn, **fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        await rag.ingest(conn, document_id="doc", chunks=["a", "b"], embeddings=[embedding_of("a")])
    with pytest.raises(ValidationError):
        await rag.ingest(conn, document_id="doc", chunks=["a"], embeddings=[[0.5] * 3])


async def test_full_text_search_ranks_the_matching_chunks(conn: Connection) -> None:
    await conn.execute("delete from devskyy.rag_documents")
    await load_corpus(conn, with_embeddings=False)
    hits = await rag.search_text(conn, query="index")
    assert {h.document_id for h in hits} == {
        "postgres-guide-chunk-0",
        "postgres-guide-chunk-1",
        "vector-guide-chunk-0",
    }
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert [h.document_id for h in await rag.search_text(conn, query='"nearest neighbour"')] == [
        "vector-guide-chunk-0"
    ]
    assert [h.document_id for h in await rag.search_text(conn, query="cake -flour")] == ["cooking-chunk-1"]
    assert await rag.search_text(conn, query="kubernetes") == []
    assert len(await rag.search_text(conn, query="index", limit=1)) == 1


async def test_vector_search_finds_the_nearest_chunks(conn: Connection, vectors: bool) -> None:
    if not vectors:
        pytest.skip("no pgvector on this server (see test_vector_search_without_pgvector_is_a_typed_error)")
    await conn.execute("delete from devskyy.rag_documents")
    await load_corpus(conn, with_embeddings=True)
    query = embedding_of("Cosine distance compares the direction of two embedding vectors.")
    hits = await rag.search_vector(conn, embedding=query, limit=3)
    assert hits[0].document_id == "vector-guide-chunk-1"
    assert hits[0].score == pytest.approx(0.0, abs=1e-6)
    assert [h.score for h in hits] == sorted(h.score for h in hits)
    near_cake = await rag.search_vector(conn, embedding=embedding_of("bake the cake"), limit=1)
    assert [h.document_id for h in near_cake] == ["cooking-chunk-1"]


async def test_hybrid_search_ranks_chunks_found_both_ways_first(conn: Connection, vectors: bool) -> None:
    if not vectors:
        pytest.skip("no pgvector on this server")
    await conn.execute("delete from devskyy.rag_documents")
    await load_corpus(conn, with_embeddings=True)
    hits = await rag.search_hybrid(
        conn, query="HNSW vector", embedding=embedding_of("pgvector HNSW indexes"), limit=4
    )
    assert hits[0].document_id == "vector-guide-chunk-0"
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert hits[0].score > hits[1].score


async def test_vector_search_without_pgvector_is_a_typed_error(conn: Connection, vectors: bool) -> None:
    if vectors:
        pytest.skip("this server has pgvector")
    await load_corpus(conn, with_embeddings=False)
    with pytest.raises(VectorSearchUnavailable):
        async with conn.transaction():
            await rag.search_vector(conn, embedding=embedding_of("x"))
    with pytest.raises(VectorSearchUnavailable):
        async with conn.transaction():
            await rag.search_hybrid(conn, query="x", embedding=embedding_of("x"))
    with pytest.raises(VectorSearchUnavailable) as storing:
        async with conn.transaction():
            await rag.ingest(conn, document_id="e", chunks=["x"], embeddings=[embedding_of("x")])
    assert storing.value.sqlstate == "SF043"
    assert len(await rag.search_text(conn, query="index")) == 3
    assert await rag.register_vector_codec(conn) is False


async def test_embeddings_are_stored_and_read_back_through_the_pgvector_codec(
    conn: Connection, vectors: bool
) -> None:
    if not vectors:
        pytest.skip("no pgvector on this server")
    assert await rag.register_vector_codec(conn) is True
    vector = embedding_of("read me back")
    await rag.ingest(conn, document_id="codec", chunks=["read me back"], embeddings=[vector])
    stored = await conn.fetchval(
        "select embedding from devskyy.rag_documents where document_id = 'codec-chunk-0'"
    )
    assert stored.to_list() == pytest.approx(vector, abs=1e-6)


async def test_readers_never_see_a_mix_of_two_versions_while_a_document_is_replaced(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=12))
    try:
        versions = [[f"version {v} chunk {n}" for n in range(8 + v % 3)] for v in range(25)]
        await rag.ingest(pool, document_id="live", chunks=versions[0])
        stop = asyncio.Event()
        seen: set[int] = set()

        async def read() -> int:
            reads = 0
            while not stop.is_set():
                chunks = await rag.list_chunks(pool, parent_doc_id="live")
                tags = {c.content.split()[1] for c in chunks}
                assert len(tags) == 1, f"a mix of versions: {sorted(tags)}"
                assert len(chunks) == chunks[0].total_chunks == len(versions[int(tags.pop())])
                seen.add(int(chunks[0].content.split()[1]))
                reads += 1
                await asyncio.sleep(0)
            return reads

        async def write() -> None:
            for chunks in versions[1:]:
                async with pool.acquire() as c, c.transaction():
                    await rag.ingest(c, document_id="live", chunks=chunks)
                await asyncio.sleep(0.002)
            stop.set()

        readers = [asyncio.create_task(read()) for _ in range(6)]
        await write()
        reads = await asyncio.gather(*readers)
        assert sum(reads) > 25
        assert len(seen) > 2  # readers saw several versions, each whole
        final = await rag.list_chunks(pool, parent_doc_id="live")
        assert [c.content for c in final] == versions[-1]
    finally:
        await pool.close()


async def test_concurrent_ingests_of_one_document_serialise(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=12))
    try:
        results = await asyncio.gather(
            *(rag.ingest(pool, document_id="race", chunks=[f"writer {n % 3}", "tail"]) for n in range(12))
        )
        assert IngestOutcome.CREATED in {r.outcome for r in results}
        final = await rag.list_chunks(pool, parent_doc_id="race")
        assert len(final) == 2 and final[1].content == "tail"
    finally:
        await pool.close()


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_are_stored_verbatim(conn: Connection, text: str) -> None:
    await rag.ingest(conn, document_id=text[:80], chunks=[text], source_path=text, metadata={"t": text})
    [chunk] = await rag.list_chunks(conn, parent_doc_id=text[:80])
    assert (chunk.content, chunk.source_path, chunk.metadata) == (text, text, {"t": text})
    assert chunk.content_hash == hashlib.sha256(text.encode()).hexdigest()
