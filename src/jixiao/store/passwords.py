"""Password hashing (argon2id, argon2-cffi's defaults)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_PH = PasswordHasher()
# A hash to verify against when the user does not exist, so a login takes the same time either way.
_DUMMY = _PH.hash("jixiao-no-such-user")


def hash_password(password: str) -> str:
    return _PH.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _PH.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
