"""Every Postgres enum of a domain has a StrEnum with the same values in the same order, and back."""

from __future__ import annotations

import importlib
from enum import StrEnum

import pytest

from sqlfirst import paths
from sqlfirst.db import Connection

SCHEMAS = {
    "agent_hub": ["agent_hub"],
    "deals": ["deals"],
    "ai_seo": ["ai_seo", "analytics"],
    "devskyy": ["devskyy"],
    "easyflow": ["easyflow"],
}


def _key(name: str) -> str:
    """`EventAuthor`, `event_author` and `eventauthor` (the seeds' styles) are the same type."""
    return name.replace("_", "").lower()


@pytest.mark.parametrize("domain", paths.domains())
async def test_postgres_enums_and_python_enums_match(conn: Connection, domain: str) -> None:
    models = importlib.import_module(f"sqlfirst.{domain}.models")
    python = {
        _key(obj.__name__): [str(m.value) for m in obj]
        for obj in vars(models).values()
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
    }
    rows = await conn.fetch(
        """
        select t.typname, array_agg(e.enumlabel order by e.enumsortorder) as labels
        from pg_type t
        join pg_namespace n on n.oid = t.typnamespace
        join pg_enum e on e.enumtypid = t.oid
        where n.nspname = any($1::text[])
        group by t.typname
        """,
        SCHEMAS[domain],
    )
    database = {_key(r["typname"]): list(r["labels"]) for r in rows}
    assert database, f"no enum types in {SCHEMAS[domain]}"
    assert python == database
