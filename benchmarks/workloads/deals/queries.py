"""deals' query workloads: one per named query, grouped by entity in the order the run measures them."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import timedelta
from decimal import Decimal

from sqlfirst.bench.registry import QueryWorkload
from sqlfirst.deals.models import (
    DealActivityType,
    DealSource,
    DealStatus,
    MarketDataType,
    MessageRole,
    NotificationPriority,
    NotificationType,
    ScoreType,
    TaskActivityType,
    TokenScope,
    TokenType,
    TransactionType,
)

from .params import (
    _agent_fields,
    _deduct_params,
    _goal_terms,
    _history,
    _market_fields,
    _most_common,
    _new_deal_params,
    _new_goal_params,
    _new_user_params,
    _pricing_at,
    _quote,
    _refund_params,
    _reward_params,
    _search,
    _users_by_status,
)
from .prepare import (
    _prep_complete_transaction,
    _prep_deactivate_pricing,
    _prep_deal_url,
    _prep_delete_agent,
    _prep_delete_deal,
    _prep_delete_expired_tokens,
    _prep_delete_goal,
    _prep_delete_score,
    _prep_delete_task,
    _prep_delete_user,
    _prep_expire_deals,
    _prep_expire_goals,
    _prep_failed_notification,
    _prep_insert_agent,
    _prep_insert_market,
    _prep_link_social,
    _prep_mark_all_read,
    _prep_mark_read,
    _prep_model_version,
    _prep_password_hash,
    _prep_pending_notifications,
    _prep_revoke_all,
    _prep_revoke_token,
    _prep_settle_transaction,
    _prep_social_login,
    _prep_transaction_hash,
    _prep_transition_goal,
)
from .samples import _deal, _goal, _now, _user
from .world import BENCH_PREFIX, BRANDS, MODEL_NAMES, SENTENCES, SERVICES, _money

QUERIES = [
    # agents
    QueryWorkload("insert_agent", _agent_fields, prepare=_prep_insert_agent),
    QueryWorkload("get_agent_by_id", lambda s, r: {"id": r.choice(s.agents)["id"]}),
    QueryWorkload(
        "list_agents_by_type_status",
        lambda s, r: (lambda a: {"type": a["type"], "status": a["status"]})(r.choice(s.agents)),
    ),
    QueryWorkload(
        "set_agent_status",
        lambda s, r: (lambda a: {"id": a["id"], "status": a["status"]})(r.choice(s.agents)),
    ),
    QueryWorkload("delete_agent", lambda s, r: {}, prepare=_prep_delete_agent),
    QueryWorkload(
        "update_agent_config",
        lambda s, r: {
            "id": r.choice(s.agents)["id"],
            "config": {"depth": r.randrange(1, 5)},
            "capabilities": r.sample(["search", "compare", "negotiate", "buy"], 2),
        },
    ),
    # auth tokens
    QueryWorkload(
        "insert_auth_token",
        lambda s, r: {
            "user_id": r.choice(s.token_users),
            "token_hash": hashlib.sha256(s.unique("tok").encode()).hexdigest(),
            "token_type": TokenType.ACCESS,
            "scope": TokenScope.FULL,
            "expires_at": _now() + timedelta(hours=1),
            "meta_data": {"ip": "203.0.113.7"},
        },
    ),
    QueryWorkload("get_active_auth_token_by_hash", lambda s, r: {"token_hash": r.choice(s.tokens)["token"]}),
    QueryWorkload("list_active_auth_tokens", lambda s, r: {"user_id": r.choice(s.token_users)}),
    QueryWorkload("revoke_auth_token", lambda s, r: {}, prepare=_prep_revoke_token),
    QueryWorkload("revoke_user_auth_tokens", lambda s, r: {}, prepare=_prep_revoke_all),
    QueryWorkload("delete_expired_auth_tokens", lambda s, r: {}, prepare=_prep_delete_expired_tokens),
    # chat messages
    QueryWorkload(
        "insert_chat_message",
        lambda s, r: (
            lambda g: {
                "user_id": g["user_id"],
                "goal_id": g["id"] if r.random() < 0.6 else None,
                "role": MessageRole.USER,
                "content": r.choice(SENTENCES),
                "tokens_used": r.randint(0, 400),
                "meta_data": {},
            }
        )(_goal(s, r)),
    ),
    QueryWorkload("list_chat_messages_for_user", lambda s, r: {"user_id": r.choice(s.chat_users), "lim": 50}),
    QueryWorkload("list_chat_messages_for_goal", lambda s, r: {"goal_id": r.choice(s.chat_goals), "lim": 50}),
    # deal activities
    QueryWorkload(
        "insert_deal_activity",
        lambda s, r: {
            "deal_id": _deal(s, r)["id"],
            "user_id": None,
            "agent_id": r.choice(s.agents)["id"],
            "activity_type": DealActivityType.ANALYZED,
            "description": "price checked",
            "meta_data": {},
        },
    ),
    QueryWorkload(
        "list_deal_activities", lambda s, r: {"deal_id": r.choice(s.deals_with_activities), "lim": 50}
    ),
    QueryWorkload(
        "list_deal_activities_by_user",
        lambda s, r: {
            "user_id": _user(s, r)["id"],
            "activity_type": r.choice([None, *DealActivityType]),
            "lim": 50,
        },
    ),
    QueryWorkload(
        "list_deal_activities_by_agent",
        lambda s, r: {
            "agent_id": r.choice(s.agents)["id"],
            "activity_type": r.choice([None, *DealActivityType]),
            "lim": 50,
        },
    ),
    # deal scores
    QueryWorkload(
        "insert_deal_score",
        lambda s, r: {
            "deal_id": _deal(s, r)["id"],
            "score_type": r.choice(list(ScoreType)),
            "value": _money(r.uniform(0, 100)),
            "confidence": _money(r.uniform(40, 100)),
            "meta_data": {},
        },
    ),
    QueryWorkload("list_deal_scores", lambda s, r: {"deal_id": r.choice(s.scored_deals)}),
    QueryWorkload(
        "list_deal_scores_by_type",
        lambda s, r: {"deal_id": r.choice(s.scored_deals), "score_type": r.choice(list(ScoreType))},
    ),
    QueryWorkload(
        "update_deal_score",
        lambda s, r: {
            "id": r.choice(s.scores),
            "value": _money(r.uniform(0, 100)),
            "confidence": _money(r.uniform(40, 100)),
        },
    ),
    QueryWorkload("delete_deal_score", lambda s, r: {}, prepare=_prep_delete_score),
    # deals
    QueryWorkload("insert_deal", _new_deal_params),
    QueryWorkload("get_deal_by_id", lambda s, r: {"id": _deal(s, r)["id"]}),
    QueryWorkload(
        "list_deals_for_goal",
        lambda s, r: (lambda d: {"goal_id": d["goal_id"], "status": d["status"], "lim": 50})(_deal(s, r)),
    ),
    QueryWorkload(
        "update_deal_price",
        lambda s, r: (
            lambda d: {
                "id": d["id"],
                "current_price": _money(float(d["current_price"]) * r.uniform(0.9, 1.1)),
            }
        )(_deal(s, r)),
    ),
    QueryWorkload(
        "set_deal_status", lambda s, r: (lambda d: {"id": d["id"], "status": d["status"]})(_deal(s, r))
    ),
    QueryWorkload("search_deals", lambda s, r: _search(s, r, specs=False)),
    QueryWorkload(
        "search_deals_by_specs",
        lambda s, r: _search(s, r, specs=True),
        heavy=lambda s, r: {
            **_search(s, r, specs=True),
            "category": _most_common(d["category"] for d in s.deals),
            "status": _most_common(d["status"] for d in s.deals),
            "min_price": _money(0),
            "max_price": _money(1_000_000),
            "after_price": _money(0),
            "after_id": uuid.UUID(int=0),
        },
    ),
    QueryWorkload("expire_stale_deals", lambda s, r: {}, prepare=_prep_expire_deals),
    QueryWorkload("delete_deal", lambda s, r: {}, prepare=_prep_delete_deal),
    QueryWorkload("list_deals_by_url", lambda s, r: {}, prepare=_prep_deal_url),
    QueryWorkload(
        "list_deals_by_market",
        lambda s, r: {"market_id": r.choice(s.markets)["id"], "status": DealStatus.ACTIVE, "lim": 50},
    ),
    QueryWorkload("list_deals_for_user", lambda s, r: {"user_id": r.choice(s.goal_users), "lim": 50}),
    QueryWorkload(
        "update_deal_details",
        lambda s, r: {
            "id": _deal(s, r)["id"],
            "availability_status": r.choice(["in_stock", "low_stock", "out_of_stock"]),
            "seller_name": f"{r.choice(BRANDS).title()} Store",
            "seller_rating": _money(r.uniform(3, 5)),
            "expires_at": _now() + timedelta(days=30),
            "shipping_info": {"free": r.random() < 0.5},
        },
    ),
    # goals
    QueryWorkload("insert_goal", _new_goal_params),
    QueryWorkload("get_goal_by_id", lambda s, r: {"id": _goal(s, r)["id"]}),
    QueryWorkload("list_goals_by_user", lambda s, r: {"user_id": r.choice(s.goal_users), "lim": 50}),
    QueryWorkload(
        "list_goals_by_user_status",
        lambda s, r: (lambda g: {"user_id": g["user_id"], "status": g["status"], "lim": 50})(_goal(s, r)),
    ),
    QueryWorkload("transition_goal_status", lambda s, r: {}, prepare=_prep_transition_goal),
    QueryWorkload(
        "find_goals_matching_deal",
        lambda s, r: (
            lambda d: {
                "category": d["category"],
                "price": d["current_price"],
                "discount_percent": _money(r.choice([0, 5, 10, 20, 35])),
                "lim": 50,
            }
        )(_deal(s, r)),
        heavy=lambda s, r: {
            "category": _most_common(d["category"] for d in s.deals),
            "price": _money(float(max(d["current_price"] for d in s.deals))),
            "discount_percent": _money(0),
            "lim": 50,
        },
    ),
    QueryWorkload("touch_goal_checked", lambda s, r: {"id": _goal(s, r)["id"]}),
    QueryWorkload("lock_goal", lambda s, r: {"id": _goal(s, r)["id"]}),
    QueryWorkload("update_goal", _goal_terms),
    QueryWorkload("delete_goal", lambda s, r: {}, prepare=_prep_delete_goal),
    QueryWorkload("expire_stale_goals", lambda s, r: {}, prepare=_prep_expire_goals),
    QueryWorkload("claim_due_goals", lambda s, r: {"checked_before": _now() - timedelta(hours=1), "lim": 10}),
    # market data
    QueryWorkload("upsert_market_data", _quote),
    QueryWorkload("get_latest_market_data", lambda s, r: {"symbol": r.choice(s.quotes)["symbol"]}),
    QueryWorkload(
        "list_market_data_by_type",
        lambda s, r: {"market_type": r.choice(list(MarketDataType)), "lim": 50},
    ),
    # markets
    QueryWorkload("insert_market", _market_fields, prepare=_prep_insert_market),
    QueryWorkload("get_market_by_id", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    QueryWorkload(
        "list_markets_by_type_status",
        lambda s, r: (lambda m: {"type": m["type"], "status": m["status"]})(r.choice(s.markets)),
    ),
    QueryWorkload(
        "set_market_status",
        lambda s, r: (lambda m: {"id": m["id"], "status": m["status"]})(r.choice(s.markets)),
    ),
    QueryWorkload("consume_market_rate_limit", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    QueryWorkload(
        "record_market_error",
        lambda s, r: {"id": r.choice(s.markets)["id"], "error": "HTTP 503 from upstream"},
    ),
    QueryWorkload("list_active_markets", lambda s, r: {}),
    QueryWorkload(
        "update_market_config",
        lambda s, r: (
            lambda m: {
                "id": m["id"],
                "base_url": "https://www.example.com",
                "api_endpoint": "https://api.example.com/v1",
                "rate_limit": 1_000_000,
                "rate_limit_window": 60,
                "meta_data": {"region": r.choice(["us", "eu"])},
            }
        )(r.choice(s.markets)),
    ),
    QueryWorkload("set_market_api_key", lambda s, r: {"id": r.choice(s.markets)["id"], "api_key": "k" * 32}),
    QueryWorkload("get_market_api_key", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    QueryWorkload("reset_market_errors", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    # model metrics
    QueryWorkload(
        "insert_model_metrics",
        lambda s, r: {
            "model_name": r.choice(MODEL_NAMES),
            "model_version": s.unique(BENCH_PREFIX),
            "accuracy": Decimal("0.9100"),
            "precision": Decimal("0.8800"),
            "recall": Decimal("0.8700"),
            "f1_score": Decimal("0.8750"),
            "training_duration": 600,
            "training_samples": 100_000,
            "validation_samples": 10_000,
            "hyperparameters": {"lr": 0.001},
            "feature_importance": {"price": 0.4},
            "meta_data": {},
        },
    ),
    QueryWorkload("list_latest_model_metrics", lambda s, r: {}),
    QueryWorkload("get_latest_model_metrics", lambda s, r: {"model_name": r.choice(MODEL_NAMES)}),
    QueryWorkload("get_model_metrics_version", lambda s, r: {}, prepare=_prep_model_version),
    # notifications
    QueryWorkload(
        "insert_notification",
        lambda s, r: (
            lambda d: {
                "user_id": r.choice(s.unread_users),
                "type": NotificationType.PRICE_ALERT,
                "priority": NotificationPriority.HIGH,
                "title": "Price drop",
                "message": r.choice(SENTENCES),
                "goal_id": None,
                "deal_id": d["id"],
                "action_url": f"https://app.example.com/deals/{d['id']}",
                "channels": ["in_app", "email"],
                "meta_data": {},
            }
        )(_deal(s, r)),
    ),
    QueryWorkload("list_unread_notifications", lambda s, r: {"user_id": r.choice(s.unread_users), "lim": 50}),
    QueryWorkload("count_unread_notifications", lambda s, r: {"user_id": r.choice(s.unread_users)}),
    QueryWorkload(
        "list_notifications",
        lambda s, r: {
            "user_id": r.choice(s.unread_users),
            "type": r.choice([None, None, *NotificationType]),
            "priority": r.choice([None, None, *NotificationPriority]),
            "lim": 50,
        },
    ),
    QueryWorkload("mark_notifications_read", lambda s, r: {}, prepare=_prep_mark_read),
    QueryWorkload("mark_all_notifications_read", lambda s, r: {}, prepare=_prep_mark_all_read),
    QueryWorkload("mark_notifications_sent", lambda s, r: {}, prepare=_prep_pending_notifications),
    QueryWorkload("mark_notifications_delivered", lambda s, r: {}, prepare=_prep_pending_notifications),
    QueryWorkload("mark_notification_failed", lambda s, r: {}, prepare=_prep_failed_notification),
    # price tracking
    QueryWorkload(
        "record_price_point",
        lambda s, r: (
            lambda d: {
                "deal_id": d["id"],
                "price": _money(float(d["current_price"]) * r.uniform(0.95, 1.05)),
                "currency": "USD",
                "source": DealSource.SCRAPER,
                "tracked_at": None,
                "meta_data": {"seller": "other"},
            }
        )(_deal(s, r)),
    ),
    QueryWorkload("get_price_history", _history),
    # task activities
    QueryWorkload(
        "insert_task_activity",
        lambda s, r: {
            "task_id": r.choice(s.tasks)["id"],
            "agent_id": r.choice(s.agents)["id"],
            "activity_type": TaskActivityType.PROGRESS,
            "description": "step done",
            "meta_data": {},
        },
    ),
    QueryWorkload(
        "list_task_activities", lambda s, r: {"task_id": r.choice(s.tasks_with_activities), "lim": 50}
    ),
    # tasks
    QueryWorkload(
        "insert_task",
        lambda s, r: {
            "goal_id": _goal(s, r)["id"],
            "agent_id": r.choice(s.agents)["id"],
            "title": "Search markets",
            "description": None,
            "priority": r.randint(1, 5),
            "due_date": _now() + timedelta(days=7),
            "meta_data": {},
        },
    ),
    QueryWorkload("get_task_by_id", lambda s, r: {"id": r.choice(s.tasks)["id"]}),
    QueryWorkload("list_tasks_for_goal", lambda s, r: {"goal_id": r.choice(s.tasks)["goal_id"]}),
    QueryWorkload(
        "list_tasks_for_agent",
        lambda s, r: (lambda t: {"agent_id": t["agent_id"], "status": t["status"]})(
            r.choice(s.assigned_tasks)
        ),
        heavy=lambda s, r: dict(
            zip(
                ("agent_id", "status"),
                _most_common((t["agent_id"], t["status"]) for t in s.assigned_tasks),
                strict=True,
            )
        ),
    ),
    QueryWorkload(
        "set_task_status", lambda s, r: (lambda t: {"id": t["id"], "status": t["status"]})(r.choice(s.tasks))
    ),
    QueryWorkload(
        "assign_task",
        lambda s, r: (lambda t: {"id": t["id"], "agent_id": t["agent_id"] or r.choice(s.agents)["id"]})(
            r.choice(s.tasks)
        ),
    ),
    QueryWorkload("delete_task", lambda s, r: {}, prepare=_prep_delete_task),
    # token pricing
    QueryWorkload(
        "insert_token_pricing",
        lambda s, r: {
            "service_type": s.unique(BENCH_PREFIX),
            "token_cost": _money(r.uniform(0.5, 20)),
            "min_tokens": 1,
            "max_tokens": None,
            "valid_from": None,
            "valid_to": None,
            "meta_data": {},
        },
    ),
    QueryWorkload("get_token_price_at", _pricing_at),
    QueryWorkload("list_token_pricing", lambda s, r: {"service_type": r.choice(SERVICES)}),
    QueryWorkload("deactivate_token_pricing", lambda s, r: {}, prepare=_prep_deactivate_pricing),
    # tokens
    QueryWorkload("deduct_tokens", _deduct_params),
    QueryWorkload("reward_tokens", _reward_params),
    QueryWorkload("refund_tokens", _refund_params),
    QueryWorkload("get_token_balance", lambda s, r: {"user_id": _user(s, r)["id"]}),
    QueryWorkload("list_balance_history", lambda s, r: {"user_id": r.choice(s.rich_users), "lim": 50}),
    QueryWorkload("list_token_transactions", lambda s, r: {"user_id": r.choice(s.rich_users), "lim": 50}),
    QueryWorkload(
        "set_transaction_hash",
        lambda s, r: {"id": r.choice(s.transactions), "tx_hash": "0x" + os.urandom(32).hex()},
    ),
    QueryWorkload(
        "begin_token_transaction",
        lambda s, r: {
            "user_id": r.choice(s.rich_users),
            "type": TransactionType.REWARD,
            "amount": _money(r.uniform(1, 50)),
            "description": "token purchase",
            "goal_id": None,
            "tx_hash": None,
            "meta_data": {},
        },
    ),
    QueryWorkload("complete_token_transaction", lambda s, r: {}, prepare=_prep_complete_transaction),
    QueryWorkload("settle_token_transaction", lambda s, r: {}, prepare=_prep_settle_transaction),
    QueryWorkload("get_token_transaction_by_hash", lambda s, r: {}, prepare=_prep_transaction_hash),
    # user settings
    QueryWorkload(
        "upsert_user_settings",
        lambda s, r: {
            "user_id": r.choice(s.settings_users) if r.random() < 0.8 else _user(s, r)["id"],
            "notification_preferences": {"email": True, "push": r.random() < 0.5},
            "ui_preferences": {"theme": r.choice(["dark", "light"])},
            "agent_preferences": {"autobuy": False},
        },
    ),
    QueryWorkload("get_user_settings", lambda s, r: {"user_id": r.choice(s.settings_users)}),
    # users
    QueryWorkload("insert_user", _new_user_params),
    QueryWorkload("get_user_by_id", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("get_user_by_email", lambda s, r: {"email": _user(s, r)["email"]}),
    QueryWorkload("get_user_by_referral_code", lambda s, r: {"referral_code": _user(s, r)["referral_code"]}),
    QueryWorkload("get_user_by_wallet", lambda s, r: {"sol_address": r.choice(s.wallets)}),
    QueryWorkload("get_login_by_email", lambda s, r: {"email": _user(s, r)["email"]}),
    QueryWorkload("get_referral_chain", lambda s, r: {"id": r.choice(s.referred)}),
    QueryWorkload("list_referred_users", lambda s, r: {"id": r.choice(s.referrers), "lim": 50}),
    QueryWorkload(
        "set_user_status", lambda s, r: (lambda u: {"id": u["id"], "status": u["status"]})(_user(s, r))
    ),
    QueryWorkload("record_user_login", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("delete_user", lambda s, r: {}, prepare=_prep_delete_user),
    QueryWorkload(
        "update_user_profile",
        lambda s, r: {
            "id": _user(s, r)["id"],
            "name": f"Deals User {r.randrange(10**6)}",
            "preferences": {"currency": r.choice(["USD", "EUR"])},
            "notification_channels": r.choice([["in_app"], ["in_app", "email"]]),
        },
    ),
    QueryWorkload("mark_user_email_verified", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("get_login_by_id", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("set_user_password_hash", lambda s, r: {}, prepare=_prep_password_hash),
    QueryWorkload("get_user_by_social", lambda s, r: {}, prepare=_prep_social_login),
    QueryWorkload("list_users_by_status", _users_by_status),
    QueryWorkload("link_user_social", lambda s, r: {}, prepare=_prep_link_social),
]
