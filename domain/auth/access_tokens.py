"""Short-lived JWT access tokens (PyJWT, HS256 with the app's SECRET_KEY)."""

from __future__ import annotations

import time

import jwt

from domain.auth.principal import ROLE_RANK, Principal
from domain.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "secretaria-virtual"


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
    company_id, role = claims.get("company_id"), claims["role"]
    if role not in ROLE_RANK or not (company_id is None or isinstance(company_id, int)):
        raise Unauthorized("invalid access token", code="invalid_token")
    return Principal(company_id=company_id, role=role, user_id=int(claims["sub"]))
