"""What a deals run leaves behind, removed after the contests."""

from __future__ import annotations

from typing import Any


async def cleanup(conn: Any) -> None:
    """Remove the catalogue rows the insert workloads add, so repeated runs keep the dataset's shape."""
    await conn.execute("delete from deals.markets where name like 'bench-%'")
    await conn.execute("delete from deals.agents where name like 'bench-%'")
    await conn.execute("delete from deals.model_metrics where model_version like 'bench-%'")
    await conn.execute("delete from deals.token_pricing where service_type like 'bench-%'")
    await conn.execute("delete from deals.users where email like 'prep%@bench.example.com'")
    await conn.execute("delete from deals.users where email like 'new%@bench.example.com'")
