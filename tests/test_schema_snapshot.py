"""The committed schema snapshot, and every migration's rollback, proved against pg_dump."""

from __future__ import annotations

import difflib
import os
import re

import asyncpg
import pytest
import sqlparse

from sqlfirst import paths
from sqlfirst.migrate import Migrator, dump_schema, normalize_schema_dump
from sqlfirst.migrate.files import statements

SNAPSHOT = paths.migrations_dir() / "schema.sql"

# The snapshot is dumped where pgvector exists (the embedded PostgreSQL 16). On a server without it
# the migrations leave out exactly these: the extension, the embedding column and its HNSW index.
_PGVECTOR_ONLY = re.compile(
    r"^CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA core;\n\n"
    r"|^COMMENT ON EXTENSION vector IS .*\n\n"
    r"|^    embedding core\.vector\(384\),?\n"
    r"|^CREATE INDEX ix_rag_documents_embedding ON .*USING hnsw .*\n\n",
    re.MULTILINE,
)


def without_pgvector(snapshot: str) -> str:
    """The snapshot as a server without the pgvector extension dumps it."""
    return _PGVECTOR_ONLY.sub("", snapshot)


async def _has_pgvector(url: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        return bool(await conn.fetchval("select to_regtype('core.vector') is not null"))
    finally:
        await conn.close()


def _diff(expected: str, actual: str, expected_name: str, actual_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), expected_name, actual_name
        )
    )


async def test_fresh_migrations_produce_the_committed_schema(db_url: str) -> None:
    actual = dump_schema(db_url)
    expected = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
    if not await _has_pgvector(db_url):
        expected = without_pgvector(expected)
    assert actual == expected, (
        "migrations no longer produce migrations/schema.sql. If the change is intended, regenerate the "
        "snapshot with `sqlfirst migrate dump` and commit it.\n"
        + _diff(expected, actual, "migrations/schema.sql (committed)", "fresh migrations")
    )


_DATA_STATEMENTS = {"INSERT", "UPDATE", "DELETE"}


_CHECK = re.compile(r"select core\.refuse_shared_ids\('\w+'\)|lock table [\w., ]+ in [\w ]+ mode", re.I)
"""A check of the data (core.refuse_shared_ids, 0182) that raises or changes nothing, or a lock taken
before a fill (0211)."""


def _data_only(migration_id: str) -> bool:
    """Whether the migration only moves rows (a fill or a sweep) or checks them, so its schema is its
    predecessor's."""
    text = (paths.migrations_dir() / f"{migration_id}.sql").read_text(encoding="utf-8")
    return all(
        sqlparse.parse(s)[0].get_type() in _DATA_STATEMENTS or _CHECK.fullmatch(s.strip().rstrip(";"))
        for s in statements(text)
    )


def test_a_data_only_migration_is_told_from_one_that_changes_the_schema() -> None:
    assert _data_only("0106_easyflow_conversation_sessions_fill")
    assert _data_only("0107_easyflow_conversation_sessions_sweep")
    assert not _data_only("0105_easyflow_conversation_sessions")
    assert not _data_only("0109_easyflow_conversation_session_key")
    assert _data_only("0183_deals_shared_ids_refused")
    assert not _data_only("0176_deals_ids_chosen_by_the_database")  # its grants change the schema
    assert _data_only("0211_deals_deal_ids_fill")  # a lock, then a fill
    assert not _data_only("0212_deals_notification_deal_ids")  # a lock, then the keys


# A migration that asks what the server has (an extension, its version) does one thing on one server
# and another on the next: its round trip is the server's to check, not only the files'.
_ASKS_THE_SERVER = re.compile(r"pg_available_extensions|pg_extension|server_version|to_regtype", re.I)


def _round_tripped(order: list[str]) -> set[str]:
    """The migrations to round-trip: all, or with ``SQLFIRST_ROUND_TRIP=server-dependent`` (CI's second
    server, after the first ran them all) those that ask the server what it has."""
    if os.environ.get("SQLFIRST_ROUND_TRIP", "all") == "all":
        return set(order)
    assert os.environ["SQLFIRST_ROUND_TRIP"] == "server-dependent", os.environ["SQLFIRST_ROUND_TRIP"]
    folder = paths.migrations_dir()
    return {
        m
        for m in order
        if _ASKS_THE_SERVER.search(
            (folder / f"{m}.sql").read_text() + (folder / f"{m}.rollback.sql").read_text()
        )
    }


def test_the_second_server_round_trips_the_migrations_that_ask_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = sorted(
        p.name.removesuffix(".sql")
        for p in paths.migrations_dir().glob("[0-9][0-9][0-9][0-9]_*.sql")
        if not p.name.endswith(".rollback.sql")
    )
    monkeypatch.delenv("SQLFIRST_ROUND_TRIP", raising=False)
    assert _round_tripped(order) == set(order)
    monkeypatch.setenv("SQLFIRST_ROUND_TRIP", "server-dependent")
    found = _round_tripped(order)
    assert {"0040_devskyy_schema", "0041_devskyy_rules"} <= found  # pgvector where the server has it
    assert "0020_deals_schema" not in found


# What pg_dump --no-privileges leaves out of the snapshot, and a migration may change alone: who may
# do what on each table and column (a secret column, a column the database chooses). A column's
# privilege that its table's grants the same role already is left out: it changes nothing.
_PRIVILEGES = r"""
select c.oid::regclass::text || ': ' || string_agg(p.privilege, ' ' order by p.privilege)
  from pg_class as c
 cross join lateral (
        select e.grantee::regrole::text || '=' || e.privilege_type as privilege
          from aclexplode(c.relacl) as e
         where e.grantee <> c.relowner
        union all
        select a.attname || '.' || e.grantee::regrole::text || '=' || e.privilege_type
          from pg_attribute as a
         cross join lateral aclexplode(a.attacl) as e
         where a.attrelid = c.oid and a.attacl is not null and not a.attisdropped
           and not exists (select from aclexplode(c.relacl) as t  -- implied by the table's
                            where t.grantee = e.grantee and t.privilege_type = e.privilege_type)
       ) as p
 where c.relkind in ('r', 'p', 'v', 'm', 'S')
   and c.relnamespace::regnamespace::text not in ('pg_catalog', 'information_schema', 'pg_toast')
   and c.relname !~ '_p[0-9]{4}_[0-9]{2}(_[0-9]{2})?$'
 group by c.oid
 order by 1
"""


# From 0175 on, migrations set privileges of their own (core.database_chosen_columns), so their round
# trips compare privileges too. Earlier rollbacks restore what pg_dump shows but not always every
# grant (0079's leaves a partition it had secured without the app's grants), and are history.
PRIVILEGES_FROM = "0175"


async def _schema(url: str, migration_id: str) -> str:
    """The schema as pg_dump writes it, then (from :data:`PRIVILEGES_FROM` on) every table's and
    column's privileges."""
    if migration_id < PRIVILEGES_FROM:
        return dump_schema(url)
    conn = await asyncpg.connect(url)
    try:
        privileges = [r[0] for r in await conn.fetch(_PRIVILEGES)]
    finally:
        await conn.close()
    return dump_schema(url) + "-- privileges\n" + "\n".join(privileges) + "\n"


async def test_every_migration_applies_rolls_back_and_reapplies_to_the_same_schema(empty_db_url: str) -> None:
    # The suite's longest test (three dumps per migration). CI's second server round-trips only the
    # migrations that ask the server what it has (SQLFIRST_ROUND_TRIP=server-dependent) and applies
    # the others; the first server round-trips them all.
    migrator = Migrator(empty_db_url)
    order = [s.id for s in migrator.status()]
    assert order, "no migrations"
    selected = _round_tripped(order)
    before: str | None = None
    for migration_id in order:
        if migration_id not in selected:
            assert migrator.up(target=migration_id).applied == [migration_id]
            before = None
            continue
        # `before` is the previous migration's schema applied again, checked equal to its first
        # apply: dumped once, not twice (pg_dump is most of this test's time).
        if before is None or (migration_id >= PRIVILEGES_FROM) != ("-- privileges" in before):
            before = await _schema(empty_db_url, migration_id)
        assert migrator.up(target=migration_id).applied == [migration_id]
        applied = await _schema(empty_db_url, migration_id)
        if _data_only(migration_id):
            assert applied == before, f"{migration_id} only moves rows, yet changed the schema"
        else:
            assert applied != before, f"{migration_id} changed nothing in the schema"

        assert migrator.down() == [migration_id]
        rolled_back = await _schema(empty_db_url, migration_id)
        assert rolled_back == before, f"{migration_id}'s rollback does not restore the schema:\n" + _diff(
            before, rolled_back, "before", "after rollback"
        )

        migrator.up(target=migration_id)
        again = await _schema(empty_db_url, migration_id)
        assert again == applied, f"{migration_id} applied twice gives two schemas:\n" + _diff(
            applied, again, "first apply", "second apply"
        )
        before = again


async def test_dump_leaves_out_bookkeeping_and_clock_made_partitions(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(
            "create table public.readings (id bigint generated always as identity,"
            " taken_at timestamptz not null, primary key (id, taken_at)) partition by range (taken_at)"
        )
        await conn.execute("select core.register_partitioned_table('public.readings', 'taken_at')")
        partitions = await conn.fetchval(
            "select count(*) from pg_inherits where inhparent = 'public.readings'::regclass"
        )
    finally:
        await conn.close()
    assert partitions == 5  # default + this month + 3 ahead

    dump = dump_schema(db_url)
    assert "CREATE TABLE public.readings " in dump
    assert "CREATE TABLE public.readings_default " in dump
    assert not re.search(r"readings_p\d{4}_\d{2}", dump)
    assert "_yoyo" not in dump
    assert "sqlfirst_migration_checksums" not in dump
    assert "Dumped from" not in dump


def test_normalize_drops_what_varies_between_servers() -> None:
    raw = (
        "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.8\n"
        "SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\n\n"
        "CREATE SCHEMA core;\n\n\n\nALTER TABLE ONLY core.t ALTER COLUMN id SET (pg_attver=215899688);\n"
        "CREATE TABLE core.t (\n    id integer\n);\n\n"
    )
    assert normalize_schema_dump(raw) == "CREATE SCHEMA core;\n\nCREATE TABLE core.t (\n    id integer\n);\n"
