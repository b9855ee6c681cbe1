"""Password hashing with Argon2id (argon2-cffi, the maintained successor to passlib's bcrypt use).

Hashing is CPU-heavy by design, so the async helpers run it in a worker thread and never block the
event loop. ``SQLFIRST_PASSWORD_HASH=fast`` selects argon2's cheapest parameters: for test suites
only, never for real accounts.
"""

from __future__ import annotations

import asyncio
import os
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sqlfirst.arguments import invalid_argument

__all__ = ["hash_password", "needs_rehash", "verify_password"]


@cache
def _hasher() -> PasswordHasher:
    if os.environ.get("SQLFIRST_PASSWORD_HASH") == "fast":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def _text(function: str, argument: str, value: object) -> str:
    if not isinstance(value, str):
        raise invalid_argument(function, argument, f"{argument} must be text", "<hidden>")
    return value


async def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (encoded, salted, self-describing)."""
    _text("hash_password", "password", password)
    return await asyncio.to_thread(_hasher().hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for a malformed hash."""
    _text("verify_password", "password_hash", password_hash)
    _text("verify_password", "password", password)

    def check() -> bool:
        try:
            return _hasher().verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    _text("needs_rehash", "password_hash", password_hash)
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:  # not an Argon2 hash: made some other way, so not as now
        return True
