"""The FastAPI integration and the example service, end to end through an ASGI client on a real database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from sqlfirst import errors
from sqlfirst.examples.tokens_service import create_app
from sqlfirst.fastapi import Transaction, install, lifespan
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


@pytest.fixture
async def probe_app(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app with routes that fail in the ways the error mapping must cover."""
    setup = await asyncpg.connect(db_url)
    try:
        await setup.execute("create table marks (id int primary key deferrable initially deferred)")
    finally:
        await setup.close()
    app = FastAPI(lifespan=lifespan(Settings(database_url=db_url, min_size=1, max_size=4)))
    install(app)

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
