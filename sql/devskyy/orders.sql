-- name: place_order(user_id, product_ids, quantities, extra_charges, metadata)<!
-- Take the stock and write the order with its items in one statement (devskyy.place_order).
select id, order_number, user_id, status, total_price, subtotal, created_at, updated_at, metadata, items
from devskyy.place_order(:user_id, :product_ids, :quantities, :extra_charges, :metadata);

-- name: get_order_by_id(id)^
-- The order with this id.
select id, order_number, user_id, status, total_price, subtotal, created_at, updated_at, metadata
from devskyy.orders
where id = :id;

-- name: get_order_by_number(order_number)^
-- The order with this order number.
select id, order_number, user_id, status, total_price, subtotal, created_at, updated_at, metadata
from devskyy.orders
where order_number = :order_number;

-- name: list_user_orders(user_id, lim)
-- A user's orders with their items, newest first, in one round trip. A user's orders all carry the
-- user as their customer (ck_orders_customer_is_user) and the items their order's: the customer
-- filters name the shard under Citus (sql/devskyy/citus.toml) and change no result here.
select o.id, o.order_number, o.user_id, o.status, o.total_price, o.subtotal, o.created_at, o.updated_at,
       o.metadata,
       coalesce(
           (select jsonb_agg(
                       jsonb_build_object(
                           'product_id', i.product_id, 'quantity', i.quantity, 'unit_price', i.unit_price::text
                       )
                       order by i.product_id
                   )
            from devskyy.order_items as i
            where i.order_id = o.id
              and i.customer_id = o.customer_id),
           '[]'
       ) as items
from devskyy.orders as o
where o.user_id = :user_id
  and o.customer_id = :user_id
order by o.created_at desc, o.id desc
limit :lim;

-- name: list_order_items(order_id)
-- An order's items, by product.
select product_id, quantity, unit_price
from devskyy.order_items
where order_id = :order_id
order by product_id;

-- name: set_order_status(id, status)<!
-- Move an order to a status; the database refuses what the lifecycle forbids and restocks on cancel.
update devskyy.orders
set status = :status
where id = :id
returning id, order_number, user_id, status, total_price, subtotal, created_at, updated_at, metadata;
