"""Small builders for easyflow rows used across tests."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from sqlfirst.db import Executor
from sqlfirst.easyflow import conversations, integrations, users
from sqlfirst.easyflow.credentials import KeyRing
from sqlfirst.easyflow.models import Conversation, Integration, User

SECRET_MARKER = "s3cr3t-do-not-leak"


def key_ring(*ids: str, current: str | None = None) -> KeyRing:
    """A key ring with fresh random keys under ``ids`` (default one key, ``k1``)."""
    names = ids or ("k1",)
    return KeyRing({name: secrets.token_bytes(32) for name in names}, current=current or names[-1])


def key_config(keys: dict[str, bytes]) -> str:
    return ",".join(f"{k}:{base64.b64encode(v).decode()}" for k, v in keys.items())


def telegram_credentials(tag: str = "") -> dict[str, str]:
    return {"bot_token": f"123456:{SECRET_MARKER}-{tag or secrets.token_hex(4)}"}


async def make_user(conn: Executor, **overrides: Any) -> User:
    fields: dict[str, Any] = {"email": f"user_{secrets.token_hex(4)}@example.com", "name": "Иван Петров"}
    fields.update(overrides)
    return await users.create(conn, **fields)


async def make_integration(
    conn: Executor, keys: KeyRing, user: User | None = None, platform_id: str = "telegram", **overrides: Any
) -> Integration:
    owner = user or await make_user(conn)
    credentials = {
        "telegram": telegram_credentials(),
        "wildberries": {"api_key": f"wb-{SECRET_MARKER}", "supplier_id": "42"},
        "ozon": {"client_id": "7", "api_key": f"oz-{SECRET_MARKER}"},
        "whatsapp": {"access_token": f"wa-{SECRET_MARKER}", "phone_number_id": "100"},
    }[platform_id]
    fields: dict[str, Any] = {"user_id": owner.id, "platform_id": platform_id, "credentials": credentials}
    fields.update(overrides)
    return await integrations.connect(conn, keys, **fields)


async def make_conversation(conn: Executor, user: User | None = None, **overrides: Any) -> Conversation:
    owner = user or await make_user(conn)
    fields: dict[str, Any] = {
        "session_id": f"tg-{secrets.token_hex(6)}",
        "user_id": owner.id,
        "platform": "telegram",
        "chat_id": str(secrets.randbelow(10**9)),
    }
    fields.update(overrides)
    return await conversations.start(conn, **fields)
