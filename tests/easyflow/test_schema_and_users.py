"""The easyflow schema after `migrate up`: reference platforms, derived columns, users."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.easyflow import platforms, users
from sqlfirst.easyflow.errors import PlatformInactive
from sqlfirst.easyflow.models import PlatformRegion, PlatformType
from sqlfirst.errors import CheckViolation, Conflict

from .factories import key_ring, make_conversation, make_integration, make_user

HOSTILE = "Robert'); drop table easyflow.users; -- \u0000\u200b\U0001f600 <script>alert(1)</script> $1 :id %s"
HOSTILE_TEXT = HOSTILE.replace("\u0000", "")  # PostgreSQL text cannot hold NUL


async def test_the_four_seed_platforms_are_reference_data_after_migrate_up(conn: Connection) -> None:
    rows = await platforms.list_all(conn)
    assert [p.id for p in rows] == ["ozon", "telegram", "whatsapp", "wildberries"]
    telegram = await platforms.get(conn, id="telegram")
    assert telegram is not None
    assert telegram.display_name == "Telegram Bot API"
    assert telegram.type is PlatformType.MESSAGING
    assert telegram.region is PlatformRegion.GLOBAL
    assert telegram.capabilities == ["text", "inline_keyboard", "media", "files", "voice"]
    assert telegram.required_credentials == ["bot_token"]
    wildberries = await platforms.get(conn, id="wildberries")
    assert wildberries is not None
    assert wildberries.required_credentials == ["api_key", "supplier_id"]
    assert wildberries.configuration == {}
    assert await platforms.get(conn, id="vk") is None


async def test_inactive_platforms_are_listed_on_request_only_and_refuse_integrations(
    conn: Connection,
) -> None:
    await conn.execute("update easyflow.platforms set is_active = false where id = 'ozon'")
    assert "ozon" not in [p.id for p in await platforms.list_all(conn)]
    assert "ozon" in [p.id for p in await platforms.list_all(conn, active_only=False)]
    with pytest.raises(PlatformInactive) as caught:
        await make_integration(conn, key_ring(), platform_id="ozon")
    assert caught.value.sqlstate == "SF142"


async def test_create_get_update_locale_deactivate_delete_user(conn: Connection) -> None:
    user = await make_user(conn, email="Ivan@Example.COM", phone="+7 900 000-00-00")
    assert user.email == "ivan@example.com"
    assert (user.language_code, user.timezone, user.is_active) == ("ru", "Europe/Moscow", True)
    assert await users.get_by_email(conn, email=" IVAN@example.com ") == user
    assert await users.get_by_id(conn, id=user.id) == user

    changed = await users.update_locale(conn, id=user.id, language_code="en-US", timezone="Asia/Almaty")
    assert changed is not None
    assert (changed.language_code, changed.timezone) == ("en-US", "Asia/Almaty")
    only_tz = await users.update_locale(conn, id=user.id, timezone="UTC")
    assert only_tz is not None
    assert (only_tz.language_code, only_tz.timezone) == ("en-US", "UTC")

    deactivated = await users.deactivate(conn, id=user.id)
    assert deactivated is not None
    assert deactivated.is_active is False
    reactivated = await users.activate(conn, id=user.id)
    assert reactivated is not None
    assert reactivated.is_active
    assert await users.delete(conn, id=user.id) == 1
    assert await users.get_by_id(conn, id=user.id) is None
    assert await users.deactivate(conn, id=user.id) is None


async def test_bad_user_input_is_rejected_before_the_database(conn: Connection) -> None:
    for bad in (
        {"email": "not-an-email", "name": "x"},
        {"email": "a@example.com", "name": "   "},
        {"email": "a@example.com", "name": "x", "language_code": "Russian"},
        {"email": "a@example.com", "name": "x", "timezone": "Mars/Olympus"},
    ):
        with pytest.raises(ValidationError):
            await users.create(conn, **bad)
    user = await make_user(conn)
    with pytest.raises(ValidationError):
        await users.update_locale(conn, id=user.id, timezone="Nowhere/Land")


async def test_duplicate_email_is_a_conflict_naming_the_constraint(conn: Connection) -> None:
    await make_user(conn, email="same@example.com")
    with pytest.raises(Conflict) as caught:
        await make_user(conn, email="SAME@example.com")
    assert caught.value.constraint == "uq_users_email"


async def test_hostile_strings_are_stored_verbatim(conn: Connection) -> None:
    metadata = {"note": HOSTILE_TEXT, HOSTILE_TEXT: [HOSTILE_TEXT]}
    user = await make_user(conn, name=HOSTILE_TEXT, metadata=metadata)
    again = await users.get_by_id(conn, id=user.id)
    assert again is not None
    assert again.name == HOSTILE_TEXT
    assert again.metadata == {"note": HOSTILE_TEXT, HOSTILE_TEXT: [HOSTILE_TEXT]}
    assert await conn.fetchval("select count(*) from easyflow.users") >= 1


async def test_database_checks_hold_for_direct_writes(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(Exception) as caught:  # noqa: PT011  (asyncpg error on a raw statement)
        await conn.execute(
            "insert into easyflow.integrations (user_id, platform_id, status)"
            " values ($1, 'telegram', 'connected')",
            user.id,
        )
    assert "ck_integrations_connected_has_credentials" in str(caught.value)


async def test_next_sync_at_is_derived_from_last_sync_and_interval(conn: Connection) -> None:
    integration = await make_integration(conn, key_ring())
    assert integration.next_sync_at == integration.created_at  # due at once before the first sync
    row = await conn.fetchrow(
        "update easyflow.integrations set last_sync_at = now() - interval '10 minutes',"
        " sync_interval_minutes = 15, next_sync_at = now() + interval '1 year'"
        " where id = $1 returning last_sync_at, next_sync_at",
        integration.id,
    )
    assert row["next_sync_at"] - row["last_sync_at"] == timedelta(minutes=15)


async def test_check_violation_names_its_constraint(conn: Connection) -> None:
    from sqlfirst.easyflow import integrations

    integration = await make_integration(conn, key_ring())
    with pytest.raises(ValidationError):
        await integrations.set_sync_interval(conn, id=integration.id, minutes=0)
    with pytest.raises(CheckViolation) as caught:
        await integrations._set_interval(conn, id=integration.id, sync_interval_minutes=-5)
    assert caught.value.constraint == "ck_integrations_sync_interval_minutes"


async def test_every_tenant_key_carries_the_user_and_children_stay_in_their_tenancy(conn: Connection) -> None:
    # 0094: the primary keys hold user_id (Citus' rule for a table distributed by it), and the
    # foreign keys re-pointed at them still refuse a child filed under another user.
    keys = await conn.fetch(
        """
        select c.conrelid::regclass::text as tbl, array_agg(a.attname::text order by k.i) as cols
        from pg_constraint c
        cross join lateral unnest(c.conkey) with ordinality as k(attnum, i)
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
        where c.contype = 'p' and c.connamespace = 'easyflow'::regnamespace
          and c.conrelid::regclass::text in (
              'easyflow.conversations', 'easyflow.messages', 'easyflow.outbound_messages',
              'easyflow.integrations', 'easyflow.sync_logs')
        group by c.conrelid
        """
    )
    assert {r["tbl"]: r["cols"] for r in keys} == {
        "easyflow.conversations": ["id", "user_id"],
        "easyflow.messages": ["id", "created_at", "user_id"],
        "easyflow.outbound_messages": ["id", "user_id"],
        "easyflow.integrations": ["id", "user_id"],
        "easyflow.sync_logs": ["id", "user_id"],
    }
    integration = await make_integration(conn, key_ring("k1"))
    conversation = await make_conversation(conn)
    stranger = await make_user(conn)
    crossings = {
        "fk_sync_logs_integration_id": (
            "insert into easyflow.sync_logs (integration_id, user_id, sync_type, status)"
            " values ($1, $2, 'full', 'running')",
            integration,
        ),
        "fk_platform_metrics_integration_id": (
            "insert into easyflow.platform_metrics (integration_id, user_id, platform_id, metric_type,"
            " metric_value, period_start, period_end)"
            " values ($1, $2, 'telegram', 'messages_sent', 1, now(), now() + interval '1 hour')",
            integration,
        ),
        "fk_outbound_messages_conversation_id": (
            "insert into easyflow.outbound_messages (conversation_id, user_id, message_id,"
            " message_created_at, platform, chat_id)"
            " values ($1, $2, gen_random_uuid(), now(), 'telegram', '1')",
            conversation,
        ),
    }
    for constraint, (sql, parent) in crossings.items():
        # Filed under its parent's own user the row is accepted; under another user it is refused.
        await conn.execute(sql, parent.id, parent.user_id)
        await conn.execute("savepoint crossing")
        with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
            await conn.execute(sql, parent.id, stranger.id)
        await conn.execute("rollback to savepoint crossing")
        assert caught.value.constraint_name == constraint
