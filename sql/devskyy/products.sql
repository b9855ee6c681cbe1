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
-- Products carrying a tag, of a status and in a price range, cheapest first.
select id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
       metadata
from devskyy.products
where tags @> array[:tag]::text[]
  and status = :status
  and price between :min_price and :max_price
order by price, id
limit :lim;

-- name: search_products_by_metadata(spec, status, lim)
-- Products whose metadata contains the given jsonb (variants, dimensions...), cheapest first.
select id, sku, name, description, category, price, inventory_quantity, status, tags, created_at, updated_at,
       metadata
from devskyy.products
where metadata @> :spec
  and status = :status
order by price, id
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
