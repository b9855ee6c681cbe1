"""The FastAPI integration and the example service, end to end through an ASGI client on a real database."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated

import asyncpg
import httpx
import pytest
from fastapi import FastAPI, Header

from sqlfirst import errors, monitoring
from sqlfirst.acting import current_user
from sqlfirst.agent_hub import users as hub_users
from sqlfirst.examples.tokens_service import create_app
from sqlfirst.fastapi import Database, Transaction, acting_user, install, lifespan
from sqlfirst.settings import Settings

SECRET = "hunter2"  # a password too short to be accepted: it must never come back in a response


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=db_url, min_size=1, max_size=10))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield http


async def _user(client: httpx.AsyncClient, email: str = "ada@example.com") -> str:
    created = await client.post("/users", json={"email": email, "password": "correct horse battery"})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_a_user_is_created_and_read_back_without_secrets(client: httpx.AsyncClient) -> None:
    user_id = await _user(client)
    found = await client.get(f"/users/{user_id}")
    assert found.status_code == 200
    assert found.json()["email"] == "ada@example.com"
    assert "password" not in found.text and "argon2" not in found.text


async def test_a_duplicate_email_is_409_naming_the_constraint(client: httpx.AsyncClient) -> None:
    await _user(client)
    again = await client.post("/users", json={"email": "ada@example.com", "password": "another long one"})
    assert again.status_code == 409
    body = again.json()
    assert body["error"] == "conflict"
    assert body["constraint"].startswith("uq_users_") and body["columns"] == ["email"]
    assert "ada@example.com" not in again.text  # the server's detail (with the value) stays inside


async def test_bad_input_is_422_and_never_echoes_the_password(client: httpx.AsyncClient) -> None:
    short = await client.post("/users", json={"email": "bob@example.com", "password": SECRET})
    assert short.status_code == 422
    assert short.json()["error"] == "validation_error"
    assert SECRET not in short.text
    missing = await client.post("/users", json={"email": "bob@example.com"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == ["body", "password"]


async def test_an_agent_is_created_and_read_and_an_unknown_one_is_404(client: httpx.AsyncClient) -> None:
    created = await client.post("/agents", json={"name": "scout", "type": "research"})
    assert created.status_code == 201, created.text
    agent_id = created.json()["id"]
    assert (await client.get(f"/agents/{agent_id}")).json()["name"] == "scout"
    missing = await client.get(f"/agents/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json() == {
        "error": "not_found",
        "message": "agent not found",
        "entity": "agent",
    }


async def test_tokens_move_and_an_overdraft_is_402(client: httpx.AsyncClient) -> None:
    user_id = await _user(client)
    rewarded = await client.post(f"/users/{user_id}/tokens/reward", json={"amount": "10"})
    assert rewarded.status_code == 200, rewarded.text
    spent = await client.post(f"/users/{user_id}/tokens/deduct", json={"amount": "4"})
    assert spent.status_code == 200
    short = await client.post(f"/users/{user_id}/tokens/deduct", json={"amount": "100"})
    assert short.status_code == 402 and short.json()["error"] == "insufficient_balance"
    balance = await client.get(f"/users/{user_id}/balance")
    assert Decimal(balance.json()["balance"]) == Decimal(6)


async def test_concurrent_deductions_never_overdraw(client: httpx.AsyncClient) -> None:
    user_id = await _user(client)
    await client.post(f"/users/{user_id}/tokens/reward", json={"amount": "100"})
    responses = await asyncio.gather(
        *(client.post(f"/users/{user_id}/tokens/deduct", json={"amount": "10"}) for _ in range(25))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 10 + [402] * 15
    balance = await client.get(f"/users/{user_id}/balance")
    assert Decimal(balance.json()["balance"]) == 0


async def test_the_example_service_acts_for_its_caller(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    user_id = await _user(client)
    monitoring.set_slow_threshold(0)
    try:
        with caplog.at_level(logging.WARNING, logger="sqlfirst.slow"):
            await client.post(
                f"/users/{user_id}/tokens/reward", json={"amount": "5"}, headers={"X-User-Id": user_id}
            )
    finally:
        monitoring.set_slow_threshold(1.0)
    assert {getattr(r, "user", None) for r in caplog.records} == {user_id}


@pytest.fixture
def race() -> tuple[asyncio.Event, asyncio.Event]:
    """The serialization probe sets the first when it has written, and commits once the second is set."""
    return asyncio.Event(), asyncio.Event()


@pytest.fixture
async def probe_app(
    db_url: str, race: tuple[asyncio.Event, asyncio.Event]
) -> AsyncIterator[httpx.AsyncClient]:
    """An app with routes that fail in the ways the error mapping must cover."""
    setup = await asyncpg.connect(db_url)
    try:
        await setup.execute(
            "create table marks (id int primary key deferrable initially deferred);"
            "create table parents (id int primary key);"
            "create table children (parent int references parents);"
            "create table amounts (n int check (n >= 0))"
        )
    finally:
        await setup.close()
    app = FastAPI(lifespan=lifespan(Settings(database_url=db_url, min_size=1, max_size=4)))
    install(app)

    @app.post("/real/{kind}")
    async def real(kind: str, conn: Transaction) -> None:
        # Statements the server itself refuses; the response must not repeat them or their values.
        await conn.execute(
            {
                "check": "insert into amounts values (-7351)",
                "reference": "insert into parents values (1); insert into children values (7351)",
                "syntax": "selec password_hash from users where secret = 'hunter2'",
                "locked": "set local lock_timeout = '100ms'; lock table marks in access exclusive mode",
            }[kind]
        )

    @app.post("/race")
    async def lost_race(db: Database) -> None:
        async with db.transaction(isolation="serializable") as conn:
            await conn.fetchval("select count(*) from marks")
            await conn.execute("insert into marks values (11)")
            written, gate = race
            written.set()
            await gate.wait()  # the test commits a conflicting transaction first

    @app.post("/marks/twice")
    async def twice(conn: Transaction) -> dict[str, str]:
        # Both inserts succeed; the deferred key fails at COMMIT, after the endpoint returned.
        await conn.execute("insert into marks values (1)")
        await conn.execute("insert into marks values (1)")
        return {"status": "written"}

    @app.post("/marks/then-fail")
    async def then_fail(conn: Transaction) -> dict[str, str]:
        await conn.execute("insert into marks values (2)")
        raise errors.NotFound("mark", id=3)

    @app.get("/raise/{kind}")
    async def raise_(kind: str) -> None:
        raise {
            "serialization": errors.SerializationFailure("could not serialize", sqlstate="40001"),
            "unavailable": errors.DatabaseUnavailable("cannot connect to postgresql://app:pw@db/x"),
            "generic": errors.DatabaseError('syntax error at or near "selec" in "selec password from users"'),
        }[kind]

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield http


async def test_a_commit_that_fails_is_an_error_response_not_a_200(
    probe_app: httpx.AsyncClient, db_url: str
) -> None:
    response = await probe_app.post("/marks/twice")
    assert response.status_code == 409 and response.json()["constraint"] == "marks_pkey"
    conn = await asyncpg.connect(db_url)
    try:
        assert await conn.fetchval("select count(*) from marks") == 0
    finally:
        await conn.close()


async def test_an_endpoint_that_raises_rolls_its_writes_back(
    probe_app: httpx.AsyncClient, db_url: str
) -> None:
    response = await probe_app.post("/marks/then-fail")
    assert response.status_code == 404
    conn = await asyncpg.connect(db_url)
    try:
        assert await conn.fetchval("select count(*) from marks") == 0
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("kind", "code", "error"),
    [
        ("serialization", 503, "retry"),
        ("unavailable", 503, "unavailable"),
        ("generic", 500, "database_error"),
    ],
)
async def test_errors_map_to_http_without_leaking_sql_or_urls(
    probe_app: httpx.AsyncClient, kind: str, code: int, error: str
) -> None:
    response = await probe_app.get(f"/raise/{kind}")
    assert response.status_code == code and response.json()["error"] == error
    if code == 503:
        assert response.headers["retry-after"] == "1"
    for leak in ("selec", "password", "postgresql://", "pw@"):
        assert leak not in response.text


@pytest.mark.parametrize(
    ("kind", "code", "error", "constraint"),
    [
        ("check", 422, "invalid_value", "amounts_n_check"),
        ("reference", 409, "reference_violation", "children_parent_fkey"),
        ("syntax", 500, "database_error", None),
    ],
)
async def test_errors_the_server_raises_map_to_http_without_sql_or_values(
    probe_app: httpx.AsyncClient, kind: str, code: int, error: str, constraint: str | None
) -> None:
    response = await probe_app.post(f"/real/{kind}")
    assert response.status_code == code, response.text
    assert response.json()["error"] == error and response.json().get("constraint") == constraint
    for leak in ("7351", "selec", "password", "hunter2", "insert", "detail"):
        assert leak not in response.text.lower()


async def test_a_lock_timeout_is_503_with_retry_after(probe_app: httpx.AsyncClient, db_url: str) -> None:
    holder = await asyncpg.connect(db_url)
    try:
        async with holder.transaction():
            await holder.execute("lock table marks in access exclusive mode")
            response = await probe_app.post("/real/locked")
    finally:
        await holder.close()
    assert response.status_code == 503 and response.json()["error"] == "busy"
    assert response.headers["retry-after"] == "1"


async def test_a_lost_serialization_race_is_503_retry(
    probe_app: httpx.AsyncClient, db_url: str, race: tuple[asyncio.Event, asyncio.Event]
) -> None:
    written, gate = race
    rival = await asyncpg.connect(db_url)
    try:
        async with rival.transaction(isolation="serializable"):
            await rival.fetchval("select count(*) from marks")
            await rival.execute("insert into marks values (10)")
            request = asyncio.ensure_future(probe_app.post("/race"))
            # The server may cancel the endpoint's transaction at its write already (then it never
            # says it has written) or, once the rival has committed, at its commit.
            wrote = asyncio.ensure_future(written.wait())
            await asyncio.wait({request, wrote}, return_when=asyncio.FIRST_COMPLETED)
            wrote.cancel()
        gate.set()  # the rival committed first: the endpoint's transaction must lose
        response = await request
    finally:
        await rival.close()
    assert response.status_code == 503 and response.json()["error"] == "retry"
    assert response.headers["retry-after"] == "1"


async def test_an_unreachable_database_is_503_without_its_url() -> None:
    app = FastAPI(
        lifespan=lifespan(Settings(database_url="postgresql://app:hunter2@127.0.0.1:1/nowhere", min_size=0))
    )
    install(app)

    @app.get("/anything")
    async def anything(conn: Transaction) -> None:
        await conn.execute("select 1")

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        response = await http.get("/anything")
    assert response.status_code == 503 and response.json()["error"] == "unavailable"
    assert response.headers["retry-after"] == "1"
    assert "hunter2" not in response.text and "127.0.0.1" not in response.text


def caller(x_user_id: Annotated[uuid.UUID | None, Header()] = None) -> uuid.UUID | None:
    """Who calls: a header stands in for the application's authentication."""
    return x_user_id


@pytest.fixture
async def acting_app(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose every request acts for its caller, with endpoints that report whom they act for."""
    app = FastAPI(
        lifespan=lifespan(Settings(database_url=db_url, min_size=1, max_size=12)),
        dependencies=[acting_user(caller)],
    )
    install(app)

    @app.get("/whoami")
    async def whoami(conn: Transaction) -> dict[str, str | None]:
        await conn.execute("select pg_sleep(random() / 50)")  # requests overlap
        await hub_users.get_by_id(conn, id=uuid.UUID(int=0))  # a named query: the slow log names the user
        user = current_user()
        return {"user": None if user is None else str(user)}

    @app.get("/whoami/sync")
    def whoami_sync() -> dict[str, str | None]:  # runs in a worker thread
        user = current_user()
        return {"user": None if user is None else str(user)}

    @app.get("/me")
    async def me(user_id: Annotated[uuid.UUID | None, acting_user(caller)]) -> dict[str, str | None]:
        return {"user": None if user_id is None else str(user_id), "acting": str(current_user())}

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield http


def _as(user: uuid.UUID | None) -> dict[str, str]:
    return {"X-User-Id": str(user)} if user else {}


async def test_concurrent_requests_each_act_for_their_own_user(
    acting_app: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    people = [uuid.uuid4() for _ in range(6)]
    callers = [people[i % 6] if i % 7 else None for i in range(42)]
    monitoring.set_slow_threshold(0)  # every call is logged, with its acting user
    try:
        with caplog.at_level(logging.WARNING, logger="sqlfirst.slow"):
            responses = await asyncio.gather(*(acting_app.get("/whoami", headers=_as(u)) for u in callers))
    finally:
        monitoring.set_slow_threshold(1.0)
    assert [r.json().get("user", r.text) for r in responses] == [str(u) if u else None for u in callers]
    logged = [r.user for r in caplog.records if getattr(r, "query", None) == "agent_hub.get_user_by_id"]
    assert Counter(logged) == Counter(str(u) if u else None for u in callers)


async def test_the_acting_user_ends_with_its_request(acting_app: httpx.AsyncClient) -> None:
    ada = uuid.uuid4()
    assert (await acting_app.get("/whoami", headers=_as(ada))).json() == {"user": str(ada)}
    assert current_user() is None  # the request ran in this task; nothing stayed behind
    assert (await acting_app.get("/whoami")).json() == {"user": None}
    assert (await acting_app.get("/whoami/sync", headers=_as(ada))).json() == {"user": str(ada)}
    assert (await acting_app.get("/me", headers=_as(ada))).json() == {"user": str(ada), "acting": str(ada)}
    assert current_user() is None
