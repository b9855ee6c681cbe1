-- depends: 0151_deals_goal_references_swap
--
-- deals: goals are keyed (id, user_id), as Citus requires of every key of a table distributed by
-- user_id (issue 16, sql/deals/citus.toml). 0128's unique index (id, user_id), which every key
-- pointing at a goal references since 0133 and 0151, becomes the primary key (renamed pk_goals);
-- the id-only one goes. Catalog changes only: the locks last an instant.
--
-- A goal's id stays unique by being a uuid the server draws; get_goal_by_id and the other lookups
-- by id read the new key's index, which leads with id.
-- squawk-ignore ban-drop-constraint
alter table deals.goals drop constraint pk_goals;
alter table deals.goals add constraint pk_goals primary key using index uq_goals_id_user_id;
