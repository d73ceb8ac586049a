"""What every panel page shares: the tabs that exist, the company switcher, and rendering the
whole page or (for htmx) only the part that changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quart import g, render_template, request

from domain.tenancy import store
from web.services import services


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    path: str
    platform_admin_only: bool = False
    admin_only: bool = False  # company admins and the platform admin


ROLE_LABELS = {
    "platform_admin": "administrador da plataforma",
    "company_admin": "administrador",
    "operator": "operador",
}

# Only capabilities that exist get a tab (later issues add theirs).
TABS = (
    Tab("conversas", "Conversas", "/painel/conversas"),
    Tab("agenda", "Agenda", "/painel/agenda"),
    Tab("simulador", "Simulador", "/painel/simulador"),
    Tab("analytics", "Analytics e Consumo", "/painel/analytics"),
    Tab("pos-atendimento", "Pós-Atendimento", "/painel/pos-atendimento"),
    Tab("empresas", "Empresas", "/painel/empresas", platform_admin_only=True),
    Tab("filas", "Filas", "/painel/filas"),
    Tab("configuracoes", "Configurações", "/painel/configuracoes", admin_only=True),
)


def is_htmx() -> bool:
    """Whether htmx sent this request (it wants a fragment, not the whole page)."""
    return request.headers.get("HX-Request") == "true"


async def render_panel(template: str, active: str, **context: Any) -> str:
    """A full panel page: layout, tabs, switcher and the page's own `context`."""
    principal = g.principal
    admin = principal.role in ("company_admin", "platform_admin")
    tabs = [
        t
        for t in TABS
        if (not t.platform_admin_only or principal.is_platform_admin)
        and (not t.admin_only or admin)
    ]
    # The switcher: the platform admin may act in any company, anyone else in their own.
    async with services().engine.connect() as conn:
        companies = await store.active_companies(
            conn, None if principal.is_platform_admin else principal.user_id
        )
    names = dict(companies)
    profile = (
        await services().directory.profile(principal.company_id)
        if principal.company_id is not None
        else None
    )
    return await render_template(
        template,
        tabs=tabs,
        active=active,
        companies=companies,
        company_id=principal.company_id,
        company_name=names.get(principal.company_id),
        role_label=ROLE_LABELS[principal.role],
        unsubscribed=profile.subscription if profile and not profile.subscribed else None,
        **context,
    )
