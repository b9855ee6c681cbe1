"""The business errors the devskyy database functions raise, registered with :mod:`sqlfirst.errors`.

SQLSTATEs SF040-SF049 belong to devskyy (migrations 0040-0049). Each type is a
:class:`sqlfirst.errors.DatabaseError`, so callers catching sqlfirst's errors catch these too.
"""

from __future__ import annotations

from sqlfirst.errors import DatabaseError, register_sqlstate

__all__ = [
    "INVALID_TRANSITION_SQLSTATE",
    "OUT_OF_STOCK_SQLSTATE",
    "PRODUCT_UNAVAILABLE_SQLSTATE",
    "VECTOR_UNAVAILABLE_SQLSTATE",
    "InvalidTransition",
    "OutOfStock",
    "ProductUnavailable",
    "VectorSearchUnavailable",
]

OUT_OF_STOCK_SQLSTATE = "SF040"
PRODUCT_UNAVAILABLE_SQLSTATE = "SF041"
INVALID_TRANSITION_SQLSTATE = "SF042"
VECTOR_UNAVAILABLE_SQLSTATE = "SF043"


class OutOfStock(DatabaseError):
    """An order wants more of a product than is in stock (SQLSTATE SF040); nothing was written.

    ``detail`` reads ``product_id=... available=... wanted=...``.
    """


class ProductUnavailable(DatabaseError):
    """An order names a product that does not exist or is not published (SQLSTATE SF041)."""


class InvalidTransition(DatabaseError):
    """A status change the lifecycle forbids (SQLSTATE SF042): a completed or cancelled order, a
    finished agent execution."""


class VectorSearchUnavailable(DatabaseError):
    """The server has no pgvector (extension ``vector`` in schema ``core``), so embeddings can be
    neither stored nor searched (SQLSTATE SF043)."""


register_sqlstate(OUT_OF_STOCK_SQLSTATE, OutOfStock)
register_sqlstate(PRODUCT_UNAVAILABLE_SQLSTATE, ProductUnavailable)
register_sqlstate(INVALID_TRANSITION_SQLSTATE, InvalidTransition)
register_sqlstate(VECTOR_UNAVAILABLE_SQLSTATE, VectorSearchUnavailable)
