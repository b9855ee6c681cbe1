"""Platform credentials, encrypted in the application and bound to their integration.

``integrations.credentials_encrypted`` holds ``version (1 byte) | nonce (12) | AES-256-GCM ciphertext``
of the credentials as JSON; the associated data is the integration id and the key id, so a ciphertext
copied to another row, or relabelled with another key id, does not decrypt (the GCM tag fails).
``encryption_key_id`` names the key of the :class:`KeyRing` that sealed it.

Keys come from configuration as a key ring: several ids, one current. New credentials are sealed
under the current key; :func:`rotate_keys` re-seals every integration under it, batch by batch.
Nothing here logs, and no error message carries a secret: errors name the key id and the integration.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

import asyncpg
import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import ConfigurationError, NotFound

from .errors import CredentialKeyMissing, CredentialsUnreadable

__all__ = [
    "CURRENT_KEY_ENV",
    "KEYS_ENV",
    "KeyRing",
    "RotationReport",
    "decrypt",
    "rotate_keys",
]

KEYS_ENV = "SQLFIRST_EASYFLOW_KEYS"
"""``id:base64key,id:base64key``: every key that may have sealed stored credentials (32-byte keys)."""
CURRENT_KEY_ENV = "SQLFIRST_EASYFLOW_CURRENT_KEY"
"""The id of the key new credentials are sealed with (default: the last key of the list)."""

_VERSION = b"\x01"
_NONCE = 12
_AAD_PREFIX = b"sqlfirst.easyflow.integrations.credentials:"

_sql = SqlFile("easyflow", "integrations")
# The sealed credentials come through SECURITY DEFINER functions (0077), whose columns the catalog
# types as nullable: id is each row's primary key.
_SEALED_ID = {"id": "integrations.id, the primary key, returned by the function for each row"}


class KeyRing:
    """AES-256-GCM keys by id, one of them current. Its repr shows ids only."""

    __slots__ = ("_ciphers", "current")

    def __init__(self, keys: Mapping[str, bytes], *, current: str) -> None:
        if not keys:
            raise ConfigurationError("the key ring holds no key")
        ciphers: dict[str, AESGCM] = {}
        for key_id, key in keys.items():
            if not key_id or len(key_id) > 255 or any(c in key_id for c in ",: \t\n"):
                raise ConfigurationError(f"bad key id {key_id!r}")
            if len(key) != 32:
                raise ConfigurationError(f"key {key_id!r} must be 32 bytes (AES-256), got {len(key)}")
            ciphers[key_id] = AESGCM(key)
        if current not in ciphers:
            raise ConfigurationError(f"current key {current!r} is not in the key ring")
        self._ciphers = ciphers
        self.current = current

    def __repr__(self) -> str:
        return f"KeyRing(ids={sorted(self._ciphers)!r}, current={self.current!r})"

    @property
    def key_ids(self) -> list[str]:
        return sorted(self._ciphers)

    @staticmethod
    def generate_key() -> str:
        """A fresh random key, base64 (for ``SQLFIRST_EASYFLOW_KEYS``)."""
        return base64.b64encode(secrets.token_bytes(32)).decode("ascii")

    @classmethod
    def from_config(cls, keys: str, current: str | None = None) -> KeyRing:
        """Parse ``id:base64key,id:base64key``; ``current`` defaults to the last id."""
        parsed: dict[str, bytes] = {}
        last = None
        for item in (part.strip() for part in keys.split(",")):
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            if not sep:
                raise ConfigurationError(f"{KEYS_ENV}: expected id:base64key, got an entry without ':'")
            try:
                parsed[key_id.strip()] = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise ConfigurationError(f"{KEYS_ENV}: key {key_id.strip()!r} is not valid base64") from None
            last = key_id.strip()
        if last is None:
            raise ConfigurationError(f"{KEYS_ENV} holds no key")
        return cls(parsed, current=current or last)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KeyRing:
        """The key ring of ``SQLFIRST_EASYFLOW_KEYS`` / ``SQLFIRST_EASYFLOW_CURRENT_KEY``."""
        env = os.environ if environ is None else environ
        keys = env.get(KEYS_ENV, "")
        if not keys.strip():
            raise ConfigurationError(f"{KEYS_ENV} is not set")
        return cls.from_config(keys, env.get(CURRENT_KEY_ENV) or None)

    def _cipher(self, key_id: str) -> AESGCM:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise CredentialKeyMissing(key_id)
        return cipher

    @staticmethod
    def _aad(integration_id: UUID, key_id: str) -> bytes:
        return _AAD_PREFIX + integration_id.bytes + key_id.encode("utf-8")

    def seal(self, integration_id: UUID, credentials: Mapping[str, str]) -> tuple[bytes, str]:
        """Encrypt ``credentials`` for this integration under the current key: (ciphertext, key id)."""
        nonce = secrets.token_bytes(_NONCE)
        plaintext = orjson.dumps(dict(credentials))
        sealed = self._cipher(self.current).encrypt(nonce, plaintext, self._aad(integration_id, self.current))
        return _VERSION + nonce + sealed, self.current

    def open(self, integration_id: UUID, ciphertext: bytes, key_id: str) -> dict[str, str]:
        """Decrypt what :meth:`seal` made for this integration; typed errors name the key id."""
        cipher = self._cipher(key_id)
        if len(ciphertext) < 1 + _NONCE + 16 or ciphertext[:1] != _VERSION:
            raise CredentialsUnreadable(key_id, integration_id)
        try:
            plaintext = cipher.decrypt(
                ciphertext[1 : 1 + _NONCE], ciphertext[1 + _NONCE :], self._aad(integration_id, key_id)
            )
        except InvalidTag:
            raise CredentialsUnreadable(key_id, integration_id) from None
        value = orjson.loads(plaintext)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise CredentialsUnreadable(key_id, integration_id)
        return {str(k): v for k, v in value.items()}


class _Sealed(BaseModel):
    """Internal: the stored ciphertext of one integration (never returned by a public function)."""

    id: UUID
    credentials_encrypted: bytes | None
    encryption_key_id: str | None


@_sql.query("get_sealed_credentials", not_null=_SEALED_ID)
async def _get_sealed(conn: Executor, *, id: UUID) -> _Sealed | None: ...


async def decrypt(conn: Executor, keys: KeyRing, *, integration_id: UUID) -> dict[str, str]:
    """The plaintext credentials of one integration, for the sync worker that calls the platform.

    The only function that returns credentials, and only on a connection acting as ``sqlfirst_worker``
    (``Settings(role="sqlfirst_worker")``): the column is secret and the database hands it over
    through ``easyflow.integration_credentials``, which no other role but the owner may execute
    (:class:`~sqlfirst.errors.PermissionDenied` for the app role). :class:`~sqlfirst.errors.NotFound` when the
    integration does not exist or holds none (disconnected); :class:`CredentialKeyMissing` when the key
    ring lacks its key id; :class:`CredentialsUnreadable` when the ciphertext does not open for this
    integration with that key.
    """
    sealed = await _get_sealed(conn, id=integration_id)
    if sealed is None or sealed.credentials_encrypted is None or sealed.encryption_key_id is None:
        raise NotFound("integration credentials", id=integration_id)
    return keys.open(sealed.id, sealed.credentials_encrypted, sealed.encryption_key_id)


@_sql.query("lock_credentials_to_rekey", not_null=_SEALED_ID)
async def _lock_batch(conn: Executor, *, current_key_id: str, after_id: UUID, lim: int) -> list[_Sealed]: ...


@_sql.query("rekey_credentials")
async def _rekey(
    conn: Executor, *, id: UUID, old_key_id: str, credentials_encrypted: bytes, encryption_key_id: str
) -> int: ...


@_sql.query("count_credentials_to_rekey", not_null={"count": "count(*) is never NULL"})
async def remaining(conn: Executor, *, current_key_id: str) -> int:
    """How many integrations hold credentials sealed under another key than ``current_key_id``."""


@dataclass(frozen=True, slots=True)
class RotationReport:
    rekeyed: int
    batches: int
    remaining: int


async def rotate_keys(
    pool: asyncpg.Pool[asyncpg.Record], keys: KeyRing, *, batch_size: int = 500
) -> RotationReport:
    """Re-seal every integration's credentials under the current key, one transaction per batch.

    Resumable (each batch commits; a rerun only finds what is still under an old key) and safe while
    the service writes: a batch row-locks what it re-seals, a concurrent write waits for the batch or
    the batch waits for it and then sees the new row (already under the current key, so skipped), and
    the update only lands when the key id is still the one that was read. ``pool`` acts as
    ``sqlfirst_worker`` (it reads every tenant's credentials through
    ``easyflow.lock_credentials_to_rekey``); ``sqlfirst easyflow rotate-keys`` connects so. A key
    missing from the ring stops the rotation with :class:`CredentialKeyMissing` (batches done so far
    stay done).
    """
    if not isinstance(keys, KeyRing):
        raise arguments.invalid_argument("rotate_keys", "keys", "a KeyRing", keys)
    batch_size = arguments.count("rotate_keys", "batch_size", batch_size, least=1)
    after = UUID(int=0)
    rekeyed = batches = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            batch = await _lock_batch(conn, current_key_id=keys.current, after_id=after, lim=batch_size)
            for row in batch:
                if row.credentials_encrypted is None or row.encryption_key_id is None:
                    continue  # ck_integrations_credentials_key: both or neither; the query selects both
                plain = keys.open(row.id, row.credentials_encrypted, row.encryption_key_id)
                sealed, key_id = keys.seal(row.id, plain)
                rekeyed += await _rekey(
                    conn,
                    id=row.id,
                    old_key_id=row.encryption_key_id,
                    credentials_encrypted=sealed,
                    encryption_key_id=key_id,
                )
        if not batch:
            break
        batches += 1
        after = batch[-1].id
    async with pool.acquire() as conn:
        left = await remaining(conn, current_key_id=keys.current)
    return RotationReport(rekeyed=rekeyed, batches=batches, remaining=left)
