-- depends: 0040_devskyy_schema
--
-- devskyy: the rules the database keeps by itself, because they must hold under concurrency and no
-- caller may forget them.
--
-- * devskyy.place_order takes the stock and writes the order and its items in one statement. Each
--   product's stock moves in a single `update ... where inventory_quantity >= wanted`: the row lock
--   serialises concurrent buyers and READ COMMITTED re-checks the condition against the latest
--   stock after waiting, so a product is never oversold. Products are locked in id order, so two
--   orders sharing products never deadlock. An order for more than the stock raises SQLSTATE SF040
--   (OutOfStock), one for a product that is not published or does not exist SF041
--   (ProductUnavailable); either aborts the statement, so nothing of the order is left behind.
--   Unit prices are the products' prices at that moment; subtotal is their sum; total_price adds
--   the caller's extra charges (taxes, shipping).
-- * ck_orders_subtotal_matches_items: a deferred constraint trigger re-adds an order's items when
--   the order or its items change and rejects (check_violation, at commit) an order without items or
--   whose subtotal is not their sum, whoever wrote it.
-- * Order status moves pending -> processing -> completed, and pending|processing -> cancelled;
--   nothing else (SQLSTATE SF042, InvalidTransition). Cancelling gives the items' stock back, in
--   product id order like placing.
-- * agent_executions.status moves running -> completed | failed once; completed_at is stamped then.
-- * devskyy.ingest_document replaces a document's chunks in one statement under a per-document
--   advisory lock: identical chunks (same sha256 per chunk, same source, same embedding model) are
--   a no-op; anything else deletes the old chunks and inserts the new ones, so a reader's statement
--   sees either the old version or the new one, never a mix. Embeddings on a server without
--   pgvector raise SQLSTATE SF043 (VectorSearchUnavailable).
-- * devskyy.nearest_chunks and devskyy.hybrid_chunks are SQL functions the planner inlines into the
--   calling query (so its plan shows the HNSW and GIN scans). Their bodies name pgvector's type,
--   which does not exist on a server without the extension; they are created with
--   check_function_bodies off, so the schema is the same everywhere, and calling them there fails
--   with undefined_object, which sqlfirst.devskyy.rag reports as VectorSearchUnavailable.

set local check_function_bodies = off;

-- What devskyy.ingest_document did with a document.
create type devskyy.ingest_outcome as enum ('created', 'replaced', 'unchanged');

create function devskyy.place_order(
    p_user_id uuid,
    p_product_ids uuid[],
    p_quantities integer[],
    p_extra_charges numeric,
    p_metadata jsonb
)
returns table (
    id uuid,
    order_number varchar,
    user_id uuid,
    status devskyy.order_status,
    total_price numeric,
    subtotal numeric,
    created_at timestamptz,
    updated_at timestamptz,
    metadata jsonb,
    items jsonb
)
language plpgsql
as $$
#variable_conflict use_column
declare
    v_order devskyy.orders;
    v_wanted record;
    v_price numeric(10, 2);
    v_status devskyy.product_status;
    v_available integer;
    v_subtotal numeric := 0;
    v_ids uuid[] := '{}';
    v_quantities integer[] := '{}';
    v_prices numeric[] := '{}';
begin
    if coalesce(cardinality(p_product_ids), 0) = 0
        or cardinality(p_product_ids) <> coalesce(cardinality(p_quantities), 0) then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'an order needs at least one item and one quantity per product';
    end if;
    if coalesce(p_extra_charges, 0) < 0 then
        raise exception using
            errcode = 'check_violation',
            constraint = 'ck_orders_total_price_covers_subtotal',
            message = format('extra charges cannot be negative, got %s', p_extra_charges);
    end if;

    for v_wanted in
        select w.product_id, sum(w.quantity)::integer as quantity, bool_or(w.quantity is null or w.quantity <= 0) as bad
        from unnest(p_product_ids, p_quantities) as w (product_id, quantity)
        group by w.product_id
        order by w.product_id
    loop
        if v_wanted.bad or v_wanted.product_id is null then
            raise exception using
                errcode = 'check_violation',
                constraint = 'ck_order_items_quantity_positive',
                message = format('quantity of product %s must be positive', v_wanted.product_id);
        end if;
        update devskyy.products as p
        set inventory_quantity = p.inventory_quantity - v_wanted.quantity
        where p.id = v_wanted.product_id
          and p.status = 'published'
          and p.inventory_quantity >= v_wanted.quantity
        returning p.price into v_price;
        if not found then
            select p.status, p.inventory_quantity into v_status, v_available
            from devskyy.products as p
            where p.id = v_wanted.product_id;
            if not found or v_status <> 'published' then
                raise exception using
                    errcode = 'SF041',
                    message = format('product %s is not for sale (%s)', v_wanted.product_id, coalesce(v_status::text, 'unknown')),
                    detail = format('product_id=%s', v_wanted.product_id);
            end if;
            raise exception using
                errcode = 'SF040',
                message = format(
                    'out of stock: product %s has %s, the order wants %s',
                    v_wanted.product_id, v_available, v_wanted.quantity
                ),
                detail = format('product_id=%s available=%s wanted=%s', v_wanted.product_id, v_available, v_wanted.quantity);
        end if;
        v_ids := v_ids || v_wanted.product_id;
        v_quantities := v_quantities || v_wanted.quantity;
        v_prices := v_prices || v_price;
        v_subtotal := v_subtotal + v_price * v_wanted.quantity;
    end loop;

    insert into devskyy.orders (user_id, total_price, subtotal, metadata)
    values (p_user_id, v_subtotal + coalesce(p_extra_charges, 0), v_subtotal, coalesce(p_metadata, '{}'))
    returning * into v_order;

    insert into devskyy.order_items (order_id, product_id, quantity, unit_price, created_at)
    select v_order.id, w.product_id, w.quantity, w.unit_price, v_order.created_at
    from unnest(v_ids, v_quantities, v_prices) as w (product_id, quantity, unit_price);

    return query
    select v_order.id, v_order.order_number, v_order.user_id, v_order.status, v_order.total_price,
           v_order.subtotal, v_order.created_at, v_order.updated_at, v_order.metadata,
           (select jsonb_agg(
                       jsonb_build_object(
                           'product_id', w.product_id, 'quantity', w.quantity, 'unit_price', w.unit_price::text
                       )
                       order by w.product_id
                   )
            from unnest(v_ids, v_quantities, v_prices) as w (product_id, quantity, unit_price));
end;
$$;

comment on function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb) is
    'Takes the stock and writes an order with its items, atomically. SF040 out of stock, SF041 not for sale.';

create function devskyy.check_order_subtotal()
returns trigger
language plpgsql
as $$
declare
    v_order_id uuid;
    v_subtotal numeric;
    v_sum numeric;
    v_count bigint;
begin
    if tg_table_name = 'orders' then
        v_order_id := new.id;
    elsif tg_op = 'DELETE' then
        v_order_id := old.order_id;
    else
        v_order_id := new.order_id;
    end if;
    select o.subtotal into v_subtotal from devskyy.orders as o where o.id = v_order_id;
    if not found then
        return null;  -- the order itself is gone
    end if;
    select coalesce(sum(i.quantity * i.unit_price), 0), count(*) into v_sum, v_count
    from devskyy.order_items as i
    where i.order_id = v_order_id;
    if v_count = 0 or v_sum <> v_subtotal then
        raise exception using
            errcode = 'check_violation',
            constraint = 'ck_orders_subtotal_matches_items',
            schema = 'devskyy',
            table = 'orders',
            message = format(
                'order %s: subtotal %s is not the sum of its %s items (%s)', v_order_id, v_subtotal, v_count, v_sum
            );
    end if;
    return null;
end;
$$;

create constraint trigger tg_orders_subtotal_matches_items
    after insert or update of subtotal on devskyy.orders
    deferrable initially deferred
    for each row execute function devskyy.check_order_subtotal();
create constraint trigger tg_order_items_subtotal_matches_items
    after insert or update or delete on devskyy.order_items
    deferrable initially deferred
    for each row execute function devskyy.check_order_subtotal();

create function devskyy.check_order_status()
returns trigger
language plpgsql
as $$
begin
    if not (
        old.status = 'pending' and new.status in ('processing', 'cancelled')
        or old.status = 'processing' and new.status in ('completed', 'cancelled')
    ) then
        raise exception using
            errcode = 'SF042',
            message = format('order %s cannot go from %s to %s', old.order_number, old.status, new.status),
            detail = format('order_id=%s from=%s to=%s', old.id, old.status, new.status);
    end if;
    return new;
end;
$$;

create trigger tg_orders_status_transition before update of status on devskyy.orders
    for each row when (old.status is distinct from new.status)
    execute function devskyy.check_order_status();

create function devskyy.restock_cancelled_order()
returns trigger
language plpgsql
as $$
declare
    v_item record;
begin
    for v_item in
        select i.product_id, i.quantity
        from devskyy.order_items as i
        where i.order_id = new.id
        order by i.product_id
    loop
        update devskyy.products
        set inventory_quantity = inventory_quantity + v_item.quantity
        where id = v_item.product_id;
    end loop;
    return null;
end;
$$;

create trigger tg_orders_cancel_restock after update of status on devskyy.orders
    for each row when (new.status = 'cancelled' and old.status <> 'cancelled')
    execute function devskyy.restock_cancelled_order();

create function devskyy.check_agent_execution_status()
returns trigger
language plpgsql
as $$
begin
    if old.status <> 'running' then
        raise exception using
            errcode = 'SF042',
            message = format('agent execution %s is already %s', old.execution_id, old.status),
            detail = format('execution_id=%s from=%s to=%s', old.execution_id, old.status, new.status);
    end if;
    if new.status <> 'running' then
        new.completed_at := coalesce(new.completed_at, clock_timestamp());
    end if;
    return new;
end;
$$;

create trigger tg_agent_executions_status_transition before update on devskyy.agent_executions
    for each row when (old.status <> 'running' or new.status is distinct from old.status)
    execute function devskyy.check_agent_execution_status();

create function devskyy.ingest_document(
    p_parent_doc_id text,
    p_source_path text,
    p_contents text[],
    p_embedding_model text,
    p_metadata jsonb,
    p_embeddings jsonb
)
returns table (outcome devskyy.ingest_outcome, chunks integer)
language plpgsql
as $$
declare
    v_total integer := coalesce(cardinality(p_contents), 0);
    v_hashes text[];
    v_old record;
begin
    if v_total = 0 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format('document %s has no chunks', p_parent_doc_id);
    end if;
    if p_embeddings is not null then
        if to_regtype('core.vector') is null then
            raise exception using
                errcode = 'SF043',
                message = 'this server has no pgvector (extension "vector" in schema core): embeddings cannot be stored';
        end if;
        if jsonb_typeof(p_embeddings) <> 'array' or jsonb_array_length(p_embeddings) <> v_total then
            raise exception using
                errcode = 'invalid_parameter_value',
                message = format('document %s: %s chunks need %s embeddings', p_parent_doc_id, v_total, v_total);
        end if;
    end if;
    -- One writer per document at a time: the second waits, then sees the first one's chunks.
    perform pg_advisory_xact_lock(hashtext('devskyy.rag_documents'), hashtext(p_parent_doc_id));

    select array(
        select encode(sha256(convert_to(c.content, 'UTF8')), 'hex')
        from unnest(p_contents) with ordinality as c (content, n)
        order by c.n
    ) into v_hashes;

    select array_agg(d.content_hash::text order by d.chunk_index) as hashes,
           bool_and(d.source_path is not distinct from p_source_path
                    and d.embedding_model is not distinct from p_embedding_model) as same_source,
           count(*) as n
    into v_old
    from devskyy.rag_documents as d
    where d.parent_doc_id = p_parent_doc_id;

    if v_old.n > 0 and v_old.same_source and v_old.hashes = v_hashes then
        outcome := 'unchanged'::devskyy.ingest_outcome;
        chunks := v_total;
        return next;
        return;
    end if;

    delete from devskyy.rag_documents as d where d.parent_doc_id = p_parent_doc_id;

    if p_embeddings is null then
        insert into devskyy.rag_documents (
            document_id, parent_doc_id, source_path, content, content_hash, chunk_index, total_chunks,
            embedding_model, metadata
        )
        select p_parent_doc_id || '-chunk-' || (c.n - 1), p_parent_doc_id, p_source_path, c.content,
               v_hashes[c.n], c.n - 1, v_total, p_embedding_model, coalesce(p_metadata, '{}')
        from unnest(p_contents) with ordinality as c (content, n);
    else
        insert into devskyy.rag_documents (
            document_id, parent_doc_id, source_path, content, content_hash, chunk_index, total_chunks,
            embedding_model, metadata, embedding
        )
        select p_parent_doc_id || '-chunk-' || (c.n - 1), p_parent_doc_id, p_source_path, c.content,
               v_hashes[c.n], c.n - 1, v_total, p_embedding_model, coalesce(p_metadata, '{}'),
               (p_embeddings -> (c.n::integer - 1))::text::core.vector(384)
        from unnest(p_contents) with ordinality as c (content, n);
    end if;

    outcome := (case when v_old.n > 0 then 'replaced' else 'created' end)::devskyy.ingest_outcome;
    chunks := v_total;
    return next;
end;
$$;

comment on function devskyy.ingest_document(text, text, text[], text, jsonb, jsonb) is
    'Writes a document''s chunks: unchanged (same hashes) is a no-op, anything else replaces them atomically.';

create function devskyy.nearest_chunks(p_embedding real[], p_limit integer)
returns table (
    id uuid,
    document_id varchar,
    parent_doc_id varchar,
    source_path varchar,
    chunk_index integer,
    content text,
    metadata jsonb,
    distance double precision
)
language sql
stable
as $$
    select d.id, d.document_id, d.parent_doc_id, d.source_path, d.chunk_index, d.content, d.metadata,
           d.embedding operator(core.<=>) p_embedding::core.vector(384) as distance
    from devskyy.rag_documents as d
    where d.embedding is not null
    order by d.embedding operator(core.<=>) p_embedding::core.vector(384)
    limit p_limit
$$;

comment on function devskyy.nearest_chunks(real[], integer) is
    'The chunks nearest to an embedding by cosine distance (HNSW); needs pgvector.';

-- Reciprocal rank fusion (k = 60) of the best 50 full-text hits and the best 50 nearest chunks.
create function devskyy.hybrid_chunks(p_query text, p_embedding real[], p_limit integer)
returns table (
    id uuid,
    document_id varchar,
    parent_doc_id varchar,
    source_path varchar,
    chunk_index integer,
    content text,
    metadata jsonb,
    score double precision
)
language sql
stable
as $$
    with text_hits as (
        select t.id, row_number() over (order by t.rank desc, t.id) as position
        from (
            select d.id, ts_rank_cd(d.search_vector, q.query) as rank
            from devskyy.rag_documents as d,
                 websearch_to_tsquery('english'::regconfig, p_query) as q (query)
            where d.search_vector @@ q.query
            order by rank desc, d.id
            limit 50
        ) as t
    ),
    vector_hits as (
        select v.id, row_number() over (order by v.distance, v.id) as position
        from (
            select d.id, d.embedding operator(core.<=>) p_embedding::core.vector(384) as distance
            from devskyy.rag_documents as d
            where d.embedding is not null
            order by d.embedding operator(core.<=>) p_embedding::core.vector(384)
            limit 50
        ) as v
    ),
    fused as (
        select h.id, sum(1.0 / (60 + h.position))::double precision as score
        from (select * from text_hits union all select * from vector_hits) as h
        group by h.id
    )
    select d.id, d.document_id, d.parent_doc_id, d.source_path, d.chunk_index, d.content, d.metadata, f.score
    from fused as f
    join devskyy.rag_documents as d on d.id = f.id
    order by f.score desc, d.id
    limit p_limit
$$;

comment on function devskyy.hybrid_chunks(text, real[], integer) is
    'Full-text and vector hits fused by reciprocal rank (k = 60); needs pgvector.';
