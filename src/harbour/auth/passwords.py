"""Password hashing with Argon2id; the cost is a setting (RFC 9106's low-memory profile default)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from harbour.settings import get_settings


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=4)
    # A real hash to verify against when the username is unknown, so that the time taken does
    # not reveal which usernames exist.
    return hasher, hasher.hash("harbour-timing-equaliser")


def _current() -> tuple[PasswordHasher, str]:
    settings = get_settings()
    return _hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib)


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _current()[0].hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Tell whether a password matches a stored hash (the same work when there is none)."""
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a hash was made with other parameters than today's settings."""
    return _current()[0].check_needs_rehash(password_hash)
