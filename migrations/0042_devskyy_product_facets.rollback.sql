drop function devskyy.rebuild_product_facets();
drop trigger tg_products_facets_update on devskyy.products;
drop trigger tg_products_facets on devskyy.products;
drop function devskyy.sync_product_facets();
drop table devskyy.product_facets;
drop function devskyy.product_facet_keys(text[], jsonb);
drop function devskyy.facet_key(jsonb);
drop function devskyy.metadata_facets(jsonb);
