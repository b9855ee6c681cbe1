"""The errors of the easyflow domain; all are :mod:`sqlfirst.errors` types (subclasses of its bases).

Two business rules live in the database (migration 0051) and raise with SQLSTATEs of the project's
``SF`` class, registered here with :func:`sqlfirst.errors.register_sqlstate` (SF14x: issue 14's block):

* ``SF141`` :class:`ConversationClosed`: a closed conversation's status changed, or a message was
  appended to it;
* ``SF142`` :class:`PlatformInactive`: an integration was made with a platform that is not active.

The credential errors come from the application's cipher and name the key id, never a secret.
"""

from __future__ import annotations

from uuid import UUID

from sqlfirst.errors import DatabaseError, SqlfirstError, register_sqlstate

__all__ = [
    "CONVERSATION_CLOSED_SQLSTATE",
    "PLATFORM_INACTIVE_SQLSTATE",
    "ConversationClosed",
    "CredentialKeyMissing",
    "CredentialsUnreadable",
    "PlatformInactive",
]

CONVERSATION_CLOSED_SQLSTATE = "SF141"
PLATFORM_INACTIVE_SQLSTATE = "SF142"


class ConversationClosed(DatabaseError):
    """A closed conversation is final: no status change, no new message (SQLSTATE SF141)."""


class PlatformInactive(DatabaseError):
    """The platform is not active, so no integration can be made with it (SQLSTATE SF142)."""


class CredentialKeyMissing(SqlfirstError):
    """The key ring has no key with this id (configuration lacks a retired or new key)."""

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(f"no encryption key {key_id!r} in the key ring")


class CredentialsUnreadable(SqlfirstError):
    """The ciphertext does not open with its key for this integration: a wrong key under the id, a
    corrupted value, or a ciphertext copied from another row (it is bound to its integration)."""

    def __init__(self, key_id: str, integration_id: UUID) -> None:
        self.key_id = key_id
        self.integration_id = integration_id
        super().__init__(f"credentials of integration {integration_id} do not decrypt with key {key_id!r}")


register_sqlstate(CONVERSATION_CLOSED_SQLSTATE, ConversationClosed)
register_sqlstate(PLATFORM_INACTIVE_SQLSTATE, PlatformInactive)
