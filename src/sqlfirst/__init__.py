"""sqlfirst: async, SQL-first data access for PostgreSQL — named queries, typed Pydantic results.

db = await sqlfirst.connect()
async with db.transaction() as conn:
    user = await sqlfirst.agent_hub.users.get_by_id(conn, id=user_id)
"""

from sqlfirst import errors
from sqlfirst.binding import SqlFile
from sqlfirst.bulk import copy_models
from sqlfirst.db import Connection, Database, Executor, connect, connect_one, create_pool, retry_transaction
from sqlfirst.settings import Settings

__all__ = [
    "Connection",
    "Database",
    "Executor",
    "Settings",
    "SqlFile",
    "connect",
    "connect_one",
    "copy_models",
    "create_pool",
    "errors",
    "retry_transaction",
]
__version__ = "0.1.0"
