"""The least-privilege roles (``sqlfirst db roles``), created or updated idempotently on a server.

=====================  ==========================================================================
``sqlfirst_owner``     owns the domain schemas and their objects; runs migrations (DDL); bypasses
                       row-level security (data migrations, its SECURITY DEFINER functions)
``sqlfirst_app``       reads and writes rows only; no DDL, no TRUNCATE, nothing of ``core``'s
                       internals or of the migration bookkeeping; subject to row-level security
``sqlfirst_readonly``  selects rows (reporting, replicas); subject to row-level security
``sqlfirst_worker``    the app's privileges plus ``BYPASSRLS``: queue workers and maintenance
=====================  ==========================================================================

Roles belong to the cluster; the grants belong to each database and come with migration
``0070_core_roles`` (so ``migrate up`` gives them to every server, the embedded one included).
Without a password a role is a ``NOLOGIN`` group role: grant it to your login roles, or connect
with a broader login and set :attr:`Settings.role <sqlfirst.settings.Settings.role>`. With a
password from the environment (``SQLFIRST_OWNER_PASSWORD``, ``SQLFIRST_APP_PASSWORD``,
``SQLFIRST_READONLY_PASSWORD``, ``SQLFIRST_WORKER_PASSWORD``) it can log in; the password is sent as
a SCRAM-SHA-256 verifier, never in clear text, so the server's statement log cannot show it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from sqlfirst.arguments import is_flag
from sqlfirst.db import Connection
from sqlfirst.errors import DRIVER_ERRORS, ConfigurationError, DatabaseError, from_driver

__all__ = ["ROLES", "RoleSpec", "ensure_roles", "passwords_from_env", "scram_verifier"]


@dataclass(frozen=True, slots=True)
class RoleSpec:
    name: str
    env: str
    bypass_rls: bool


ROLES: tuple[RoleSpec, ...] = (
    RoleSpec("sqlfirst_owner", "SQLFIRST_OWNER_PASSWORD", bypass_rls=True),
    RoleSpec("sqlfirst_app", "SQLFIRST_APP_PASSWORD", bypass_rls=False),
    RoleSpec("sqlfirst_readonly", "SQLFIRST_READONLY_PASSWORD", bypass_rls=False),
    RoleSpec("sqlfirst_worker", "SQLFIRST_WORKER_PASSWORD", bypass_rls=True),
)
"""Every role sqlfirst manages, with the variable that holds its password."""


def passwords_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Role name -> password, for each role whose ``SQLFIRST_*_PASSWORD`` variable is set."""
    env = os.environ if environ is None else environ
    if not isinstance(env, Mapping):
        raise ConfigurationError(f"environ must be a mapping of names to values, got {type(env).__name__}")
    return {spec.name: env[spec.env] for spec in ROLES if env.get(spec.env)}


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (what ``PASSWORD '...'`` takes).

    The password is used as UTF-8 without SASLprep, which is what PostgreSQL does for a password
    that SASLprep would reject and equals SASLprep for plain ASCII.
    """
    if not isinstance(password, str) or not password:
        raise ConfigurationError("a role password must be text, not empty")
    if salt is not None and (not isinstance(salt, bytes | bytearray | memoryview) or not salt):
        raise ConfigurationError(f"salt must be bytes, not empty, got {type(salt).__name__}")
    if not isinstance(iterations, numbers.Integral) or is_flag(iterations) or iterations < 1:
        raise ConfigurationError(f"iterations must be an integer of 1 or more, got {iterations!r}")
    iterations = int(iterations)
    salt = os.urandom(16) if salt is None else bytes(salt)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


async def _run(conn: Connection, sql: str, *args: object) -> object:
    try:
        return await conn.fetchval(sql, *args)
    except DRIVER_ERRORS as exc:
        raise from_driver(exc, conn) from exc


async def ensure_roles(conn: Connection, *, passwords: Mapping[str, str] | None = None) -> list[str]:
    """Create the missing roles and set every role's attributes; return what was done, one line each.

    Idempotent. A role with a password in ``passwords`` gets ``LOGIN`` and that password; a role
    without keeps its login and password as they are (created ``NOLOGIN``). None is a superuser or
    may create roles or databases; only ``sqlfirst_owner`` and ``sqlfirst_worker`` bypass row-level
    security. When the
    database has migration ``0070_core_roles``, its grants are applied again too (repairing any a
    manual change removed). Needs a role with ``CREATEROLE`` (``BYPASSRLS`` needs a superuser).
    """
    if passwords is not None and not isinstance(passwords, Mapping):
        raise ConfigurationError(
            f"passwords must map role names to passwords, got {type(passwords).__name__}"
        )
    passwords = dict(passwords or {})
    for name, given in passwords.items():
        if not isinstance(name, str):
            raise ConfigurationError(f"passwords must be keyed by role name, got a {type(name).__name__}")
        if not isinstance(given, str) or not given:
            raise ConfigurationError(f"the password for role {name!r} must be text, not empty")
    unknown = sorted(set(passwords) - {spec.name for spec in ROLES})
    if unknown:
        raise ConfigurationError(f"no such sqlfirst role: {', '.join(unknown)}")
    done: list[str] = []
    for spec in ROLES:
        exists = await _run(conn, "select exists (select from pg_roles where rolname = $1)", spec.name)
        if not exists:
            try:
                await _execute(conn, f'create role "{spec.name}" nologin')
                done.append(f"created {spec.name}")
            except DatabaseError as exc:
                if exc.sqlstate not in ("42710", "23505"):  # not: another session created it just now
                    raise
        attributes = "nosuperuser nocreatedb nocreaterole noreplication " + (
            "bypassrls" if spec.bypass_rls else "nobypassrls"
        )
        await _execute(conn, f'alter role "{spec.name}" {attributes}')
        password = passwords.get(spec.name)
        if password is not None:
            verifier = scram_verifier(password)
            await _execute(conn, f"alter role \"{spec.name}\" login password '{verifier}'")
            done.append(f"{spec.name}: login with the configured password")
    if await _run(conn, "select to_regprocedure('core.grant_domain_privileges(name)') is not null"):
        schemas = cast(
            list[str] | None,
            await _run(
                conn,
                "select array_agg(s) from (select core.grant_domain_privileges(s), s"
                " from core.domain_schemas() as s) as granted",
            ),
        )
        done.append(f"granted on {', '.join(schemas or ())}")
        if await _run(conn, "select to_regprocedure('core.secure_partitions(regclass)') is not null"):
            # Granting covers every table of a schema, partitions too: close those of tables under
            # RLS again, whose policies apply through the parent only (0079).
            await _run(conn, "select core.secure_partitions()")
    return done


async def _execute(conn: Connection, sql: str) -> None:
    try:
        await conn.execute(sql)
    except DRIVER_ERRORS as exc:
        raise from_driver(exc, conn) from exc
