drop function devskyy.hybrid_chunks(text, real[], integer);
drop function devskyy.nearest_chunks(real[], integer);
drop function devskyy.ingest_document(text, text, text[], text, jsonb, jsonb);
drop type devskyy.ingest_outcome;

drop trigger tg_agent_executions_status_transition on devskyy.agent_executions;
drop function devskyy.check_agent_execution_status();

drop trigger tg_orders_cancel_restock on devskyy.orders;
drop function devskyy.restock_cancelled_order();
drop trigger tg_orders_status_transition on devskyy.orders;
drop function devskyy.check_order_status();

drop trigger tg_order_items_subtotal_matches_items on devskyy.order_items;
drop trigger tg_orders_subtotal_matches_items on devskyy.orders;
drop function devskyy.check_order_subtotal();

drop function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb);
