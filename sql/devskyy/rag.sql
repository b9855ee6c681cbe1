-- name: ingest_document(parent_doc_id, source_path, contents, embedding_model, metadata, embeddings)<!
-- Write a document's chunks: a no-op when unchanged, else an atomic replacement (devskyy.ingest_document).
select outcome, chunks
from devskyy.ingest_document(:parent_doc_id, :source_path, :contents, :embedding_model, :metadata, :embeddings);

-- name: list_document_chunks(parent_doc_id)
-- A document's chunks in order.
select id, document_id, parent_doc_id, source_path, content, content_hash, chunk_index, total_chunks,
       embedding_model, metadata, created_at, updated_at
from devskyy.rag_documents
where parent_doc_id = :parent_doc_id
order by chunk_index;

-- name: get_chunk(document_id)^
-- The chunk with this document id ('{doc}-chunk-{n}').
select id, document_id, parent_doc_id, source_path, content, content_hash, chunk_index, total_chunks,
       embedding_model, metadata, created_at, updated_at
from devskyy.rag_documents
where document_id = :document_id;

-- name: delete_document(parent_doc_id)!
-- Delete every chunk of a document.
delete from devskyy.rag_documents
where parent_doc_id = :parent_doc_id;

-- name: search_chunks_text(query, lim)
-- Full-text search (english, web search syntax) over chunk content, best rank first.
select d.id, d.document_id, d.parent_doc_id, d.source_path, d.chunk_index, d.content, d.metadata,
       ts_rank_cd(d.search_vector, q.query)::double precision as score
from devskyy.rag_documents as d,
     websearch_to_tsquery('english'::regconfig, :query) as q (query)
where d.search_vector @@ q.query
order by score desc, d.id
limit :lim;

-- name: search_chunks_vector(embedding, lim)
-- The chunks nearest to an embedding by cosine distance (score = distance, smallest first); needs pgvector.
select id, document_id, parent_doc_id, source_path, chunk_index, content, metadata, distance as score
from devskyy.nearest_chunks(:embedding, :lim);

-- name: search_chunks_hybrid(query, embedding, lim)
-- Full-text and vector hits fused by reciprocal rank (score, highest first); needs pgvector.
select id, document_id, parent_doc_id, source_path, chunk_index, content, metadata, score
from devskyy.hybrid_chunks(:query, :embedding, :lim);
