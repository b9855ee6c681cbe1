grant execute on function devskyy.check_order_subtotal() to public;
grant execute on function devskyy.sync_product_facets() to public;
grant execute on function devskyy.restock_cancelled_order() to public;
