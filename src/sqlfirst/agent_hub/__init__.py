"""agent_hub: the data layer of the Pydantic AI agent service (seed 004), schema ``agent_hub``.

from sqlfirst.agent_hub import users, agents, sessions, events, marketplace
"""

from . import agents, events, marketplace, models, sessions, users

__all__ = ["agents", "events", "marketplace", "models", "sessions", "users"]
