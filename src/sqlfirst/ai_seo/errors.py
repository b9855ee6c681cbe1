"""The business errors of the ai_seo domain, raised by its database rules (SQLSTATE class SF).

Each is registered with :func:`sqlfirst.errors.register_sqlstate`, so any ai_seo call (or any
query a caller writes) that trips the rule raises the typed error, with ``constraint`` naming the
rule and the driver error as ``__cause__``.
"""

from __future__ import annotations

from sqlfirst.errors import DatabaseError, register_sqlstate

__all__ = [
    "ILLEGAL_CAMPAIGN_TRANSITION",
    "ILLEGAL_TASK_TRANSITION",
    "IllegalCampaignTransition",
    "IllegalTaskTransition",
]

ILLEGAL_TASK_TRANSITION = "SF031"
ILLEGAL_CAMPAIGN_TRANSITION = "SF032"


class IllegalTaskTransition(DatabaseError):
    """A task may only go pending -> in_progress | cancelled and in_progress -> completed | failed |
    cancelled, and a finished task never changes (SQLSTATE SF031, ``agent_tasks_lifecycle``)."""


class IllegalCampaignTransition(DatabaseError):
    """A campaign status change outside draft -> active -> paused / completed / cancelled
    (SQLSTATE SF032, ``campaigns_lifecycle``)."""


register_sqlstate(ILLEGAL_TASK_TRANSITION, IllegalTaskTransition)
register_sqlstate(ILLEGAL_CAMPAIGN_TRANSITION, IllegalCampaignTransition)
