"""devskyy: the data layer of the DevSkyy platform (seed 001), schema ``devskyy``.

from sqlfirst.devskyy import users, products, orders, round_table, agent_executions, tool_executions, rag
"""

from . import (
    agent_executions,
    errors,
    models,
    orders,
    products,
    rag,
    round_table,
    tool_executions,
    users,
)

__all__ = [
    "agent_executions",
    "errors",
    "models",
    "orders",
    "products",
    "rag",
    "round_table",
    "tool_executions",
    "users",
]
