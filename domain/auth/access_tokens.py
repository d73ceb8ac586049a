"""Short-lived JWT access tokens (PyJWT, HS256 with the app's SECRET_KEY)."""

from __future__ import annotations

import re
import time
from typing import Any

import jwt

from domain.auth.principal import ROLE_RANK, Principal
from domain.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "secretaria-virtual"
# Ids are PostgreSQL `integer`s: a bigger number would make the user lookup fail with a
# database error (a 500) instead of a refusal.
MAX_ID = 2**31 - 1
DECIMAL = re.compile(r"[1-9][0-9]{0,9}")


def issue_access_token(principal: Principal, key: str, ttl_seconds: int) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": str(principal.user_id),
        "company_id": principal.company_id,
        "role": principal.role,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read_access_token(token: str, key: str) -> Principal:
    """The token's principal; Unauthorized when it is forged, tampered with or expired."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # never trust the header's choice ("none", RS/HS confusion)
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "role", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("access token expired", code="token_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("invalid access token", code="invalid_token") from None
    principal = _principal(claims)
    if principal is None:
        raise Unauthorized("invalid access token", code="invalid_token")
    return principal


def _principal(claims: dict[str, Any]) -> Principal | None:
    """The principal of well-formed claims; None for anything else (a token signed with our
    key is still refused, not a crash, when a claim has the wrong type or range)."""
    sub, role = claims["sub"], claims["role"]
    if "company_id" not in claims:
        return None
    company_id = claims["company_id"]
    if not (isinstance(sub, str) and DECIMAL.fullmatch(sub) and int(sub) <= MAX_ID):
        return None
    if not (isinstance(role, str) and role in ROLE_RANK):
        return None
    if company_id is None:
        if role != "platform_admin":  # only a platform admin acts without a company
            return None
    elif type(company_id) is not int or not 0 < company_id <= MAX_ID:  # bool is an int too
        return None
    return Principal(company_id=company_id, role=role, user_id=int(sub))
