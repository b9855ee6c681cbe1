"""The business errors the deals database raises (SQLSTATE class SF), registered with sqlfirst.errors.

Each is a :class:`~sqlfirst.errors.DatabaseError`: ``sqlstate`` and the server's message are kept,
the driver error is the ``__cause__``.
"""

from __future__ import annotations

from sqlfirst.errors import DatabaseError, register_sqlstate

__all__ = [
    "GOAL_MATCH_LIMIT_SQLSTATE",
    "GOAL_TOKEN_LIMIT_SQLSTATE",
    "ILLEGAL_TRANSITION_SQLSTATE",
    "UNKNOWN_TRANSACTION_SQLSTATE",
    "GoalMatchLimitReached",
    "GoalTokenLimitExceeded",
    "IllegalTransition",
]

GOAL_MATCH_LIMIT_SQLSTATE = "SF201"
GOAL_TOKEN_LIMIT_SQLSTATE = "SF202"  # noqa: S105 (a SQLSTATE, not a secret)
ILLEGAL_TRANSITION_SQLSTATE = "SF203"
UNKNOWN_TRANSACTION_SQLSTATE = "SF204"
"""Raised by ``deals.complete_token_transaction`` for an unknown id (reported as NotFound)."""


class GoalMatchLimitReached(DatabaseError):
    """A deal was recorded for a goal that already has ``max_matches`` deals (SQLSTATE SF201)."""


class GoalTokenLimitExceeded(DatabaseError):
    """A deduction would take a goal's ``total_tokens_spent`` past its ``max_tokens`` (SQLSTATE SF202)."""


class IllegalTransition(DatabaseError):
    """A status change the lifecycle does not allow, refused by the database (SQLSTATE SF203)."""


register_sqlstate(GOAL_MATCH_LIMIT_SQLSTATE, GoalMatchLimitReached)
register_sqlstate(GOAL_TOKEN_LIMIT_SQLSTATE, GoalTokenLimitExceeded)
register_sqlstate(ILLEGAL_TRANSITION_SQLSTATE, IllegalTransition)
