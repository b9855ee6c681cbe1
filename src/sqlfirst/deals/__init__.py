"""deals: the data layer of the AI Agentic Deals System (seed 002), schema ``deals``.

from sqlfirst.deals import users, goals, deals, tokens, price_tracking, notifications, ...
"""

from . import (
    agents,
    auth_tokens,
    chat_messages,
    deal_activities,
    deal_scores,
    deals,
    errors,
    goals,
    market_data,
    markets,
    model_metrics,
    models,
    notifications,
    price_tracking,
    task_activities,
    tasks,
    token_pricing,
    tokens,
    user_settings,
    users,
)

__all__ = [
    "agents",
    "auth_tokens",
    "chat_messages",
    "deal_activities",
    "deal_scores",
    "deals",
    "errors",
    "goals",
    "market_data",
    "markets",
    "model_metrics",
    "models",
    "notifications",
    "price_tracking",
    "task_activities",
    "tasks",
    "token_pricing",
    "tokens",
    "user_settings",
    "users",
]
