"""FastAPI integration (``pip install 'sqlfirst[fastapi]'``).

    from sqlfirst.fastapi import Transaction, acting_user, install, lifespan

    app = FastAPI(
        lifespan=lifespan(),                     # opens the Database at startup, closes it at shutdown
        dependencies=[acting_user(current_user_id)],  # each request acts for its authenticated user
    )
    install(app)                                 # sqlfirst errors -> HTTP responses

    @app.post("/users")
    async def create_user(body: NewUser, conn: Transaction) -> User:
        return await users.create(conn, email=body.email, password=body.password)

``Transaction`` gives the endpoint a connection inside a transaction that commits when the endpoint
returns and rolls back when it raises, *before* the response is sent: a client that got a 2xx knows
its write is committed, and a commit that fails (a deferred constraint, a serialization failure)
becomes an error response, never a 200. ``Database`` gives the :class:`~sqlfirst.db.Database` itself
(for ``run_in_transaction``, streaming, or one-off calls on its pool).

:func:`acting_user` turns your dependency that finds the request's user id (from your
authentication) into the acting user of everything the request runs (:mod:`sqlfirst.acting`: the
slow-query log names it, tenant isolation is to read it). Each request sees its own, concurrent
requests included, and it is cleared when the request ends.

:func:`install` maps :mod:`sqlfirst.errors` and ``pydantic.ValidationError`` to responses whose
body is ``{"error": <code>, "message": <text>, ...}``: ``NotFound`` 404, ``Conflict`` 409 (naming
the constraint and its columns), ``ReferenceViolation`` 409, ``ValidationError`` and the other
invalid-input errors 422, ``InsufficientBalance`` 402, ``RetryableError`` and ``DatabaseUnavailable``
503 with ``Retry-After``. No response carries SQL, a server message or an input value: a password
that fails validation is never echoed back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from sqlfirst import acting, errors
from sqlfirst.db import Connection, connect
from sqlfirst.db import Database as _Database
from sqlfirst.settings import Settings

__all__ = [
    "Database",
    "Transaction",
    "acting_user",
    "error_response",
    "get_database",
    "install",
    "lifespan",
    "transaction",
]

_STATE_KEY = "sqlfirst_database"


def lifespan(
    settings: Settings | None = None, **overrides: object
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A FastAPI ``lifespan`` that opens the :class:`~sqlfirst.db.Database` (``connect(settings,
    **overrides)``) at startup and closes it at shutdown."""

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        db = await connect(settings, **overrides)
        setattr(app.state, _STATE_KEY, db)
        try:
            yield
        finally:
            delattr(app.state, _STATE_KEY)
            await db.close()

    return run


def get_database(request: Request) -> _Database:
    """The application's :class:`~sqlfirst.db.Database` (opened by :func:`lifespan`)."""
    db = getattr(request.app.state, _STATE_KEY, None)
    if db is None:
        raise errors.ConfigurationError(
            "no sqlfirst Database on this app: create it with FastAPI(lifespan=lifespan())"
        )
    assert isinstance(db, _Database)
    return db


async def transaction(request: Request) -> AsyncIterator[Connection]:
    """A connection in a transaction: committed when the endpoint returns, rolled back when it raises."""
    async with get_database(request).transaction() as conn:
        yield conn


def acting_user(get_user_id: Callable[..., Any]) -> Any:
    """A dependency that makes the request act for the user ``get_user_id`` names.

    ``get_user_id`` is itself a FastAPI dependency (sync or async; it may take the ``Request``,
    headers, or your authentication's own dependencies) returning the user's id, or None for an
    anonymous request. The id becomes :func:`sqlfirst.acting.current_user` for the endpoint and
    everything it calls, until the endpoint's own dependencies have closed (the :data:`Transaction`
    commits while it is still set). Use it for a whole app or router
    (``FastAPI(dependencies=[acting_user(current_user_id)])``: resolved before any parameter of the
    endpoint, so before its transaction begins), or as a parameter that also gives the id
    (``user_id: Annotated[UUID, acting_user(current_user_id)]``, placed before a ``Transaction``).
    """

    # A default, not ``Annotated``: annotations are strings here, and FastAPI resolves them in the
    # module's globals, where ``get_user_id`` is not.
    async def act_for(user_id: Any = Depends(get_user_id)) -> AsyncIterator[Any]:  # noqa: B008
        with acting.acting_user(user_id):
            yield user_id

    return Depends(act_for, scope="function")


Database = Annotated[_Database, Depends(get_database)]
"""The application's Database, as an endpoint parameter type."""

Transaction = Annotated[Connection, Depends(transaction, scope="function")]
"""A connection in a per-request transaction that ends before the response is sent."""

_RETRY_AFTER = {"Retry-After": "1"}


def _reply(status_code: int, code: str, message: str, *, retry: bool = False, **extra: Any) -> JSONResponse:
    """The JSON error response: ``{"error": code, "message": message}`` and the ``extra`` fields that
    are not None; ``retry`` adds the ``Retry-After`` header."""
    content = {"error": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(status_code=status_code, headers=_RETRY_AFTER if retry else None, content=content)


def error_response(exc: Exception) -> JSONResponse:
    """The HTTP response for a sqlfirst error or a ``pydantic.ValidationError`` (see the module doc)."""
    if isinstance(exc, ValidationError):
        details = exc.errors(include_url=False, include_input=False, include_context=False)
        return _reply(422, "validation_error", "the request is not valid", errors=_jsonable(details))
    if isinstance(exc, errors.NotFound):
        return _reply(404, "not_found", f"{exc.entity} not found", entity=exc.entity)
    if isinstance(exc, errors.Conflict):
        message = "the row conflicts with an existing one"
        return _reply(409, "conflict", message, constraint=exc.constraint, columns=list(exc.columns))
    if isinstance(exc, errors.ReferenceViolation):
        message = "a referenced row is missing or still referenced"
        return _reply(409, "reference_violation", message, constraint=exc.constraint)
    if isinstance(exc, errors.PermissionDenied):
        return _reply(403, "permission_denied", "the operation is not permitted")
    if isinstance(exc, errors.InsufficientBalance):
        return _reply(402, "insufficient_balance", "the balance is too low")
    if isinstance(exc, errors.CheckViolation | errors.NotNullViolation | errors.InvalidInput):
        message, column = "a value was rejected by the database", getattr(exc, "column", None)
        return _reply(422, "invalid_value", message, constraint=exc.constraint, column=column)
    if isinstance(exc, errors.RetryableError):
        return _reply(503, "retry", "the request lost a race; retry it", retry=True)
    if isinstance(exc, errors.LockTimeout | errors.QueryCanceled):
        return _reply(503, "busy", "the database is busy; retry it", retry=True)
    if isinstance(exc, errors.DatabaseUnavailable):
        return _reply(503, "unavailable", "the database is unavailable", retry=True)
    return _reply(500, "database_error", "the database reported an error")


def _jsonable(details: list[Any]) -> list[dict[str, Any]]:
    return [{"loc": list(d.get("loc", ())), "type": d.get("type"), "msg": d.get("msg")} for d in details]


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    return error_response(exc)


async def _handle_request(request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's own handler echoes every rejected input (a password included); this one does not.
    details = exc.errors() if isinstance(exc, RequestValidationError) else []
    return _reply(422, "validation_error", "the request is not valid", errors=_jsonable(list(details)))


def install(app: FastAPI) -> None:
    """Register the handlers that turn sqlfirst errors, ``ValidationError`` and FastAPI's request
    validation errors into responses (see the module docstring)."""
    app.add_exception_handler(errors.SqlfirstError, _handle)
    app.add_exception_handler(ValidationError, _handle)
    app.add_exception_handler(RequestValidationError, _handle_request)
