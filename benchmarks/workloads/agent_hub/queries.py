"""agent_hub's query workloads: one per named query, grouped by entity in the order the run measures them."""

from __future__ import annotations

import random
from typing import Any

from sqlfirst.agent_hub.models import EventAuthor
from sqlfirst.bench.dataset import PASSWORD_HASH
from sqlfirst.bench.registry import Params, QueryWorkload

from .load import CATEGORIES, MODELS, SENTENCES, TAGS
from .prepare import (
    _prep_agent_profile,
    _prep_delete_agent,
    _prep_delete_session,
    _prep_delete_user,
    _prep_user_profile,
    _prep_versions,
    _prep_withdraw,
)
from .samples import _entry_search, _history_page, _pair, _user

QUERIES = [
    # users
    QueryWorkload(
        "insert_user",
        lambda s, r: {
            "username": s.unique("u"),
            "email": f"{s.unique('e')}@example.com",
            "password_hash": PASSWORD_HASH,
            "full_name": "Bench User",
        },
    ),
    QueryWorkload("get_user_by_id", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("get_users_by_ids", lambda s, r: {"ids": [_user(s, r)["id"] for _ in range(50)]}),
    QueryWorkload("get_user_by_username", lambda s, r: {"username": _user(s, r)["username"]}),
    QueryWorkload("get_user_by_email", lambda s, r: {"email": _user(s, r)["email"]}),
    QueryWorkload("get_login_by_username", lambda s, r: {"username": _user(s, r)["username"]}),
    QueryWorkload(
        "set_user_password_hash", lambda s, r: {"id": _user(s, r)["id"], "password_hash": PASSWORD_HASH}
    ),
    QueryWorkload("set_user_active", lambda s, r: {"id": _user(s, r)["id"], "is_active": True}),
    QueryWorkload("delete_user", lambda s, r: {}, prepare=_prep_delete_user),
    # agents
    QueryWorkload(
        "insert_agent",
        lambda s, r: {
            "name": "assistant",
            "display_name": "Assistant",
            "description": None,
            "owner_id": _user(s, r)["id"],
            "definition": {"model": "openai:gpt-4o"},
            "metadata": {},
            "is_public": False,
        },
    ),
    QueryWorkload("get_agent_by_id", lambda s, r: {"id": r.choice(s.agents)["id"]}),
    QueryWorkload(
        "update_agent_definition",
        lambda s, r: {
            "id": r.choice(s.agents)["id"],
            "definition": {"model": r.choice(MODELS), "system_prompt": r.choice(SENTENCES)},
        },
    ),
    QueryWorkload(
        "update_agent_metadata",
        lambda s, r: {"id": r.choice(s.agents)["id"], "metadata": {"rev": r.randint(1, 99)}},
    ),
    QueryWorkload(
        "merge_agent_metadata", lambda s, r: {"id": r.choice(s.agents)["id"], "patch": {"seen": True}}
    ),
    QueryWorkload(
        "set_agent_public",
        lambda s, r: (lambda a: {"id": a["id"], "is_public": a["is_public"]})(r.choice(s.agents)),
    ),
    QueryWorkload("list_agents_by_owner", lambda s, r: {"owner_id": r.choice(s.owners), "lim": 50}),
    QueryWorkload("list_public_agents", lambda s, r: {"lim": 50}),
    QueryWorkload(
        "list_public_agents_before",
        lambda s, r: (lambda c: {"before_created_at": c["created_at"], "before_id": c["id"], "lim": 50})(
            r.choice(s.public_cursors)
        ),
    ),
    QueryWorkload("delete_agent", lambda s, r: {}, prepare=_prep_delete_agent),
    # sessions
    QueryWorkload("insert_session", lambda s, r: _new_session(s, r, r.choice(s.agents))),
    QueryWorkload("get_session_by_id", lambda s, r: {"id": r.choice(s.sessions)["id"]}),
    QueryWorkload(
        "find_session_by_external_id", lambda s, r: {"external_session_id": r.choice(s.external_ids)}
    ),
    QueryWorkload(
        "append_session_messages",
        lambda s, r: {
            "id": r.choice(s.sessions)["id"],
            "messages": [{"kind": "request", "parts": [{"part_kind": "user-prompt", "content": "hi"}]}],
        },
    ),
    QueryWorkload(
        "update_session_state",
        lambda s, r: {"id": r.choice(s.sessions)["id"], "state": {"step": r.randint(1, 9)}},
    ),
    QueryWorkload("list_sessions_for_user", lambda s, r: {"user_id": r.choice(s.session_users), "lim": 50}),
    QueryWorkload(
        "list_sessions_for_user_agent",
        lambda s, r: (lambda x: {"user_id": x["user_id"], "agent_id": x["agent_id"], "lim": 50})(
            r.choice(s.sessions)
        ),
    ),
    QueryWorkload(
        "list_sessions_for_agent", lambda s, r: {"agent_id": r.choice(s.sessions)["agent_id"], "lim": 50}
    ),
    QueryWorkload("update_agent_profile", lambda s, r: {}, prepare=_prep_agent_profile),
    QueryWorkload("update_user_profile", lambda s, r: {}, prepare=_prep_user_profile),
    QueryWorkload(
        "get_session_history_page",
        _history_page,
    ),
    QueryWorkload("list_marketplace_versions", lambda s, r: {}, prepare=_prep_versions),
    QueryWorkload("delete_session", lambda s, r: {}, prepare=_prep_delete_session),
    # events
    QueryWorkload(
        "append_event",
        lambda s, r: {
            "session_id": r.choice(s.sessions)["id"],
            "author": EventAuthor.USER,
            "content": r.choice(SENTENCES),
            "metadata": {},
            "partial": False,
            "turn_complete": True,
            "error_code": None,
            "error_message": None,
        },
    ),
    QueryWorkload(
        "list_session_events",
        lambda s, r: {"session_id": r.choice(s.long_sessions), "after_sequence": 0, "lim": 50},
    ),
    QueryWorkload("stream_session_events", lambda s, r: {"session_id": r.choice(s.long_sessions)}),
    QueryWorkload("mark_turn_complete", _pair),
    QueryWorkload(
        "record_event_error", lambda s, r: {**_pair(s, r), "error_code": "bench", "error_message": None}
    ),
    QueryWorkload("count_session_errors", lambda s, r: {"session_id": r.choice(s.long_sessions)}),
    # marketplace
    QueryWorkload(
        "upsert_marketplace_entry",
        lambda s, r: (
            lambda e: {
                "agent_id": e["agent_id"],
                "category": e["category"],
                "tags": e["tags"],
                "changelog": "republished",
            }
        )(r.choice(s.entries)),
    ),
    QueryWorkload(
        "get_marketplace_entry_by_agent", lambda s, r: {"agent_id": r.choice(s.entries)["agent_id"]}
    ),
    QueryWorkload(
        "search_marketplace_by_category",
        _entry_search,
        # two tags rarely carried together in one category: the ranking of the rarer is read to its end
        heavy=lambda s, r: {"category": CATEGORIES[0], "tags": [TAGS[0], TAGS[1]], "lim": 50},
    ),
    QueryWorkload(
        "search_marketplace_by_tags",
        lambda s, r: {"tags": [r.choice(TAGS)], "lim": 50},
        # two tags rarely carried together: the ordered scan must read far to find 50
        heavy=lambda s, r: {"tags": [TAGS[0], TAGS[1]], "lim": 50},
    ),
    QueryWorkload("increment_download_count", lambda s, r: {"agent_id": r.choice(s.entries)["agent_id"]}),
    QueryWorkload(
        "rate_marketplace_entry", lambda s, r: {"agent_id": r.choice(s.entries)["agent_id"], "score": 4.0}
    ),
    QueryWorkload("delete_marketplace_entry", lambda s, r: {}, prepare=_prep_withdraw),
]


def _new_session(s: Any, r: random.Random, agent: Any) -> Params:
    """A session with a public agent for any user, or with a private one for its owner: whom the
    sessions' row-level security lets start one."""
    user_id = _user(s, r)["id"] if agent["is_public"] else agent["owner_id"]
    return {"agent_id": agent["id"], "user_id": user_id, "external_session_id": s.unique("x"), "state": {}}
