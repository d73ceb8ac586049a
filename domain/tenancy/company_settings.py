"""A company's own integration settings (`companies.settings` JSON) over the environment's:
the environment's values are defaults for the demo company only (issue 3 item 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.tenancy.directory import DEMO_SLUG, CompanyProfile


def picker(company: CompanyProfile, section: str) -> Callable[[str, Any], Any]:
    """`pick(key, env_default)`: the company's value in `section`, else (demo company only)
    the environment's default, unwrapping secrets."""
    own = (company.settings or {}).get(section) or {}
    demo = company.slug == DEMO_SLUG

    def pick(key: str, default: Any) -> Any:
        value = own.get(key)
        if value:
            return value
        if not demo or default is None:
            return None
        return default.get_secret_value() if hasattr(default, "get_secret_value") else default

    return pick
