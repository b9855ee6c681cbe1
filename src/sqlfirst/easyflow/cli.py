"""``sqlfirst easyflow ...``: operator commands of the easyflow domain.

``rotate-keys`` re-seals every integration's credentials under the key ring's current key (see
:func:`sqlfirst.easyflow.credentials.rotate_keys`): one transaction per batch, resumable, safe to run
while the service writes. It acts as ``sqlfirst_worker`` (the login must be that role or a member
of it): only that role may read sealed credentials (migration 0077). The key ring comes from
``SQLFIRST_EASYFLOW_KEYS`` / ``SQLFIRST_EASYFLOW_CURRENT_KEY``; nothing secret is printed.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from sqlfirst.db import create_pool
from sqlfirst.errors import SqlfirstError
from sqlfirst.settings import Settings

from .credentials import KeyRing, RotationReport, rotate_keys

__all__ = ["WORKER_ROLE", "app"]

WORKER_ROLE = "sqlfirst_worker"

app = typer.Typer(help="Easy Flow (seed 003) operations: credential key rotation.", no_args_is_help=True)
_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


async def _rotate(url: str | None, batch_size: int) -> tuple[KeyRing, RotationReport]:
    keys = KeyRing.from_env()
    settings = Settings.from_env()
    if url:
        settings = settings.with_(database_url=url)
    # Credentials are the worker's (0077): the rotation acts as sqlfirst_worker whatever SQLFIRST_ROLE says.
    pool = await create_pool(settings.with_(min_size=1, max_size=2, role=WORKER_ROLE))
    try:
        return keys, await rotate_keys(pool, keys, batch_size=batch_size)
    finally:
        await pool.close()


@app.command("rotate-keys")
def rotate_keys_command(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", envvar="DATABASE_URL", help="Default: DATABASE_URL, PG*, embedded server."
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Integrations per transaction.")
    ] = 500,
) -> None:
    """Re-encrypt every integration's credentials under the current key, batch by batch."""
    try:
        keys, report = asyncio.run(_rotate(database_url, batch_size))
    except SqlfirstError as exc:
        _err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    _out.print(
        f"re-encrypted {report.rekeyed} integration(s) in {report.batches} batch(es) "
        f"under key {keys.current!r}; {report.remaining} still under another key"
    )
    if report.remaining:
        _err.print("some integrations were written under an old key meanwhile: run rotate-keys again")
        raise typer.Exit(2)
