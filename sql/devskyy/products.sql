-- name: insert_product(sku, name, description, category, price, inventory_quantity, status, tags, metadata)<!
-- Insert a product.
insert into devskyy.products (
    sku, name, description, category, price, inventory_quantity, status, tags, metadata
)
values (
    :sku, :name, :description, :category, :price, :inventory_quantity, :status, :tags, :metadata
)
returning id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
          metadata;

-- name: get_product_by_id(id)^
-- The product with this id.
select id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
       metadata
from devskyy.products
where id = :id;

-- name: get_product_by_sku(sku)^
-- The product with this stock keeping unit.
select id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
       metadata
from devskyy.products
where sku = :sku;

-- name: search_products_by_category(status, category, min_price, max_price, after_price, after_id, lim)
-- Products of a category and status in a price range, cheapest first, after the keyset (price, id).
select id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
       metadata
from devskyy.products
where status = :status
  and category = :category
  and price between :min_price and :max_price
  and (price, id) > (:after_price, :after_id)
order by price, id
limit :lim;

-- name: search_products_by_tag(tag, status, min_price, max_price, lim)
-- Products carrying a tag, of a status and in a price range, cheapest first: the tag's entries in
-- devskyy.product_facets in price order (migration 0042), each product fetched by its key and its own
-- tags checked (= any: a check of the row, not a second way in).
select p.id, p.sku, p.name, p.description, p.category, p.price, p.inventory_quantity, p.status, p.tags,
       p.created_at, p.updated_at, p.metadata
from devskyy.product_facets as f
join devskyy.products as p on p.id = f.product_id
where f.facet = devskyy.facet_key(jsonb_build_array('tags', :tag::text))
  and f.status = :status
  and f.price between :min_price and :max_price
  and :tag::text = any (p.tags)
order by f.price, f.product_id
limit :lim;

-- name: search_products_by_metadata(spec, status, lim)
-- Products whose metadata contains the given jsonb (variants, dimensions...), cheapest first: the
-- entries in devskyy.product_facets of the spec's rarest facet (counted up to 1,000), in price order,
-- each product fetched by its key and checked (jsonb_contains is @> as a function: a check of the row,
-- not a second way in); a spec without scalars walks ["metadata"].
select p.id, p.sku, p.name, p.description, p.category, p.price, p.inventory_quantity, p.status, p.tags,
       p.created_at, p.updated_at, p.metadata
from devskyy.product_facets as f
join devskyy.products as p on p.id = f.product_id
where f.facet = coalesce(
        (select devskyy.facet_key(m.facet)
         from devskyy.metadata_facets(:spec) as m (facet)
         order by (select count(*)
                   from (select
                         from devskyy.product_facets as c
                         where c.facet = devskyy.facet_key(m.facet)
                           and c.status = :status
                         limit 1000) as c),
                  m.facet
         limit 1),
        devskyy.facet_key('["metadata"]'))
  and f.status = :status
  and jsonb_contains(p.metadata, :spec)
order by f.price, f.product_id
limit :lim;

-- name: publish_product(id)<!
-- Put a draft or archived product on sale; returns it, or nothing when it is unknown or already published.
update devskyy.products
set status = 'published'
where id = :id
  and status <> 'published'
returning id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
          metadata;

-- name: archive_product(id)<!
-- Take a product off sale for good (archived); returns it, or nothing when unknown or already archived.
update devskyy.products
set status = 'archived'
where id = :id
  and status <> 'archived'
returning id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
          metadata;

-- name: restock_product(id, quantity)<!
-- Add stock to a product atomically; returns the new stock level, nothing for an unknown product.
update devskyy.products
set inventory_quantity = inventory_quantity + :quantity
where id = :id
returning inventory_quantity;
