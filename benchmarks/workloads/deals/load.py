"""Loading deals: ``tables`` (what to COPY, in foreign-key order) and the hooks around the COPY."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial
from typing import Any

from sqlfirst.bench.dataset import month_starts
from sqlfirst.bench.registry import TableLoad

from .cleanup import snapshot
from .rows_accounts import (
    auth_token_rows,
    chat_rows,
    history_rows,
    market_data_rows,
    metrics_rows,
    notification_rows,
    pricing_rows,
    settings_rows,
    transaction_rows,
)
from .rows_deals import (
    agent_rows,
    deal_activity_rows,
    deal_rows,
    goal_rows,
    market_rows,
    price_rows,
    score_rows,
    task_activity_rows,
    task_rows,
    user_rows,
)
from .world import (
    ANCHOR,
    HISTORY_START,
    MARKETS,
    MODEL_NAMES,
    MODEL_VERSIONS,
    PRICING_WINDOWS,
    SERVICES,
    SOURCES,
    _n,
    _world,
)


def tables(factor: float, seed: int) -> list[TableLoad]:
    """What to COPY at ``factor`` × medium, deterministic for ``seed``."""
    w = _world(factor, seed)
    n_users = w.n_users
    n_notifications = _n("notifications", factor, 1000)
    n_chat = _n("chat_messages", factor, 500)
    n_tokens = _n("auth_tokens", factor, 200)
    n_scores = _n("deal_scores", factor, 300)
    n_deal_acts = _n("deal_activities", factor, 500)
    n_task_acts = _n("task_activities", factor, 300)
    n_symbols = _n("symbols", factor, 100)
    n_ops = len(w.op_user)
    return [
        TableLoad(
            "deals.users",
            (
                "id",
                "email",
                "name",
                "password",
                "sol_address",
                "referral_code",
                "referred_by",
                "token_balance",
                "preferences",
                "status",
                "notification_channels",
                "email_verified",
                "last_login_at",
                "active_goals_count",
                "total_deals_found",
                "success_rate",
                "total_tokens_spent",
                "total_rewards_earned",
                "created_at",
                "updated_at",
            ),
            n_users,
            partial(user_rows, w, seed),
        ),
        TableLoad(
            "deals.markets",
            (
                "id",
                "name",
                "type",
                "status",
                "base_url",
                "api_endpoint",
                "api_key",
                "rate_limit",
                "rate_limit_window",
                "current_rate",
                "created_at",
                "updated_at",
            ),
            MARKETS,
            partial(market_rows, w, seed),
        ),
        TableLoad(
            "deals.agents",
            ("id", "name", "type", "status", "capabilities", "config", "created_at", "updated_at"),
            len(w.agent_ids),
            partial(agent_rows, w, seed),
        ),
        TableLoad(
            "deals.goals",
            (
                "id",
                "user_id",
                "title",
                "description",
                "category",
                "constraints",
                "status",
                "priority",
                "start_date",
                "end_date",
                "max_budget",
                "min_discount_percent",
                "target_price",
                "notification_threshold",
                "auto_buy_threshold",
                "max_matches",
                "max_tokens",
                "total_matches_found",
                "last_checked_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(w.goal_ids),
            partial(goal_rows, w, seed),
        ),
        TableLoad(
            "deals.deals",
            (
                "id",
                "user_id",
                "goal_id",
                "market_id",
                "title",
                "description",
                "url",
                "image_url",
                "current_price",
                "original_price",
                "currency",
                "discount_percent",
                "category",
                "source",
                "status",
                "seller_name",
                "seller_rating",
                "availability_status",
                "shipping_info",
                "product_specs",
                "found_at",
                "expires_at",
                "last_checked_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(w.deal_ids),
            partial(deal_rows, w, seed),
        ),
        TableLoad(
            "deals.price_tracking",
            (
                "id",
                "deal_id",
                "user_id",
                "price",
                "currency",
                "source",
                "tracked_at",
                "meta_data",
                "deal_shared",
            ),
            sum(w.deal_points),
            partial(price_rows, w, seed),
        ),
        TableLoad(
            "deals.deal_scores",
            (
                "id",
                "user_id",
                "deal_id",
                "score_type",
                "value",
                "confidence",
                "created_at",
                "updated_at",
                "meta_data",
                "deal_shared",
            ),
            n_scores,
            partial(score_rows, w, seed, n_scores),
        ),
        TableLoad(
            "deals.deal_activities",
            (
                "id",
                "deal_user_id",
                "deal_id",
                "user_id",
                "agent_id",
                "activity_type",
                "description",
                "created_at",
                "meta_data",
            ),
            n_deal_acts,
            partial(deal_activity_rows, w, seed, n_deal_acts),
        ),
        TableLoad(
            "deals.tasks",
            (
                "id",
                "user_id",
                "goal_id",
                "agent_id",
                "title",
                "description",
                "status",
                "priority",
                "due_date",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(w.task_ids),
            partial(task_rows, w, seed),
        ),
        TableLoad(
            "deals.task_activities",
            (
                "id",
                "user_id",
                "task_id",
                "agent_id",
                "activity_type",
                "description",
                "created_at",
                "meta_data",
            ),
            n_task_acts,
            partial(task_activity_rows, w, seed, n_task_acts),
        ),
        TableLoad(
            "deals.notifications",
            (
                "id",
                "user_id",
                "type",
                "priority",
                "status",
                "title",
                "message",
                "goal_id",
                "deal_id",
                "action_url",
                "channels",
                "sent_at",
                "delivered_at",
                "read_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            n_notifications,
            partial(notification_rows, w, seed, n_notifications),
        ),
        TableLoad(
            "deals.chat_messages",
            ("id", "user_id", "goal_id", "role", "content", "tokens_used", "created_at", "meta_data"),
            n_chat,
            partial(chat_rows, w, seed, n_chat),
        ),
        TableLoad(
            "deals.auth_tokens",
            (
                "id",
                "user_id",
                "token",
                "token_type",
                "status",
                "scope",
                "expires_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            n_tokens,
            partial(auth_token_rows, w, seed, n_tokens),
        ),
        TableLoad(
            "deals.token_transactions",
            (
                "id",
                "user_id",
                "type",
                "amount",
                "status",
                "description",
                "goal_id",
                "tx_hash",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            n_ops,
            partial(transaction_rows, w, seed),
        ),
        TableLoad(
            "deals.token_balance_history",
            (
                "id",
                "user_id",
                "balance_before",
                "balance_after",
                "change_amount",
                "change_type",
                "transaction_id",
                "created_at",
                "meta_data",
            ),
            n_ops,
            partial(history_rows, w, seed),
        ),
        TableLoad(
            "deals.user_settings",
            (
                "id",
                "user_id",
                "notification_preferences",
                "ui_preferences",
                "agent_preferences",
                "created_at",
                "updated_at",
            ),
            int(n_users * 0.7),
            partial(settings_rows, w, seed),
        ),
        TableLoad(
            "deals.token_pricing",
            (
                "id",
                "service_type",
                "token_cost",
                "min_tokens",
                "max_tokens",
                "valid_from",
                "valid_to",
                "is_active",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(SERVICES) * PRICING_WINDOWS,
            partial(pricing_rows, seed),
        ),
        TableLoad(
            "deals.model_metrics",
            (
                "id",
                "model_name",
                "model_version",
                "accuracy",
                "precision",
                "recall",
                "f1_score",
                "training_duration",
                "training_samples",
                "validation_samples",
                "hyperparameters",
                "feature_importance",
                "created_at",
                "meta_data",
            ),
            len(MODEL_NAMES) * MODEL_VERSIONS,
            partial(metrics_rows, seed),
        ),
        TableLoad(
            "deals.market_data",
            (
                "id",
                "symbol",
                "market_type",
                "price",
                "high_24h",
                "low_24h",
                "volume_24h",
                "change_24h",
                "change_percent_24h",
                "last_updated",
                "source",
                "meta_data",
                "created_at",
                "updated_at",
            ),
            n_symbols * len(SOURCES),
            partial(market_data_rows, seed, n_symbols),
        ),
    ]


async def before_load(conn: Any, factor: float, seed: int) -> None:
    """Give every month of the price history its partition (core's maintenance), then load trigger-free."""
    months = month_starts(HISTORY_START, ANCHOR + timedelta(days=1))
    await conn.execute("set session_replication_role = replica")
    async with conn.transaction():
        # One marker per month into the parent: the months without a partition land in DEFAULT, and
        # maintenance creates their partitions (moving the markers), named and bounded as always.
        await conn.execute(
            "insert into deals.price_tracking (deal_id, user_id, price, source, tracked_at, meta_data)"
            " select $1, $1, 0, 'manual', m, '{\"bench_marker\": true}' from unnest($2::timestamptz[]) m",
            uuid.UUID(int=0),
            [m + timedelta(days=1) for m in months],
        )
        await conn.execute("select count(*) from core.run_partition_maintenance('deals.price_tracking')")
        await conn.execute("delete from deals.price_tracking where meta_data @> '{\"bench_marker\": true}'")


HASH_INDEXES = "select deals.fill_hash_indexes()"
"""What the triggers of auth_tokens, token_transactions and deals write (0157, 0210), which a
trigger-free load does not fire: the hash indexes and deal_ids, filled from the loaded rows (0169)."""


async def after_load(conn: Any) -> None:
    """Triggers back on, the hash indexes written; every table as loaded, which cleanup gives back
    after each run."""
    await conn.execute("set session_replication_role = origin")
    await conn.execute(HASH_INDEXES)
    await snapshot(conn)
