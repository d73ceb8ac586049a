"""The panel: people in a browser, logged in with a session cookie and guarded by CSRF.

One module per tab; what they share lives in `layout.py` (the page around a tab), `access.py`
(the current company, the actor, form input) and `messages.py` (what a refusal says, in
Portuguese), written once. Handlers validate, call one domain function and render; errors
become responses in `web/errors.py`."""

from __future__ import annotations

from quart import Blueprint, Quart

from domain.settings import Settings
from web.panel import (
    agenda,
    agenda_import,
    analytics,
    companies,
    conversations,
    csrf,
    feedback,
    home,
    login,
    messages,
    queues,
    saq_dashboard,
    sessions,
    settings,
    simulator,
    times,
    users,
)

bp = Blueprint("panel", __name__)
for area in (
    home,
    login,
    conversations,
    agenda,
    simulator,
    analytics,
    feedback,
    queues,
    companies,
    settings,
):
    bp.register_blueprint(area.bp)
bp.register_blueprint(users.bp)  # Configurações › Usuários
bp.register_blueprint(agenda_import.bp)  # Agenda › Importar histórico


def install(app: Quart, config: Settings) -> None:
    """Session cookies, CSRF and SAQ's dashboard: what the panel needs beyond its routes."""
    app.register_blueprint(bp)
    times.install(app, config)
    app.jinja_env.filters["setting_label"] = messages.setting_label
    csrf.install(app, sessions.install(app, config))
    # SAQ's dashboard under /painel/filas/saq, behind the panel login (a foreign ASGI app).
    app.asgi_app = saq_dashboard.QueueDashboard(app)  # type: ignore[method-assign,assignment]
