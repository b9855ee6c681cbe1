drop trigger tg_integrations_id_truncate on easyflow.integrations;
drop trigger tg_integrations_id_update on easyflow.integrations;
drop trigger tg_integrations_id on easyflow.integrations;
drop function easyflow.clear_integration_ids();
drop function easyflow.index_integration_id();
-- squawk-ignore ban-drop-table
drop table easyflow.integration_ids;
