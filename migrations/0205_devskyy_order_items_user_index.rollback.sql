drop index concurrently if exists devskyy.ix_order_items_user_id;
