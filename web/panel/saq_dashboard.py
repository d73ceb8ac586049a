"""SAQ's own web dashboard mounted at /painel/filas/saq behind the panel login (O5).

Quart cannot mount a foreign ASGI app, so this wraps the app's ASGI callable: requests under
the prefix are authenticated from the panel's session cookie (platform admins only: the
dashboard shows every company's jobs), cross-site POSTs are refused (SAQ's retry/abort have
no CSRF protection of their own), and the rest goes to SAQ's Starlette app with the prefix as
its root path. Its responses carry the panel's security headers, with a policy of their own
that allows SAQ's one inline script by its hash.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from typing import Any

from quart import Quart
from saq.queue.redis import RedisQueue

from domain import queues
from web.headers import headers, policy, source_hash
from web.panel.sessions import principal_for

PREFIX = "/painel/filas/saq"
Scope = dict[str, Any]


def _saq_policy() -> str:
    """Our policy plus SAQ's page's inline script (`const root_path = ...`), by its hash."""
    from saq.web.common import render

    inline = re.findall(r"<script>(.*?)</script>", render(root_path=PREFIX), re.S)
    return policy(scripts=[source_hash(script) for script in inline])


SAQ_POLICY = _saq_policy()


class QueueDashboard:
    def __init__(self, app: Quart) -> None:
        self.app = app
        self.inner: Any = app.asgi_app  # Quart's own typing of scopes is stricter than ours
        self._saq: Any = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.inner(scope, receive, send)
            return
        send = self._secured(scope, send)
        principal = await self._principal(scope)
        if principal is None:
            await _respond(
                send, 302, b"", [(b"location", f"/painel/login?next={PREFIX}/".encode())]
            )
            return
        if not principal.is_platform_admin:
            await _respond(
                send, 403, "Só o administrador da plataforma vê todas as filas.".encode()
            )
            return
        if scope["method"] not in ("GET", "HEAD") and _cross_site(scope):
            await _respond(send, 403, b"Pedido vindo de outro site recusado.")
            return
        if path == PREFIX:
            await _respond(send, 307, b"", [(b"location", f"{PREFIX}/".encode())])
            return
        saq = await self._dashboard()
        await saq({**scope, "root_path": scope.get("root_path", "") + PREFIX}, receive, send)

    def _secured(self, scope: Scope, send: Any) -> Any:
        """`send` adding the security headers to the response's start."""
        settings = self.app.config["SETTINGS"]
        extra = [
            (name.lower().encode(), value.encode())
            for name, value in headers(settings, scope.get("scheme") == "https", SAQ_POLICY).items()
        ]

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return sending

    async def _principal(self, scope: Scope) -> Any:
        cookies = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookies.load(value.decode("latin-1"))
        morsel = cookies.get("sv_session")
        if morsel is None:
            return None
        auth = self.app.extensions["panel_auth"]
        async with self.app.app_context():
            return await principal_for(auth.load_token(morsel.value, app=self.app))

    async def _dashboard(self) -> Any:
        """Built on first use (services exist only once the app is serving), with the shared,
        scheduler and every provisioned company's queue."""
        if self._saq is None:
            from saq.web.starlette import saq_web

            svc = self.app.extensions["services"]
            ns = svc.settings.redis_namespace
            names = [
                queues.queue_name(ns, queues.company_queue(i)) for i in await _company_ids(svc)
            ]
            dedicated = [RedisQueue(svc.redis, name=name) for name in names]
            self._saq = saq_web(PREFIX, [svc.queue, svc.scheduler_queue, *dedicated])
        return self._saq


async def _company_ids(svc: Any) -> list[int]:
    from domain.tenancy.store import company_ids

    async with svc.engine.connect() as conn:
        return await company_ids(conn)


def _cross_site(scope: Scope) -> bool:
    headers = dict(scope.get("headers", []))
    site = headers.get(b"sec-fetch-site", b"").decode()
    if site:
        return site not in ("same-origin", "none")
    origin = headers.get(b"origin", b"").decode()
    host = headers.get(b"host", b"").decode()
    return bool(origin) and origin.split("://", 1)[-1] != host


async def _respond(
    send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})
