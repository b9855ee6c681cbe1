"""Small builders for devskyy rows used across tests."""

from __future__ import annotations

import hashlib
import math
import secrets
from decimal import Decimal
from typing import Any

from sqlfirst.db import Executor
from sqlfirst.devskyy import products, users
from sqlfirst.devskyy.models import EMBEDDING_DIMENSIONS, Product, User

HOSTILE = [
    "Robert'); DROP TABLE devskyy.users;--",
    "\\x00 is not a NUL, it is four characters",
    "emoji 👩‍💻 and RTL \u202e text",
    "$1 :name %s {0} ${var} `rm -rf /`",
    "line\nbreak\ttab\r\nwindows",
    "<script>alert('x')</script> & \"quotes\"",
]


async def make_user(conn: Executor, **overrides: Any) -> User:
    tag = secrets.token_hex(4)
    fields: dict[str, Any] = {
        "email": f"user_{tag}@example.com",
        "username": f"user_{tag}",
        "password": "correct horse battery",
    }
    fields.update(overrides)
    return await users.create(conn, **fields)


async def make_product(conn: Executor, **overrides: Any) -> Product:
    fields: dict[str, Any] = {
        "sku": f"SKU-{secrets.token_hex(4)}",
        "name": "Silver ring",
        "price": Decimal("25.00"),
        "category": "Jewelry",
        "status": "published",
        "inventory_quantity": 10,
        "tags": ["premium"],
    }
    fields.update(overrides)
    return await products.create(conn, **fields)


def embedding_of(text: str) -> list[float]:
    """A deterministic unit vector for ``text`` (a bag of hashed words): texts sharing words point
    the same way, so nearest neighbours are predictable without a model."""
    vector = [0.0] * EMBEDDING_DIMENSIONS
    for word in text.lower().split():
        digest = hashlib.sha256(word.strip(".,!?").encode()).digest()
        vector[int.from_bytes(digest[:4], "big") % EMBEDDING_DIMENSIONS] += 1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]
