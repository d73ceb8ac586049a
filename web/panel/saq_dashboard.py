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
            await _refuse(send, "Só o administrador da plataforma vê todas as filas.")
            return
        if scope["method"] not in ("GET", "HEAD") and _cross_site(scope):
            await _refuse(send, "Pedido vindo de outro site recusado.")
            return
        if path == PREFIX:
            await _respond(send, 307, b"", [(b"location", f"{PREFIX}/".encode())])
            return
        saq = await self._dashboard()
        await saq(
            {**scope, "root_path": scope.get("root_path", "") + PREFIX}, receive, _way_back(send)
        )

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


# SAQ's page is its own (English, its own look); ours is a way back to the panel on top.
BACK = (
    '<p class="sv-back"><a href="/painel/filas">← Voltar ao painel</a>'
    " · Filas e jobs de todas as empresas (SAQ)</p>"
)
STYLES = '<link rel="stylesheet" href="/static/saq.css">'


def _way_back(send: Any) -> Any:
    """`send` adding the way back to the panel to SAQ's HTML page (its JSON passes as is)."""
    held: list[dict[str, Any]] = []
    chunks: list[bytes] = []

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            kind = dict(message.get("headers", [])).get(b"content-type", b"")
            if not kind.startswith(b"text/html"):
                await send(message)
                return
            held.append(message)
            return
        if not held:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        page = b"".join(chunks).decode()
        page = page.replace("<html>", '<html lang="pt-BR">', 1)
        page = page.replace("<title>SAQ</title>", "<title>Filas (SAQ) — Secretária Virtual</title>")
        page = page.replace("</head>", STYLES + "</head>", 1).replace("<body>", "<body>" + BACK, 1)
        body = page.encode()
        start = held[0]
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return sending


async def _refuse(send: Any, message: str) -> None:
    """A refusal as a page in Portuguese with the way back."""
    page = (
        '<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">'
        "<title>Acesso recusado — Secretária Virtual</title>"
        '<link rel="stylesheet" href="/static/app.css"></head><body><main id="main">'
        f'<h1>Acesso recusado</h1><p class="error" role="alert">{message}</p>'
        '<p class="actions"><a href="/painel">Voltar ao painel</a></p></main></body></html>'
    )
    await _respond(
        send, 403, page.encode(), [(b"content-type", b"text/html; charset=utf-8")], html=True
    )


async def _respond(
    send: Any,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    html: bool = False,
) -> None:
    plain = [] if html else [(b"content-type", b"text/plain; charset=utf-8")]
    await send(
        {"type": "http.response.start", "status": status, "headers": [*plain, *(headers or [])]}
    )
    await send({"type": "http.response.body", "body": body})
