"""easyflow: the data layer of Easy Flow (seed 003), schema ``easyflow``.

from sqlfirst.easyflow import users, platforms, integrations, credentials, conversations, messages, ...

The seed's Redis keys that hold data live in Postgres: ``session:`` is :mod:`.conversations`,
``queue:sync_orders`` is :mod:`.sync_logs` (a SKIP LOCKED claim), ``queue:send_messages`` is
:mod:`.outbound`, ``metrics:`` is :mod:`.metrics`. ``user:``/``integration:`` caches and ``ratelimit:``
stay in the application.
"""

from . import (
    conversations,
    credentials,
    errors,
    integrations,
    messages,
    metrics,
    models,
    outbound,
    platforms,
    sync_logs,
    users,
)

__all__ = [
    "conversations",
    "credentials",
    "errors",
    "integrations",
    "messages",
    "metrics",
    "models",
    "outbound",
    "platforms",
    "sync_logs",
    "users",
]
