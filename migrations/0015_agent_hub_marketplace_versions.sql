-- depends: 0014_agent_hub_kept_truth
--
-- agent_hub: the marketplace's "version control" (seed 004) kept for real. Republishing an agent
-- replaces its entry's changelog, so each publication is also kept here: version (1, 2, ... per
-- entry, gap-free), category, tags, changelog and when. A trigger writes it, so no caller can publish
-- without leaving the version behind. Concurrent republishers of one agent serialise on the entry
-- row (the upsert locks it), and the trigger reads the highest version with a snapshot taken after
-- that lock (READ COMMITTED, one per statement): versions never collide nor skip;
-- uq_marketplace_versions_entry_id_version is the guarantee behind it. Ratings and downloads are
-- not a publication and write no version. History goes with the entry (ON DELETE CASCADE).

create table agent_hub.marketplace_versions (
    id uuid not null default gen_random_uuid(),
    entry_id uuid not null,
    version integer not null,
    category varchar(100) not null,
    tags jsonb not null,
    changelog text,
    published_at timestamptz not null,
    constraint pk_marketplace_versions primary key (id),
    constraint fk_marketplace_versions_entry_id foreign key (entry_id)
        references agent_hub.marketplace_entries (id) on delete cascade,
    constraint uq_marketplace_versions_entry_id_version unique (entry_id, version),
    constraint ck_marketplace_versions_version_positive check (version > 0)
);

-- uq_marketplace_versions_entry_id_version's index serves the foreign key and the newest-first
-- history of one entry.

create function agent_hub.record_marketplace_version()
returns trigger
language plpgsql
as $$
begin
    insert into agent_hub.marketplace_versions (entry_id, version, category, tags, changelog, published_at)
    select new.id, coalesce(max(v.version), 0) + 1, new.category, new.tags, new.changelog, new.published_at
    from agent_hub.marketplace_versions as v
    where v.entry_id = new.id;
    return null;
end;
$$;

create trigger tg_marketplace_entries_version_insert after insert on agent_hub.marketplace_entries
    for each row execute function agent_hub.record_marketplace_version();
create trigger tg_marketplace_entries_version_update
    after update of category, tags, changelog, published_at on agent_hub.marketplace_entries
    for each row
    when (old.published_at is distinct from new.published_at
          or old.changelog is distinct from new.changelog
          or old.category is distinct from new.category
          or old.tags is distinct from new.tags)
    execute function agent_hub.record_marketplace_version();

-- Entries published before this migration start their history with what they are now.
insert into agent_hub.marketplace_versions (entry_id, version, category, tags, changelog, published_at)
select id, 1, category, tags, changelog, published_at
from agent_hub.marketplace_entries;
