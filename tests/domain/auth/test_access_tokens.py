"""domain/auth/access_tokens.py: a token signed with our key is still refused (never a crash)
when its claims are missing, of the wrong type or out of range."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from domain.auth.access_tokens import issue_access_token, read_access_token
from domain.auth.principal import Principal
from domain.errors import Unauthorized

KEY = "a-signing-key-for-these-tests-0123456789"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # a claim left out of the token


def signed(**change: Any) -> str:
    """A token with our key: the claims we issue to a company operator, with `change`."""
    issued = issue_access_token(Principal(3, "operator", user_id=7), KEY, 600)
    claims = jwt.decode(issued, KEY, algorithms=["HS256"], issuer="secretaria-virtual")
    claims.update(change)
    return jwt.encode({k: v for k, v in claims.items() if v is not MISSING}, KEY, algorithm="HS256")


def test_well_formed_claims_name_the_principal() -> None:
    assert read_access_token(signed(), KEY) == Principal(3, "operator", user_id=7)
    unbound = signed(role="platform_admin", company_id=None)
    assert read_access_token(unbound, KEY) == Principal(None, "platform_admin", user_id=7)


@pytest.mark.parametrize(
    "change",
    [
        {"sub": "abc"},
        {"sub": "-1"},
        {"sub": "0"},
        {"sub": " 7"},
        {"sub": "99999999999"},  # beyond PostgreSQL's integer: a database error, not a refusal
        {"sub": 7},
        {"sub": MISSING},
        {"company_id": "3"},
        {"company_id": True},
        {"company_id": 3.0},
        {"company_id": 0},
        {"company_id": 2**31},
        {"company_id": [3]},
        {"company_id": MISSING},
        {"company_id": None},  # only a platform admin acts in no company
        {"role": "root"},
        {"role": ["operator"]},
        {"role": MISSING},
        {"exp": "tomorrow"},
        {"iat": MISSING},
        {"iss": "someone-else"},
    ],
    ids=repr,
)
def test_malformed_claims_are_an_invalid_token(change: dict[str, Any]) -> None:
    with pytest.raises(Unauthorized) as refused:
        read_access_token(signed(**change), KEY)
    assert refused.value.code == "invalid_token"
