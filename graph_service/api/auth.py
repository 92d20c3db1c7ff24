"""API keys with roles, kept hashed.

``GRAPH_SERVICE_API_KEYS`` holds comma-separated ``role:sha256hex`` entries; the keys
themselves are never stored (``graph-service apikey`` makes one and prints its entry).
A request presents its key as ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``.

Roles are ranked: ``reader`` (reads and the read-only Cypher endpoint) < ``editor``
(writes and imports) < ``admin`` (everything, including deleting the whole graph).

When keys are configured, every resource needs a key: no key or an unknown key is 401, a
key whose role is too low is 403. Only ``/health``, ``/ready`` and the API docs are open.
When no keys are configured the API is open to all (local analyst mode); ``graph-service
serve`` then refuses to bind anything but a loopback address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr

from graph_service.errors import Forbidden, Invalid, Unauthorized


class Role(StrEnum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_ENTRY = re.compile(r"^(reader|editor|admin):([0-9a-f]{64})$")


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256 as lower-case hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A new random key (256 bits, URL-safe)."""
    return "gs_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class KeyRing:
    """The configured keys: (role, hash) pairs. Empty: the API is open (local mode)."""

    entries: tuple[tuple[Role, str], ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.entries)

    @classmethod
    def parse(cls, value: SecretStr | str | None) -> KeyRing:
        text = value.get_secret_value() if isinstance(value, SecretStr) else (value or "")
        entries: list[tuple[Role, str]] = []
        for i, raw in enumerate(p.strip() for p in text.split(",")):
            if not raw:
                continue
            match = _ENTRY.match(raw.lower())
            if not match:
                raise Invalid(
                    f"GRAPH_SERVICE_API_KEYS entry {i + 1} is not role:sha256hex "
                    "(role reader, editor or admin; 64 hex digits)"
                )
            entries.append((Role(match.group(1)), match.group(2)))
        return cls(tuple(entries))

    def role_of(self, key: str) -> Role | None:
        """The highest role the key has, or None if it is unknown."""
        digest = hash_key(key)
        found: Role | None = None
        for role, stored in self.entries:
            # compare every entry in constant time, so timing says nothing of the match
            if hmac.compare_digest(digest, stored) and (found is None or role.rank > found.rank):
                found = role
        return found

    def authorize(self, key: str | None, needed: Role) -> Role:
        """The caller's role if it may do what needs ``needed``; else 401 or 403."""
        if not self.configured:
            return Role.ADMIN
        if not key:
            raise Unauthorized(
                f"this needs an API key with role {needed} or higher "
                "(header X-API-Key or Authorization: Bearer)"
            )
        role = self.role_of(key)
        if role is None:
            raise Unauthorized("unknown API key")
        if not role.allows(needed):
            raise Forbidden(f"this needs role {needed} or higher; the key has role {role}")
        return role


def presented_key(x_api_key: str | None, authorization: str | None) -> str | None:
    """The key a request presents: ``X-API-Key``, else the token of ``Authorization:
    Bearer``; None without one. The same reading as the routes' security dependencies."""
    if x_api_key:
        return x_api_key
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def is_loopback(host: str) -> bool:
    """Is ``host`` a loopback address (what `serve` may bind without keys)?"""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
