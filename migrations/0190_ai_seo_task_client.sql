-- depends: 0189_ai_seo_campaigns_key_index
--
-- ai_seo: a task carries its client (issue 16, sql/ai_seo/citus.toml). The tenant of ai_seo is the
-- client, and Citus distributes agent_tasks by client_id beside campaigns, so the column and the key
-- to the campaign must hold it.
--
-- * agent_tasks.client_id, nullable for now (0191 fills the existing rows, 0192 makes it NOT NULL):
--   adding a nullable column without a default rewrites nothing.
-- * A task for a campaign carries the campaign's client: the foreign key (campaign_id, client_id)
--   -> campaigns (id, client_id) holds it (NOT VALID here, validated by 0192; it takes the name
--   fk_agent_tasks_campaign_id in 0194).
-- * A task for no campaign (seed 003: work for nobody's campaign, one task in ten) is the agency's
--   own work: its client is the nil uuid, one tenant of its own, which no client row holds (a
--   client row would show in every client list). ck_agent_tasks_internal_client holds that, so a
--   task cannot name a client it does not work for. Under Citus the agency's work is one tenant on
--   one shard; if it outgrows it, isolate_tenant_to_new_shard gives it a shard of its own.
-- * insert_task writes it (the campaign's client, or the nil uuid). A writer that leaves it out (a
--   COPY, an ORM) gets it from tg_agent_tasks_client, on one server; under Citus such a writer
--   passes it, since a row is routed to its shard by client_id before any trigger runs. A campaign
--   that does not exist fails as the foreign key would, naming fk_agent_tasks_campaign_id. The
--   trigger also fills a row an UPDATE meets before 0191 has: the NOT VALID checks below hold for
--   every updated row, so a claim or a completion of an old task while 0191 runs would fail them
--   otherwise.
-- * Nothing changes a task's campaign or a campaign's client: a raw update that tried would now be
--   refused by the key (as Citus refuses changing a distribution column).
alter table ai_seo.agent_tasks add column client_id uuid;

comment on column ai_seo.agent_tasks.client_id is
    'The client the task works for: its campaign''s, or the nil uuid for the agency''s own work (no campaign). '
    'The distribution column under Citus (sql/ai_seo/citus.toml).';

create function ai_seo.fill_task_client()
returns trigger
language plpgsql
set search_path = pg_catalog
as $$
begin
    if new.campaign_id is null then
        new.client_id := '00000000-0000-0000-0000-000000000000'::uuid;
        return new;
    end if;
    select c.client_id into new.client_id from ai_seo.campaigns as c where c.id = new.campaign_id;
    if new.client_id is null then
        raise exception using
            errcode = 'foreign_key_violation',
            schema = tg_table_schema,
            table = tg_table_name,
            constraint = 'fk_agent_tasks_campaign_id',
            message = format(
                'insert or update on table "%s" violates foreign key constraint "%s"',
                tg_table_name, 'fk_agent_tasks_campaign_id'
            ),
            detail = format('Key (campaign_id)=(%s) is not present in table "campaigns".', new.campaign_id);
    end if;
    return new;
end;
$$;

comment on function ai_seo.fill_task_client() is
    'A task written without its client gets its campaign''s, or the nil uuid (the agency''s own work) without a campaign (tg_agent_tasks_client).';

create trigger tg_agent_tasks_client
    before insert or update on ai_seo.agent_tasks
    for each row when (new.client_id is null)
    execute function ai_seo.fill_task_client();

alter table ai_seo.agent_tasks
    add constraint ck_agent_tasks_client_id_not_null check (client_id is not null) not valid;
alter table ai_seo.agent_tasks
    add constraint ck_agent_tasks_internal_client
        check (campaign_id is not null or client_id = '00000000-0000-0000-0000-000000000000'::uuid) not valid;
alter table ai_seo.agent_tasks
    add constraint fk_agent_tasks_campaign_id_client_id foreign key (campaign_id, client_id)
        references ai_seo.campaigns (id, client_id) on delete restrict not valid;
