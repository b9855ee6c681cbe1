"""The user the current task acts for: one context for the whole package.

A request handler, a job or a script names the user it acts for with :func:`acting_user` (per
request in FastAPI: :func:`sqlfirst.fastapi.acting_user`); everything below reads it from here with
:func:`current_user`: the slow-query log of :mod:`sqlfirst.monitoring` names it, and
:meth:`Database.transaction <sqlfirst.db.Database.transaction>` makes it the transaction's acting
user for row-level security (unless given ``as_user``). It lives in a
``ContextVar``, so concurrent requests (tasks) never see each other's user, and it is restored when
the block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["ACTING_USER", "acting_user", "current_user"]

ACTING_USER: ContextVar[object | None] = ContextVar("sqlfirst_acting_user", default=None)
"""The id of the user the current task acts for, or None (set by :func:`acting_user`)."""


@contextmanager
def acting_user(user: object | None) -> Iterator[None]:
    """Act for ``user`` (the user's id; None: nobody) inside the block, in this task only."""
    token = ACTING_USER.set(user)
    try:
        yield
    finally:
        ACTING_USER.reset(token)


def current_user() -> object | None:
    """The id of the user the current task acts for, or None."""
    return ACTING_USER.get()
