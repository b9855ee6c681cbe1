"""What the domains' isolation tests share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import pytest

from sqlfirst.db import Connection, Database
from sqlfirst.errors import PermissionDenied


async def assert_each_refused(
    db: Database, attempts: Iterable[Callable[[Connection], Awaitable[Any]]], acting: Iterable[object | None]
) -> None:
    """Each attempt, in a transaction of its own acting for each of ``acting``, raises PermissionDenied."""
    users = tuple(acting)
    for attempt in attempts:
        for user in users:
            with pytest.raises(PermissionDenied):
                async with db.transaction(as_user=user) as conn:
                    await attempt(conn)
