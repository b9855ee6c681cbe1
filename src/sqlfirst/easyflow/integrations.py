"""Integrations: a user's connections to platforms, with credentials sealed by the application.

``connect`` encrypts the credentials (see :mod:`.credentials`) before they reach the database; no
function here returns them. ``get_user_integrations`` is the seed's cached call, one indexed query (the
``integration:`` cache itself belongs to the application).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from uuid import UUID

from pydantic import TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import NotFound

from . import platforms
from .credentials import KeyRing
from .models import (
    Integration,
    IntegrationStatus,
    IntegrationWithPlatform,
    JsonObject,
    PlatformId,
    SyncInterval,
    page_size,
)

__all__ = [
    "connect",
    "delete",
    "disconnect",
    "find_by_settings",
    "get",
    "get_for_platform",
    "get_user_integrations",
    "merge_settings",
    "set_sync_interval",
]

_sql = SqlFile("easyflow", "integrations")
_platform_id: TypeAdapter[str] = TypeAdapter(PlatformId)
_interval: TypeAdapter[int] = TypeAdapter(SyncInterval)
_settings: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)
_HAS_CREDENTIALS = {"has_credentials": "`encryption_key_id is not null` is true or false, never NULL"}


def _credential_errors(required: list[str], credentials: Mapping[str, object]) -> list[InitErrorDetails]:
    # Built by hand so that no error ever echoes a credential value (input is always None).
    errors: list[InitErrorDetails] = []
    for key in required:
        value = credentials.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError(
                        "credential_missing", "the platform requires a non-empty string {key}", {"key": key}
                    ),
                    loc=("credentials", key),
                    input=None,
                )
            )
    for key, value in credentials.items():
        if not isinstance(key, str) or not isinstance(value, str):
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError("credential_type", "credential values must be strings"),
                    loc=("credentials", str(key)),
                    input=None,
                )
            )
    return errors


@_sql.query("insert_integration", not_null=_HAS_CREDENTIALS)
async def _insert(
    conn: Executor,
    *,
    id: UUID,
    user_id: UUID,
    platform_id: str,
    credentials_encrypted: bytes | None,
    encryption_key_id: str | None,
    settings: JsonObject,
    status: IntegrationStatus,
    sync_interval_minutes: int,
) -> Integration: ...


@_sql.query("reconnect_integration", not_null=_HAS_CREDENTIALS)
async def _reconnect(
    conn: Executor, *, id: UUID, credentials_encrypted: bytes, encryption_key_id: str
) -> Integration | None: ...


async def connect(
    conn: Executor,
    keys: KeyRing,
    *,
    user_id: UUID,
    platform_id: str,
    credentials: Mapping[str, str],
    settings: JsonObject | None = None,
    sync_interval_minutes: int = 60,
) -> Integration:
    """Connect the user to a platform with these credentials (status ``connected``, due to sync now).

    The platform's ``required_credentials`` must all be present (``ValidationError`` otherwise, whose
    messages name the missing keys and never a value); the credentials are sealed under the key ring's
    current key, bound to the integration. Connecting again to the same platform replaces the
    credentials of the existing integration. :class:`~sqlfirst.errors.NotFound` for an unknown platform,
    :class:`~sqlfirst.easyflow.errors.PlatformInactive` for an inactive one,
    ``ReferenceViolation`` for an unknown user.
    """
    # Every argument is checked before the platform is read: a wrong one is refused for what it is
    # whatever the platform (the credentials' own keys once the platform says which it requires).
    if not isinstance(credentials, Mapping):
        raise ValidationError.from_exception_data(
            "connect",
            [
                {
                    "type": PydanticCustomError("credentials_type", "credentials must be a mapping"),
                    "loc": ("credentials",),
                    "input": None,
                }
            ],
            hide_input=True,
        )
    interval = arguments.valid("connect", "sync_interval_minutes", sync_interval_minutes, _interval)
    settings_value = _settings.validate_python(settings if settings is not None else {})
    platform = await platforms.get(conn, id=_platform_id.validate_python(platform_id))
    if platform is None:
        raise NotFound("platform", id=platform_id)
    errors = _credential_errors(platform.required_credentials, credentials)
    if errors:
        raise ValidationError.from_exception_data("connect", errors, hide_input=True)
    existing = await get_for_platform(conn, user_id=user_id, platform_id=platform.id)
    if existing is not None:
        sealed, key_id = keys.seal(existing.id, credentials)
        reconnected = await _reconnect(
            conn, id=existing.id, credentials_encrypted=sealed, encryption_key_id=key_id
        )
        if reconnected is None:
            raise NotFound("integration", id=existing.id)
        if settings:
            return await merge_settings(conn, id=existing.id, patch=settings_value) or reconnected
        return reconnected
    new_id = uuid.uuid4()
    sealed, key_id = keys.seal(new_id, credentials)
    return await _insert(
        conn,
        id=new_id,
        user_id=user_id,
        platform_id=platform.id,
        credentials_encrypted=sealed,
        encryption_key_id=key_id,
        settings=settings_value,
        status=IntegrationStatus.CONNECTED,
        sync_interval_minutes=interval,
    )


@_sql.query("get_integration", not_null=_HAS_CREDENTIALS)
async def get(conn: Executor, *, id: UUID) -> Integration | None:
    """The integration with this id (without credentials), or None."""


@_sql.query("get_user_platform_integration", not_null=_HAS_CREDENTIALS)
async def get_for_platform(conn: Executor, *, user_id: UUID, platform_id: str) -> Integration | None:
    """The user's integration with this platform, or None."""


@_sql.query("list_user_integrations", not_null=_HAS_CREDENTIALS)
async def get_user_integrations(conn: Executor, *, user_id: UUID) -> list[IntegrationWithPlatform]:
    """The user's integrations with their platforms, by platform id (the seed's cached call)."""


@_sql.query("list_integrations_by_settings", not_null=_HAS_CREDENTIALS)
async def _by_settings(
    conn: Executor, *, platform_id: str, settings: JsonObject, lim: int
) -> list[Integration]: ...


async def find_by_settings(
    conn: Executor, *, platform_id: str, settings: JsonObject, limit: int = 100
) -> list[Integration]:
    """Integrations of the platform whose settings contain ``settings`` (jsonb ``@>``), by id.

    A search by a key few integrations share (a shop, an account id): every integration holding it,
    on any platform, is read from the GIN index before the platform's are kept and ordered, so a
    value most integrations hold costs a read of all of them. ``settings`` must name at least one
    key (``ValidationError`` else: ``{}`` would be every integration)."""
    if isinstance(settings, dict) and not settings:
        raise arguments.invalid_argument(
            "find_by_settings", "settings", "settings must name at least one key", settings
        )
    return await _by_settings(
        conn, platform_id=platform_id, settings=_settings.validate_python(settings), lim=page_size(limit)
    )


@_sql.query("merge_integration_settings", not_null=_HAS_CREDENTIALS)
async def _merge_settings(conn: Executor, *, id: UUID, patch: JsonObject) -> Integration | None: ...


async def merge_settings(conn: Executor, *, id: UUID, patch: JsonObject) -> Integration | None:
    """Merge ``patch`` into the settings (its top-level keys win); None when there is no such integration."""
    return await _merge_settings(conn, id=id, patch=_settings.validate_python(patch))


@_sql.query("set_integration_sync_interval", not_null=_HAS_CREDENTIALS)
async def _set_interval(conn: Executor, *, id: UUID, sync_interval_minutes: int) -> Integration | None: ...


async def set_sync_interval(conn: Executor, *, id: UUID, minutes: int) -> Integration | None:
    """Sync every ``minutes`` (``next_sync_at`` follows; ``ValidationError`` below 1); None when there is
    no such integration."""
    return await _set_interval(conn, id=id, sync_interval_minutes=_interval.validate_python(minutes))


@_sql.query("disconnect_integration", not_null=_HAS_CREDENTIALS)
async def disconnect(conn: Executor, *, id: UUID) -> Integration | None:
    """Disconnect: credentials erased, no more syncs; None when there is no such integration."""


@_sql.query("delete_integration")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the integration with its sync logs and metrics; 1, or 0 when absent."""
