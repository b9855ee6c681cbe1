"""The Citus plan of each domain holds against the live catalog (Citus itself is not installed)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sqlfirst import citus, docs, paths
from sqlfirst.bench.registry import budget_tables
from sqlfirst.db import Connection
from sqlfirst.errors import ConfigurationError

DOMAINS = [d for d in paths.domains() if citus.plan_path(d).exists()]


def test_the_planned_domains_have_a_plan() -> None:
    assert {"agent_hub", "ai_seo", "deals", "devskyy", "easyflow"} <= set(DOMAINS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_plan_covers_every_schema_its_domain_creates(domain: str) -> None:
    plan = citus.load_plan(citus.plan_path(domain))
    assert list(plan.schemas) == docs.domain_schemas(domain)


@pytest.mark.parametrize("domain", DOMAINS)
async def test_every_table_is_placed_and_every_break_of_citus_rules_is_documented(
    conn: Connection, domain: str
) -> None:
    plan = citus.load_plan(citus.plan_path(domain))
    assert await citus.unclassified_tables(conn, plan) == []
    found = await citus.violations(conn, plan)
    assert sorted(found) == sorted(plan.deviations), (
        "violations of Citus' rules must equal the plan's deviations"
    )
    assert all(reason.strip() for reason in plan.deviations.values())
    assert all(reason.strip() for reason in plan.local.values())


async def test_the_check_finds_what_citus_refuses(conn: Connection) -> None:
    plan = citus.Plan(
        domain="probe",
        schema="cp",
        distributed={"tenant_rows": "tenant_id", "other_rows": "tenant_id", "no_col": "tenant_id"},
        colocation={"tenant_rows": "a", "other_rows": "b", "no_col": "a"},
        reference=("lookup",),
        local={"side": "probe"},
        deviations={},
    )
    await conn.execute(
        """
        create schema cp;
        create table cp.tenant_rows (tenant_id int, id int, primary key (id), unique (tenant_id, id));
        create table cp.other_rows (tenant_id int, id int, parent int, primary key (tenant_id, id),
            foreign key (tenant_id, parent) references cp.tenant_rows (tenant_id, id));
        create table cp.no_col (id int primary key);
        create table cp.lookup (id int primary key, row_id int references cp.tenant_rows (id));
        create table cp.side (id int primary key, row_id int references cp.tenant_rows (id));
        alter table cp.other_rows add column code text, add column active bool;
        create unique index uq_other_rows_code on cp.other_rows (code);
        create unique index uq_other_rows_active_code on cp.other_rows (code) where active;
        create unique index uq_other_rows_lower_code on cp.other_rows (lower(code));
        create unique index uq_other_rows_tenant_id_code on cp.other_rows (tenant_id, code) where active;
        create unique index uq_other_rows_lower_code_tenant_id on cp.other_rows (lower(code), tenant_id);
        create index ix_other_rows_code on cp.other_rows (code);
        create unique index uq_lookup_row_id on cp.lookup (row_id);
        alter table cp.other_rows add column owner int,
            add constraint fk_other_rows_owner_null foreign key (tenant_id) references cp.lookup (id)
                on delete set null,
            add constraint fk_other_rows_owner_moves foreign key (tenant_id) references cp.lookup (id)
                on update cascade,
            add constraint fk_other_rows_owner_cascade foreign key (tenant_id) references cp.lookup (id)
                on delete cascade,
            add constraint fk_other_rows_owner_default foreign key (owner) references cp.lookup (id)
                on delete set default;
        -- Citus refuses a subquery in a policy of any of its tables, a scalar (select f()) included
        create policy p_scalar on cp.tenant_rows using (tenant_id = (select 1));
        create policy p_exists on cp.lookup for insert with check (exists (select from cp.tenant_rows));
        create policy p_in on cp.other_rows using (id in (select id from cp.tenant_rows));
        create policy p_plain on cp.other_rows for update using (tenant_id = 1) with check (tenant_id = 1);
        create policy p_local on cp.side using (exists (select from cp.lookup));
        """
    )
    found = await citus.violations(conn, plan)
    assert {(v.rule, v.table, v.constraint) for v in found} == {
        ("missing_column", "no_col", "tenant_id"),
        ("unique", "no_col", "no_col_pkey"),
        ("unique", "tenant_rows", "tenant_rows_pkey"),
        ("colocation", "other_rows", "other_rows_tenant_id_parent_fkey"),
        ("reference_to_distributed", "lookup", "lookup_row_id_fkey"),
        ("local_to_distributed", "side", "side_row_id_fkey"),
        # unique indexes (partial and on expressions too) must hold the distribution column as a key
        ("unique_index", "other_rows", "uq_other_rows_code"),
        ("unique_index", "other_rows", "uq_other_rows_active_code"),
        ("unique_index", "other_rows", "uq_other_rows_lower_code"),
        # the distribution column is never NULL, and no foreign key holding it may set it so
        ("nullable_column", "tenant_rows", "tenant_id"),
        ("foreign_key_action", "other_rows", "fk_other_rows_owner_null"),
        ("foreign_key_action", "other_rows", "fk_other_rows_owner_moves"),
        # subqueries in policies of distributed and reference tables (a local table's stay Postgres')
        ("policy_subquery", "tenant_rows", "p_scalar"),
        ("policy_subquery", "lookup", "p_exists"),
        ("policy_subquery", "other_rows", "p_in"),
    }
    commands = citus.sql_commands(plan)
    assert "select create_reference_table('cp.lookup');" in commands
    assert (
        "select create_distributed_table('cp.no_col', 'tenant_id', colocate_with => 'cp.tenant_rows');"
        in commands
    )


async def test_a_plan_spans_schemas_naming_the_others_tables_with_their_schema(conn: Connection) -> None:
    plan = citus.Plan(
        domain="probe",
        schema="cp",
        distributed={"tenants": "id", "cpx.events": "tenant_id"},
        colocation={"tenants": "t", "cpx.events": "t"},
        reference=(),
        local={},
        deviations={},
        extra_schemas=("cpx",),
    )
    await conn.execute(
        """
        create schema cp;
        create schema cpx;
        create table cp.tenants (id int primary key);
        create table cpx.events (tenant_id int not null references cp.tenants (id), id int primary key);
        create table cpx.unplaced (id int);
        create table cp.events (id int primary key, event_id int references cpx.events (id));
        """
    )
    assert await citus.unclassified_tables(conn, plan) == ["events", "cpx.unplaced"]
    assert {(v.rule, v.table, v.constraint) for v in await citus.violations(conn, plan)} == {
        ("unique", "cpx.events", "events_pkey"),
    }
    placed = dataclasses.replace(plan, local={"events": "points at a distributed table of the other schema"})
    assert await citus.unclassified_tables(conn, placed) == ["cpx.unplaced"]
    assert {(v.rule, v.table, v.constraint) for v in await citus.violations(conn, placed)} == {
        ("unique", "cpx.events", "events_pkey"),
        ("local_to_distributed", "events", "events_event_id_fkey"),
    }
    assert citus.sql_commands(plan) == [
        "select create_distributed_table('cp.tenants', 'id');",
        "select create_distributed_table('cpx.events', 'tenant_id', colocate_with => 'cp.tenants');",
    ]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_hot_query_pins_the_distribution_column_or_is_marked_cross_shard(domain: str) -> None:
    plan = citus.load_plan(citus.plan_path(domain))
    hot = {name for name, spec in budget_tables().get(domain, {}).items() if "p95_ms" in spec}
    assert set(plan.cross_shard) <= set(citus.named_queries(domain)), "a cross-shard mark names no query"
    assert citus.unrouted_queries(plan, hot) == set(plan.cross_shard)
    assert all(reason.strip() for reason in plan.cross_shard.values())


def test_a_query_pins_the_column_by_equality_in_or_its_insert_list() -> None:
    plan = citus.Plan("d", "s", {"t": "tenant_id"}, {"t": "a"}, (), {}, {})
    assert citus.pins_column("select * from s.t where tenant_id = :u and id = :id", "tenant_id")
    assert citus.pins_column("update s.t x set a = 1 where x.tenant_id = any(:ids)", "tenant_id")
    assert citus.pins_column("insert into s.t (id, tenant_id) values (:id, :u)", "tenant_id")
    assert not citus.pins_column("select tenant_id from s.t where id = :id", "tenant_id")
    upsert = "insert into s.t as x (tenant_id, n) values (:u, 1) on conflict do nothing"
    assert citus.pins_column(upsert, "tenant_id")
    insert_then_read = "insert into s.log (tenant_id) select tenant_id from s.t where id = :id"
    assert citus.pins_column(insert_then_read, "tenant_id", table="s.log")
    assert not citus.pins_column(insert_then_read, "tenant_id", table="s.t")
    assert citus.pins_column("select 1 from s.t where :u = tenant_id", "tenant_id")
    assert citus.pins_column("select 1 from s.t where tenant_id = $1", "tenant_id")
    assert citus.pins_column("select 1 from s.t where tenant_id = (select core.me())", "tenant_id")
    # A join of two tables on the column pins neither: a claim from a queue of every tenant's rows.
    claim = (
        "with q as (select id, tenant_id from s.q limit 5)"
        " select * from q join s.t on t.tenant_id = q.tenant_id"
    )
    assert not citus.pins_column(claim, "tenant_id")
    assert not citus.pins_column("select 1 from s.t where other_tenant_id = :u", "tenant_id")
    assert plan.distributed["t"] == "tenant_id"


def test_a_statement_is_routed_only_when_every_distributed_table_it_names_is_pinned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "q.sql").write_text(
        "-- name: by_tenant(u)\nselect id from s.t where tenant_id = :u;\n"
        "-- name: copy_by_id(id)!\ninsert into s.log (tenant_id) select tenant_id from s.t where id = :id;\n"
        "-- name: log_row(u)!\ninsert into s.log (tenant_id) values (:u);\n"
        "-- name: local_only(id)\nselect id from s.side where id = :id;\n"
        "-- name: by_id(id)\nselect id from s.t where id = :id;\n"
    )
    monkeypatch.setenv("SQLFIRST_SQL_DIR", str(tmp_path))
    plan = citus.Plan("d", "s", {"t": "tenant_id", "log": "tenant_id"}, {"t": "a", "log": "a"}, (), {}, {})
    hot = {"by_tenant", "copy_by_id", "log_row", "local_only"}
    assert citus.unrouted_queries(plan, hot) == {"copy_by_id"}


def test_a_call_of_a_domain_function_is_routed_only_when_it_passes_the_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A function hides the tables it touches from the query text: its body (and the bodies of the
    functions it calls) is read from the schema snapshot, and a call reaching a distributed table
    must pass that table's column."""
    (tmp_path / "sql" / "d").mkdir(parents=True)
    (tmp_path / "sql" / "d" / "q.sql").write_text(
        "-- name: delete_by_id(id)$\nselect s.delete_t(:id);\n"
        "-- name: spend(u, amount)$\nselect * from s.spend(:tenant_id, :amount);\n"
        "-- name: spend_by_id(id, amount)$\nselect * from s.spend_via(:id, :amount);\n"
        "-- name: label(x)$\nselect s.label(:x);\n"
    )
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "schema.sql").write_text(
        "CREATE FUNCTION s.delete_t(p_id uuid) RETURNS integer\n    LANGUAGE plpgsql\n    AS $$\nbegin\n"
        "    delete from s.t where id = p_id;\n    return 1;\nend;\n$$;\n\n"
        "CREATE FUNCTION s.spend(p_tenant uuid, p_amount numeric) RETURNS numeric\n    LANGUAGE sql\n"
        "    AS $_$ update s.t set n = n - $2 where tenant_id = $1 returning n $_$;\n\n"
        "CREATE FUNCTION s.spend_via(p_id uuid, p_amount numeric) RETURNS numeric\n    LANGUAGE sql\n"
        "    AS $$ select s.spend(p_id, p_amount) $$;\n\n"
        "CREATE FUNCTION s.label(text) RETURNS text\n    LANGUAGE sql IMMUTABLE\n"
        "    AS $$ select upper($1) $$;\n"
    )
    monkeypatch.setenv("SQLFIRST_SQL_DIR", str(tmp_path / "sql"))
    monkeypatch.setenv("SQLFIRST_MIGRATIONS_DIR", str(tmp_path / "migrations"))
    plan = citus.Plan("d", "s", {"t": "tenant_id"}, {"t": "a"}, (), {}, {})
    assert set(citus.function_bodies(("s",))) == {"s.delete_t", "s.spend", "s.spend_via", "s.label"}
    hot = {"delete_by_id", "spend", "spend_by_id", "label"}
    assert citus.unrouted_queries(plan, hot) == {"delete_by_id", "spend_by_id"}


def test_function_bodies_read_sql_standard_bodies_and_calls_ignore_literals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body ends where its own function does (a BEGIN ATOMIC or RETURN body does not run into the
    next function's), and a parenthesis, a parameter or a filter inside a string literal or a
    comment of a query is not code."""
    (tmp_path / "sql" / "d").mkdir(parents=True)
    (tmp_path / "sql" / "d" / "q.sql").write_text(
        "-- name: atomic(id)$\nselect s.atomic_one(:id);\n"
        "-- name: returned(id)$\nselect s.label(:id);\n"
        "-- name: in_a_literal(id)$\nselect s.delete_t(:id, ':tenant_id');\n"
        "-- name: in_a_comment(id)$\nselect s.delete_t(:id /* , :tenant_id */);\n"
        "-- name: after_a_paren(id)$\nselect s.delete_t(:id, ')', :tenant_id);\n"
        "-- name: in_an_e_literal(id)$\nselect s.delete_t(:id, E'it\\'s (') || :tenant_id;\n"
        "-- name: filter_in_a_comment(id)$\n"
        "select 1 from s.t where id = :id /* and tenant_id = :tenant_id */;\n"
    )
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "schema.sql").write_text(
        "CREATE FUNCTION s.atomic_one(p_id uuid) RETURNS integer\n    LANGUAGE sql\n"
        "BEGIN ATOMIC\n SELECT 1 FROM s.other WHERE (other.id = atomic_one.p_id);\nEND;\n\n"
        "CREATE FUNCTION s.label(p_id uuid) RETURNS text\n    LANGUAGE sql IMMUTABLE\n"
        "    RETURN (p_id)::text;\n\n"
        "COMMENT ON FUNCTION s.label(p_id uuid) IS 'no table';\n\n"
        "CREATE FUNCTION s.delete_t(p_id uuid, p_note text DEFAULT 'AS $$') RETURNS integer\n"
        "    LANGUAGE plpgsql\n    SET search_path TO 'pg_catalog'\n"
        "    AS $_$\nbegin\n    delete from s.t where id = p_id;\n    return 1;\nend;\n$_$;\n"
    )
    monkeypatch.setenv("SQLFIRST_SQL_DIR", str(tmp_path / "sql"))
    monkeypatch.setenv("SQLFIRST_MIGRATIONS_DIR", str(tmp_path / "migrations"))
    bodies = citus.function_bodies(("s",))
    assert "s.t" not in bodies["s.atomic_one"][0]
    assert "s.t" not in bodies["s.label"][0]
    assert "delete from s.t" in bodies["s.delete_t"][0]
    plan = citus.Plan("d", "s", {"t": "tenant_id"}, {"t": "a"}, (), {}, {})
    hot = {"atomic", "returned", "in_a_literal", "in_a_comment", "after_a_paren", "in_an_e_literal"}
    hot.add("filter_in_a_comment")
    assert citus.unrouted_queries(plan, hot) == {
        "in_a_literal",
        "in_a_comment",
        "in_an_e_literal",
        "filter_in_a_comment",
    }


def test_the_routing_check_needs_a_schema_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "migrations").mkdir()
    monkeypatch.setenv("SQLFIRST_MIGRATIONS_DIR", str(tmp_path / "migrations"))
    with pytest.raises(ConfigurationError, match="sqlfirst migrate dump"):
        citus.function_bodies(("s",))
