"""Migrations through yoyo: the whole chain, and one domain without the others."""

from __future__ import annotations

import asyncpg
import pytest

from sqlfirst import paths
from sqlfirst.errors import ConfigurationError
from sqlfirst.migrate import Migrator, dump_schema


async def test_up_reset_up_leaves_the_same_schema(empty_db_url: str) -> None:
    migrator = Migrator(empty_db_url)
    applied = migrator.up().applied
    assert applied[:3] == ["0001_core_schema", "0002_core_partitions", "0010_agent_hub_schema"]
    first = dump_schema(empty_db_url)
    assert "CREATE TABLE agent_hub.events" in first
    assert migrator.reset() == list(reversed(applied))
    bare = dump_schema(empty_db_url)
    assert "agent_hub" not in bare
    assert "core." not in bare
    assert migrator.up().applied == applied
    assert dump_schema(empty_db_url) == first


async def test_a_single_domain_installs_without_the_others(empty_db_url: str) -> None:
    applied = Migrator(empty_db_url, domains=["agent_hub"]).up().applied
    agent_hub, core = (
        sorted(
            p.stem
            for p in paths.migrations_dir().glob(f"*_{domain}_*.sql")
            if not p.name.endswith(".rollback.sql")
        )
        for domain in ("agent_hub", "core")
    )
    assert applied == sorted([*core, *agent_hub])
    assert core[:2] == ["0001_core_schema", "0002_core_partitions"] and "0070_core_roles" in core
    assert agent_hub[0] == "0010_agent_hub_schema"
    conn = await asyncpg.connect(empty_db_url)
    try:
        schemas = {r[0] for r in await conn.fetch("select nspname from pg_namespace")}
        # The roles migration runs after the domain's and grants on what it made.
        assert await conn.fetchval("select has_table_privilege('sqlfirst_app', 'agent_hub.agents', 'select')")
    finally:
        await conn.close()
    assert {"core", "agent_hub"} <= schemas


def test_an_unknown_domain_is_a_configuration_error(empty_db_url: str) -> None:
    with pytest.raises(ConfigurationError, match="no migrations for domain"):
        Migrator(empty_db_url, domains=["nope"]).up()
