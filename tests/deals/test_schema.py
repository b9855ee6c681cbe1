"""The deals schema itself: enums mirrored in Python, foreign keys, triggers, partitions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sqlfirst import citus
from sqlfirst.db import Connection
from sqlfirst.deals.models import ENUM_TYPES
from sqlfirst.migrate import Migrator

from .factories import make_deal


async def test_every_postgres_enum_has_a_strenum_with_the_same_values_in_order(conn: Connection) -> None:
    rows = await conn.fetch(
        """
        select t.typname, array_agg(e.enumlabel order by e.enumsortorder) as labels
        from pg_type t
        join pg_namespace n on n.oid = t.typnamespace
        join pg_enum e on e.enumtypid = t.oid
        where n.nspname = 'deals'
        group by t.typname
        """
    )
    in_database = {r["typname"]: list(r["labels"]) for r in rows}
    in_python = {name: [m.value for m in enum] for name, enum in ENUM_TYPES.items()}
    assert in_database == in_python
    assert len(in_database) == 25
    for labels in in_database.values():
        assert all(label == label.lower() for label in labels)


async def test_every_foreign_key_states_on_delete_and_has_a_leading_index(conn: Connection) -> None:
    rows = await conn.fetch(
        """
        select c.conname, c.conrelid::regclass::text as tbl, c.confdeltype,
               exists (
                   select 1
                   from pg_index i
                   where i.indrelid = c.conrelid
                     and ((i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey::int2[]
                          -- a key to the parent and its tenant, (goal_id, user_id): the parent's id
                          -- alone finds the rows, so an index leading with it serves the key
                          or (i.indkey::int2[])[0] = c.conkey[1]
                             and (select array_agg(a.attname::text) from pg_attribute as a
                                  where a.attrelid = c.conrelid and a.attnum = any(c.conkey[2:]))
                                 <@ $1::text[])
               ) as indexed
        from pg_constraint c
        join pg_namespace n on n.oid = c.connamespace
        where n.nspname = 'deals' and c.contype = 'f'
          and c.conrelid in (select oid from pg_class where relkind in ('r', 'p') and relispartition = false)
        """,
        sorted(set(citus.load_plan(citus.plan_path("deals")).distributed.values())),  # the tenant columns
    )
    assert len(rows) >= 20
    unindexed = [r["conname"] for r in rows if not r["indexed"]]
    assert unindexed == []
    # 'a' is NO ACTION, the default when ON DELETE is not stated.
    assert [r["conname"] for r in rows if r["confdeltype"] == "a"] == []
    assert all(r["conname"].startswith("fk_") for r in rows)


async def test_every_table_with_updated_at_has_the_trigger(conn: Connection) -> None:
    missing = await conn.fetch(
        """
        select c.relname
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'updated_at'
        where n.nspname = 'deals' and c.relkind = 'r'
          and not exists (
              select 1 from pg_trigger t
              where t.tgrelid = c.oid and t.tgfoid = 'core.set_updated_at()'::regprocedure
          )
        """
    )
    assert [r["relname"] for r in missing] == []


async def test_updated_at_moves_on_update(conn: Connection) -> None:
    deal = await make_deal(conn)
    await conn.execute("update deals.deals set updated_at = '2000-01-01' where id = $1", deal.id)
    await conn.execute("update deals.deals set title = 'renamed' where id = $1", deal.id)
    stamped = await conn.fetchval("select updated_at from deals.deals where id = $1", deal.id)
    assert stamped.year > 2000


async def test_price_tracking_has_the_current_month_three_ahead_and_a_default(conn: Connection) -> None:
    names = [
        r[0]
        for r in await conn.fetch(
            """
            select c.relname
            from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'deals.price_tracking'::regclass
            order by c.relname
            """
        )
    ]
    now = datetime.now(UTC)
    expected = []
    year, month = now.year, now.month
    for _ in range(4):
        expected.append(f"price_tracking_p{year:04d}_{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    assert names == sorted([*expected, "price_tracking_default"])
    key = await conn.fetchval(
        "select pg_get_constraintdef(oid) from pg_constraint where conname = 'pk_price_tracking'"
    )
    assert key == "PRIMARY KEY (id, tracked_at, user_id)"  # the tenant in the key (0217)


async def test_a_price_outside_the_premade_months_lands_in_the_default_partition(conn: Connection) -> None:
    deal = await make_deal(conn)
    for when in (datetime(1999, 6, 15, tzinfo=UTC), datetime(2999, 1, 1, tzinfo=UTC)):
        partition = await conn.fetchval(
            """
            insert into deals.price_tracking (deal_id, price, source, tracked_at)
            values ($1, 10, 'manual', $2)
            returning tableoid::regclass::text
            """,
            deal.id,
            when,
        )
        assert partition == "deals.price_tracking_default"
    current = await conn.fetchval(
        "select tableoid::regclass::text from deals.price_tracking where deal_id = $1 and price = $2",
        deal.id,
        deal.current_price,
    )
    assert current.startswith("deals.price_tracking_p")


async def test_seed_constraint_names_exist(conn: Connection) -> None:
    names = {
        r[0]
        for r in await conn.fetch(
            "select conname from pg_constraint where connamespace = 'deals'::regnamespace"
        )
    }
    for name in [
        "ch_positive_balance",
        "uq_users_email",
        "uq_users_sol_address",
        "uq_users_referral_code",
        "uq_user_settings_user_id",
        "uq_market_data_symbol_source",
        "ex_token_pricing_service_type_validity",
    ]:
        assert name in names
    indexes = {r[0] for r in await conn.fetch("select indexname from pg_indexes where schemaname = 'deals'")}
    for index in [
        "ix_users_email_status",
        "ix_goals_user_status",
        "ix_deals_goal_status",
        "ix_deals_product_specs",
        "ix_price_tracking_deal",
        "ix_notifications_user_id_created_at_unread",
        "ix_goals_category_max_budget_active",
        "ix_auth_tokens_user_id_active",
        "ix_token_pricing_validity",
        "ix_model_metrics_name_version",
    ]:
        assert index in indexes


@pytest.mark.parametrize(
    ("target", "needs"),
    [
        # 0162 replaces the index 0027 made (without naming it: "index uq_token_transactions_tx_hash
        # does not exist"); 0168's foreign key names deals' unique index of 0142.
        ("0162_deals_hash_keys", "0027_deals_token_transactions_hash_unique"),
        ("0168_deals_deal_activities_tenant_key", "0142_deals_deals_tenant_key_index"),
    ],
)
async def test_a_key_swap_applies_alone_on_an_empty_database(
    empty_db_url: str, target: str, needs: str
) -> None:
    # `up(target=...)` applies only the target's dependencies, so they must name what it changes.
    migrator = Migrator(empty_db_url, domains=["deals"])
    applied = migrator.up(target=target).applied
    assert needs in applied
    assert applied[-1] == target
