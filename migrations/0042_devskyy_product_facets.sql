-- depends: 0041_devskyy_rules
--
-- devskyy: product_facets, the index the catalogue's tag and metadata searches walk in price order.
--
-- search_products_by_tag and search_products_by_metadata return the cheapest products of a status
-- that carry a tag / whose metadata contains a jsonb spec, one page at a time. The GIN indexes on
-- products.tags and products.metadata find the matching products, but not in price order: the plan
-- either read every match and sorted it (at medium scale a tag in a price range read 632 blocks for
-- 50 rows, a common metadata value about 1,000) or walked the status's cheapest products and filtered
-- them (10,713 rows discarded for 50, and the generic plan cannot tell which case it is in).
--
-- product_facets has one row per product and facet with the product's status and price, keyed
-- (facet, status, price, product_id): a search reads one facet's entries of one status in price
-- order, stops at the page and fetches those products by primary key.
-- * A facet is what jsonb_path_ops indexes, plus the tags: ["tags", <tag>] for each tag, and for each
--   scalar in metadata the path of object keys leading to it and the scalar, arrays transparent as in
--   containment ({"dimensions": {"weight": "10g"}} -> ["metadata", "dimensions", "weight", "10g"]),
--   numbers in their shortest form (containment finds 1.0 where the spec says 1).
--   Every product also has the facet ["metadata"], which a spec without any scalar ({}) walks.
-- * The key stored is a 64-bit hash of the facet's text (devskyy.facet_key): 8 bytes whatever the
--   facet's length. The searches check the product's own tags / metadata on each row they fetch, so
--   a collision could only cost a discarded row, never return a wrong one.
-- * metadata @> spec holds only if every facet of the spec is a facet of the metadata: the search
--   walks the spec's facet with the fewest entries (counted up to 1,000 per facet) and checks
--   metadata @> spec on each product it reaches.
-- * Triggers on products keep the rows in the same transaction as the product: insert adds them, a
--   change of status, price, tags or metadata replaces them, delete removes them (their keys are
--   recomputed from the old row and found through the primary key, so no second index is needed).
-- * Whoever writes products with triggers off (COPY under session_replication_role = replica, as the
--   benchmark loader does) calls devskyy.rebuild_product_facets() afterwards. A later change of
--   devskyy.product_facet_keys must rebuild too (the old rows' keys are recomputed to delete them).
-- * The GIN indexes stay: containment filters in other queries (an application's own) still use them.

-- strict: not inlined into the search, which then plans with its row estimate instead of a recursive
-- CTE's guess (thousands of rows, enough to turn JIT on for a query reading a few hundred blocks).
create function devskyy.metadata_facets(p_metadata jsonb)
returns setof jsonb
language sql
immutable
strict
parallel safe
rows 8
as $$
    with recursive walk (path, value) as (
        select '["metadata"]'::jsonb, p_metadata
        union all
        select case when e.key is null then w.path else w.path || to_jsonb(e.key) end, e.value
        from walk as w
        cross join lateral (
            select o.key, o.value
            from jsonb_each(case when jsonb_typeof(w.value) = 'object' then w.value end) as o
            union all
            select null, a.value
            from jsonb_array_elements(case when jsonb_typeof(w.value) = 'array' then w.value end) as a
        ) as e
    )
    -- Numbers in their shortest form: containment compares them by value (1.0 = 1), facets by text.
    select w.path || jsonb_build_array(
        case when jsonb_typeof(w.value) = 'number' then to_jsonb(trim_scale(w.value::numeric)) else w.value end
    )
    from walk as w
    where jsonb_typeof(w.value) not in ('object', 'array')
$$;

comment on function devskyy.metadata_facets(jsonb) is
    'Each scalar of a metadata document as ["metadata", <object keys to it>..., <scalar>] (arrays transparent).';

create function devskyy.facet_key(p_facet jsonb)
returns bigint
language sql
immutable
strict
parallel safe
as $$
    select hashtextextended(p_facet::text, 0)
$$;

comment on function devskyy.facet_key(jsonb) is 'The 64-bit key of a facet in devskyy.product_facets.';

create function devskyy.product_facet_keys(p_tags text[], p_metadata jsonb)
returns setof bigint
language sql
immutable
parallel safe
as $$
    select distinct devskyy.facet_key(f.facet)
    from (
        select jsonb_build_array('tags', t.tag) from unnest(p_tags) as t (tag) where t.tag is not null
        union all
        select '["metadata"]'::jsonb
        union all
        select m.facet from devskyy.metadata_facets(p_metadata) as m (facet)
    ) as f (facet)
$$;

comment on function devskyy.product_facet_keys(text[], jsonb) is
    'The facet keys of a product with these tags and metadata (its rows in devskyy.product_facets).';

create table devskyy.product_facets (
    facet bigint not null,
    status devskyy.product_status not null,
    price numeric(10, 2) not null,
    product_id uuid not null,
    -- (product_id, facet) is unique too: status and price are the product's.
    constraint pk_product_facets primary key (facet, status, price, product_id)
);

comment on table devskyy.product_facets is
    'Each product''s tag and metadata facets with its status and price, in search order; kept by triggers on devskyy.products.';

create function devskyy.sync_product_facets()
returns trigger
language plpgsql
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from devskyy.product_facets as f
        where f.facet = any (array(select k.facet from devskyy.product_facet_keys(old.tags, old.metadata) as k (facet)))
          and f.status = old.status
          and f.price = old.price
          and f.product_id = old.id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into devskyy.product_facets (facet, status, price, product_id)
        select k.facet, new.status, new.price, new.id
        from devskyy.product_facet_keys(new.tags, new.metadata) as k (facet);
    end if;
    return null;
end;
$$;

create trigger tg_products_facets after insert or delete on devskyy.products
    for each row execute function devskyy.sync_product_facets();
create trigger tg_products_facets_update after update of status, price, tags, metadata on devskyy.products
    for each row
    when ((old.status, old.price, old.tags, old.metadata) is distinct from (new.status, new.price, new.tags, new.metadata))
    execute function devskyy.sync_product_facets();

create function devskyy.rebuild_product_facets()
returns bigint
language plpgsql
as $$
declare
    v_rows bigint;
begin
    -- No product changes while the rows are rebuilt; the searches wait for the commit.
    lock table devskyy.products in share mode;
    truncate devskyy.product_facets;
    insert into devskyy.product_facets (facet, status, price, product_id)
    select k.facet, p.status, p.price, p.id
    from devskyy.products as p
    cross join lateral devskyy.product_facet_keys(p.tags, p.metadata) as k (facet)
    order by 1, 2, 3, 4;
    get diagnostics v_rows = row_count;
    return v_rows;
end;
$$;

comment on function devskyy.rebuild_product_facets() is
    'Rebuilds devskyy.product_facets from the products (after writing products with triggers off); returns the rows.';

-- The products already there (the triggers above hold their lock from here to commit).
select devskyy.rebuild_product_facets();
