"""Who is calling: a user (by access token) or a company API key, with one role in one company."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import Forbidden, InvalidInput

# Higher includes lower. A platform admin may act in any company.
ROLE_RANK = {"operator": 1, "company_admin": 2, "platform_admin": 3}


@dataclass(frozen=True, slots=True)
class Principal:
    company_id: int | None  # None: a platform admin's token not bound to a company
    role: str
    user_id: int | None = None
    api_key_id: int | None = None

    @property
    def is_platform_admin(self) -> bool:
        return self.role == "platform_admin"

    def require(self, role: str) -> None:
        """Forbidden unless this principal holds `role` or a higher one."""
        if ROLE_RANK[self.role] < ROLE_RANK[role]:
            raise Forbidden(f"this needs the {role} role")

    def company(self, requested: int | None = None) -> int:
        """The company this call acts on: the principal's own, or (platform admin) any."""
        if requested is None or requested == self.company_id:
            if self.company_id is None:
                raise InvalidInput("company_id is required", code="company_required")
            return self.company_id
        if not self.is_platform_admin:
            raise Forbidden("this credential is not valid for that company")
        return requested
