"""Integrations and their credentials: sealed in the application, bound to the row, never returned."""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection, connect_one
from sqlfirst.easyflow import credentials, integrations, sync_logs
from sqlfirst.easyflow.credentials import KeyRing
from sqlfirst.easyflow.errors import CredentialKeyMissing, CredentialsUnreadable
from sqlfirst.easyflow.models import IntegrationStatus, PlatformType
from sqlfirst.errors import ConfigurationError, Conflict, NotFound

from ..migration_helpers import cli_env, run_cli
from .factories import SECRET_MARKER, key_config, key_ring, make_integration, make_user, telegram_credentials


async def test_connect_seals_credentials_and_decrypt_returns_them(conn: Connection) -> None:
    keys = key_ring("k1")
    user = await make_user(conn)
    creds = telegram_credentials("one")
    integration = await integrations.connect(
        conn, keys, user_id=user.id, platform_id="telegram", credentials=creds, settings={"auto_reply": True}
    )
    assert integration.status is IntegrationStatus.CONNECTED
    assert integration.has_credentials
    assert integration.encryption_key_id == "k1"
    assert integration.settings == {"auto_reply": True}
    stored = await conn.fetchval(
        "select credentials_encrypted from easyflow.integrations where id = $1", integration.id
    )
    assert SECRET_MARKER.encode() not in stored
    assert await credentials.decrypt(conn, keys, integration_id=integration.id) == creds


async def test_connecting_again_replaces_the_credentials_of_the_same_integration(conn: Connection) -> None:
    keys = key_ring()
    first = await make_integration(conn, keys)
    await conn.execute("update easyflow.integrations set status = 'error' where id = $1", first.id)
    again = await integrations.connect(
        conn,
        keys,
        user_id=first.user_id,
        platform_id="telegram",
        credentials={"bot_token": "new"},
        settings={"lang": "ru"},
    )
    assert again.id == first.id
    assert again.status is IntegrationStatus.CONNECTED
    assert again.settings == {"lang": "ru"}
    assert await credentials.decrypt(conn, keys, integration_id=first.id) == {"bot_token": "new"}


async def test_missing_required_credentials_are_named_without_any_value(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(ValidationError) as caught:
        await integrations.connect(
            conn,
            key_ring(),
            user_id=user.id,
            platform_id="wildberries",
            credentials={"api_key": f"wb-{SECRET_MARKER}", "supplier_id": ""},
        )
    text = str(caught.value) + repr(caught.value) + caught.value.json()
    assert "supplier_id" in text
    assert SECRET_MARKER not in text
    assert await conn.fetchval("select count(*) from easyflow.integrations where user_id = $1", user.id) == 0
    with pytest.raises(NotFound):
        await integrations.connect(conn, key_ring(), user_id=user.id, platform_id="myspace", credentials={})


async def test_get_user_integrations_lists_platform_info_in_one_query(conn: Connection) -> None:
    keys = key_ring()
    user = await make_user(conn)
    for platform in ("wildberries", "telegram", "ozon"):
        await make_integration(conn, keys, user=user, platform_id=platform)
    listed = await integrations.get_user_integrations(conn, user_id=user.id)
    assert [i.platform_id for i in listed] == ["ozon", "telegram", "wildberries"]
    assert listed[0].platform_display_name == "Ozon"
    assert listed[0].platform_type is PlatformType.ECOMMERCE
    assert listed[1].platform_capabilities == ["text", "inline_keyboard", "media", "files", "voice"]
    assert await integrations.get_user_integrations(conn, user_id=(await make_user(conn)).id) == []
    ozon = await integrations.get_for_platform(conn, user_id=user.id, platform_id="ozon")
    assert ozon == await integrations.get(conn, id=listed[0].id)


async def test_one_integration_per_user_and_platform(conn: Connection) -> None:
    keys = key_ring()
    integration = await make_integration(conn, keys)
    with pytest.raises(Conflict) as caught:
        await integrations._insert(
            conn,
            id=secrets_uuid(),
            user_id=integration.user_id,
            platform_id="telegram",
            credentials_encrypted=None,
            encryption_key_id=None,
            settings={},
            status=IntegrationStatus.PENDING,
            sync_interval_minutes=60,
        )
    assert caught.value.constraint == "uq_integrations_user_id_platform_id"


def secrets_uuid() -> Any:
    import uuid

    return uuid.UUID(bytes=secrets.token_bytes(16))


async def test_settings_merge_search_interval_disconnect(conn: Connection) -> None:
    keys = key_ring()
    integration = await make_integration(conn, keys, settings={"auto_reply": True, "greeting": "hi"})
    merged = await integrations.merge_settings(
        conn, id=integration.id, patch={"greeting": "привет", "x": [1]}
    )
    assert merged is not None
    assert merged.settings == {"auto_reply": True, "greeting": "привет", "x": [1]}
    found = await integrations.find_by_settings(conn, platform_id="telegram", settings={"greeting": "привет"})
    assert [i.id for i in found] == [integration.id]
    assert not await integrations.find_by_settings(conn, platform_id="ozon", settings={"greeting": "привет"})

    slower = await integrations.set_sync_interval(conn, id=integration.id, minutes=240)
    assert slower is not None
    assert slower.sync_interval_minutes == 240

    gone = await integrations.disconnect(conn, id=integration.id)
    assert gone is not None
    assert gone.status is IntegrationStatus.DISCONNECTED
    assert not gone.has_credentials
    assert gone.encryption_key_id is None
    with pytest.raises(NotFound):
        await credentials.decrypt(conn, keys, integration_id=integration.id)
    assert await integrations.delete(conn, id=integration.id) == 1
    assert await integrations.get(conn, id=integration.id) is None


async def test_a_wrong_key_under_the_same_id_is_a_typed_error_naming_the_key(conn: Connection) -> None:
    integration = await make_integration(conn, key_ring("k1"))
    impostor = key_ring("k1")
    with pytest.raises(CredentialsUnreadable) as caught:
        await credentials.decrypt(conn, impostor, integration_id=integration.id)
    assert caught.value.key_id == "k1"
    assert "'k1'" in str(caught.value)
    with pytest.raises(CredentialKeyMissing) as missing:
        await credentials.decrypt(conn, key_ring("k2"), integration_id=integration.id)
    assert missing.value.key_id == "k1"


async def test_a_ciphertext_moved_to_another_row_does_not_decrypt(conn: Connection) -> None:
    keys = key_ring()
    victim = await make_integration(conn, keys)
    thief = await make_integration(conn, keys, platform_id="whatsapp")
    await conn.execute(
        "update easyflow.integrations set credentials_encrypted ="
        " (select credentials_encrypted from easyflow.integrations where id = $1) where id = $2",
        victim.id,
        thief.id,
    )
    with pytest.raises(CredentialsUnreadable) as caught:
        await credentials.decrypt(conn, keys, integration_id=thief.id)
    assert caught.value.integration_id == thief.id
    # Relabelling the key id does not help either: the key id is part of the associated data.
    two = key_ring("k1", "k2")
    await conn.execute("update easyflow.integrations set encryption_key_id = 'k2' where id = $1", victim.id)
    with pytest.raises((CredentialsUnreadable, CredentialKeyMissing)):
        await credentials.decrypt(conn, two, integration_id=victim.id)


def test_key_ring_configuration() -> None:
    raw = {"old": secrets.token_bytes(32), "new": secrets.token_bytes(32)}
    ring = KeyRing.from_config(key_config(raw))
    assert ring.current == "new"
    assert ring.key_ids == ["new", "old"]
    env = {"SQLFIRST_EASYFLOW_KEYS": key_config(raw), "SQLFIRST_EASYFLOW_CURRENT_KEY": "old"}
    assert KeyRing.from_env(env).current == "old"
    assert "KeyRing(ids=['new', 'old']" in repr(ring)
    assert raw["new"].hex() not in repr(ring)
    for bad in ("", "nokey", "k:notbase64!!", "k:" + KeyRing.generate_key()[:10]):
        with pytest.raises(ConfigurationError):
            KeyRing.from_config(bad)
    with pytest.raises(ConfigurationError):
        KeyRing.from_config(key_config(raw), "missing")
    with pytest.raises(ConfigurationError):
        KeyRing.from_env({})


async def test_rotate_keys_while_the_service_keeps_writing(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    raw = {"k1": secrets.token_bytes(32), "k2": secrets.token_bytes(32)}
    old = KeyRing({"k1": raw["k1"]}, current="k1")
    both = KeyRing(raw, current="k2")
    only_new = KeyRing({"k2": raw["k2"]}, current="k2")
    async with pool.acquire() as conn:
        owners = [await make_user(conn) for _ in range(80)]
        for owner in owners:
            await make_integration(conn, old, user=owner)
    expected: dict[Any, dict[str, str]] = {}
    async with pool.acquire() as conn:
        for row in await conn.fetch("select id from easyflow.integrations"):
            expected[row["id"]] = await credentials.decrypt(conn, old, integration_id=row["id"])

    async def service_writes() -> None:
        # The service, configured with the new ring, reconnects some users and connects others.
        for i, owner in enumerate(owners[::3]):
            async with pool.acquire() as conn, conn.transaction():
                creds = {"bot_token": f"fresh-{i}"}
                integration = await integrations.connect(
                    conn, both, user_id=owner.id, platform_id="telegram", credentials=creds
                )
                expected[integration.id] = creds
                extra = await make_integration(conn, both, user=owner, platform_id="ozon")
                expected[extra.id] = await credentials.decrypt(conn, both, integration_id=extra.id)
            await asyncio.sleep(0)

    report, _ = await asyncio.gather(credentials.rotate_keys(pool, both, batch_size=7), service_writes())
    assert report.batches >= 80 // 7
    assert report.remaining == 0
    async with pool.acquire() as conn:
        assert await credentials.remaining(conn, current_key_id="k2") == 0
        old_rows = "select count(*) from easyflow.integrations where encryption_key_id = 'k1'"
        assert await conn.fetchval(old_rows) == 0
        for integration_id, creds in expected.items():
            assert await credentials.decrypt(conn, only_new, integration_id=integration_id) == creds
        # Resumable: a second run finds nothing to do.
    again = await credentials.rotate_keys(pool, both, batch_size=7)
    assert (again.rekeyed, again.remaining) == (0, 0)


async def test_rotate_keys_command(db_url: str) -> None:
    raw = {"k1": secrets.token_bytes(32), "k2": secrets.token_bytes(32)}
    conn = await connect_one(db_url)
    try:
        for _ in range(5):
            await make_integration(conn, KeyRing({"k1": raw["k1"]}, current="k1"))
    finally:
        await conn.close()
    env = cli_env(SQLFIRST_EASYFLOW_KEYS=key_config(raw), SQLFIRST_EASYFLOW_CURRENT_KEY="k2")
    done = await run_cli("easyflow", "rotate-keys", "--database-url", db_url, "--batch-size", "2", env=env)
    assert done.returncode == 0, done.stderr
    assert "re-encrypted 5 integration(s) in 3 batch(es)" in done.stdout
    assert "under key 'k2'; 0 still under another key" in done.stdout
    assert raw["k1"].hex() not in done.stdout + done.stderr
    missing = await run_cli(
        "easyflow",
        "rotate-keys",
        "--database-url",
        db_url,
        env=cli_env(SQLFIRST_EASYFLOW_KEYS=key_config({"k3": raw["k1"]})),
    )
    assert missing.returncode == 1
    assert "no encryption key 'k2'" in missing.stderr


async def test_raw_credentials_never_appear_in_results_errors_or_logs(
    conn: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    keys = key_ring()
    user = await make_user(conn)
    seen: list[str] = []
    for platform in ("telegram", "wildberries", "ozon", "whatsapp"):
        seen.append(repr(await make_integration(conn, keys, user=user, platform_id=platform)))
    integration = await integrations.get_for_platform(conn, user_id=user.id, platform_id="telegram")
    assert integration is not None
    seen += [
        repr(await integrations.get(conn, id=integration.id)),
        repr(await integrations.get_user_integrations(conn, user_id=user.id)),
        repr(await integrations.merge_settings(conn, id=integration.id, patch={"a": 1})),
        repr(await integrations.find_by_settings(conn, platform_id="telegram", settings={"a": 1})),
        repr(await integrations.set_sync_interval(conn, id=integration.id, minutes=5)),
    ]
    # What a sync worker is handed: its claims (settings, never credentials) and the finished log.
    claims = await sync_logs.claim_due(conn, limit=50)
    assert {c.integration_id for c in claims} >= {integration.id}
    seen.append(repr(claims))
    seen.append(repr(await sync_logs.finish(conn, sync_log_id=claims[0].sync_log_id, status="success")))
    for model in await integrations.get_user_integrations(conn, user_id=user.id):
        seen.append(model.model_dump_json())
        assert "credentials_encrypted" not in type(model).model_fields
    for attempt in (
        lambda: credentials.decrypt(conn, key_ring(), integration_id=integration.id),
        lambda: credentials.decrypt(conn, key_ring("other"), integration_id=integration.id),
        lambda: integrations.connect(
            conn, keys, user_id=user.id, platform_id="ozon", credentials={"api_key": SECRET_MARKER}
        ),
    ):
        with pytest.raises(Exception) as caught:  # noqa: PT011  (several typed errors, all checked below)
            await attempt()
        seen.append(str(caught.value) + repr(caught.value))
    seen += [record.getMessage() for record in caplog.records]
    assert seen
    assert not [text for text in seen if SECRET_MARKER in text]
