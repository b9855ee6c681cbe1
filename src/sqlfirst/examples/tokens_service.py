"""A small FastAPI service over the deals domain: users, agents and the token balance.

    pip install 'sqlfirst[fastapi]' uvicorn
    sqlfirst migrate up
    uvicorn sqlfirst.examples.tokens_service:app

Every write runs in the request's transaction (:data:`sqlfirst.fastapi.Transaction`), committed
before the response leaves; errors become HTTP responses through :func:`sqlfirst.fastapi.install`;
each request acts for its caller (:func:`sqlfirst.fastapi.acting_user`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import FastAPI, Header, status
from pydantic import BaseModel, Field

from sqlfirst.deals import agents, tokens, users
from sqlfirst.deals.models import Agent, AgentType, BalanceChange, User
from sqlfirst.errors import NotFound
from sqlfirst.fastapi import Database, Transaction, acting_user, install, lifespan
from sqlfirst.settings import Settings


class NewUser(BaseModel):
    email: str
    password: str
    name: str | None = None


class NewAgent(BaseModel):
    name: str
    type: AgentType


class Amount(BaseModel):
    amount: Annotated[Decimal, Field(gt=0)]
    description: str | None = None


class Balance(BaseModel):
    user_id: UUID
    balance: Decimal


def caller(x_user_id: Annotated[UUID | None, Header()] = None) -> UUID | None:
    """The user a request comes from. The example trusts a header to stay small; a real service takes
    the id from its authentication (a verified session or token), never from what a client claims."""
    return x_user_id


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service; ``settings`` default to the environment (``DATABASE_URL``...)."""
    app = FastAPI(
        title="sqlfirst tokens service", lifespan=lifespan(settings), dependencies=[acting_user(caller)]
    )
    install(app)

    @app.post("/users", status_code=status.HTTP_201_CREATED)
    async def create_user(body: NewUser, conn: Transaction) -> User:
        return await users.create(conn, email=body.email, password=body.password, name=body.name)

    @app.get("/users/{user_id}")
    async def get_user(user_id: UUID, db: Database) -> User:
        found = await users.get_by_id(db.pool, id=user_id)
        if found is None:
            raise NotFound("user", id=user_id)
        return found

    @app.post("/agents", status_code=status.HTTP_201_CREATED)
    async def create_agent(body: NewAgent, conn: Transaction) -> Agent:
        return await agents.create(conn, name=body.name, type=body.type)

    @app.get("/agents/{agent_id}")
    async def get_agent(agent_id: UUID, db: Database) -> Agent:
        found = await agents.get(db.pool, id=agent_id)
        if found is None:
            raise NotFound("agent", id=agent_id)
        return found

    @app.post("/users/{user_id}/tokens/reward")
    async def reward(user_id: UUID, body: Amount, conn: Transaction) -> BalanceChange:
        return await tokens.reward(conn, user_id=user_id, amount=body.amount, description=body.description)

    @app.post("/users/{user_id}/tokens/deduct")
    async def deduct(user_id: UUID, body: Amount, conn: Transaction) -> BalanceChange:
        return await tokens.deduct(conn, user_id=user_id, amount=body.amount, description=body.description)

    @app.get("/users/{user_id}/balance")
    async def balance(user_id: UUID, db: Database) -> Balance:
        value = await tokens.balance(db.pool, user_id=user_id)
        if value is None:
            raise NotFound("user", id=user_id)
        return Balance(user_id=user_id, balance=value)

    return app


app = create_app()
