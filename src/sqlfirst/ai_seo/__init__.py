"""ai_seo: the data layer of AI SEO Architects (seed 000), schemas ``ai_seo`` and ``analytics``.

from sqlfirst.ai_seo import users, sessions, agents, clients, campaigns, tasks, metrics, events, analytics
"""

from . import (
    agents,
    analytics,
    campaigns,
    clients,
    errors,
    events,
    metrics,
    models,
    sessions,
    tasks,
    users,
)

__all__ = [
    "agents",
    "analytics",
    "campaigns",
    "clients",
    "errors",
    "events",
    "metrics",
    "models",
    "sessions",
    "tasks",
    "users",
]
