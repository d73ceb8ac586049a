"""Configurações › Usuários and the invitation page: an admin invites, the invited person sets
a password through the link (once) and logs in with the role given; roles and deactivation
follow the rules; operators never see the page."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenancy.models import User
from tests.support import reads
from tests.support.factories import Cast
from tests.support.panel import csrf, log_in

USERS = "/painel/configuracoes/usuarios"
PASSWORD = "senha-da-recepcao-1"


async def invite(client: Any, email: str, role: str = "operator") -> str:
    """Invite from the Usuários page; the page shown after it."""
    token = await csrf(client, USERS)
    form = {"csrf_token": token, "email": email, "name": "Bia Recepção", "role": role}
    response = await client.post(f"{USERS}/convidar", form=form)
    assert response.status_code == 200
    return await response.get_data(as_text=True)


def link_in(page: str) -> str:
    match = re.search(r'id="invitation-link" href="http://[^/"]+(/painel/convite/[\w-]+)"', page)
    assert match, page
    return match.group(1)


async def set_password(client: Any, path: str, password: str, again: str | None = None) -> Any:
    token = await csrf(client, path)
    form = {"csrf_token": token, "password": password, "password_confirmation": again or password}
    return await client.post(path, form=form)


async def test_an_invited_operator_sets_a_password_once_and_logs_in_as_operator(
    app: Any, client: Any, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    page = await invite(client, "bia@a.example.com")
    assert "não será mostrado de novo" in page and "convite pendente" in page
    path = link_in(page)
    listed = await (await client.get(USERS)).get_data(as_text=True)
    assert "/painel/convite/" not in listed  # shown once

    guest = app.test_client()  # the invited person's own browser
    opened = await (await guest.get(path)).get_data(as_text=True)
    assert "Acme" in opened and "bia@a.example.com" in opened
    short = await set_password(guest, path, "curta")
    assert short.status_code == 422
    assert "Nova senha: precisa ter de 8 a 200 caracteres." in await short.get_data(as_text=True)
    done = await set_password(guest, path, PASSWORD)
    assert "Senha definida" in await done.get_data(as_text=True)
    again = await guest.get(path)
    assert again.status_code == 404
    assert "Este convite não vale mais" in await again.get_data(as_text=True)

    landed = await log_in(guest, "bia@a.example.com", PASSWORD)
    assert landed.status_code == 302
    home = await guest.get("/painel/conversas")
    assert "operador" in await home.get_data(as_text=True)
    assert (await guest.get(USERS)).status_code == 403
    assert (await guest.get("/painel/configuracoes")).status_code == 403
    listed = await (await client.get(USERS)).get_data(as_text=True)
    assert "convite pendente" not in listed


async def test_the_admin_changes_roles_and_deactivates_but_not_themselves(
    app: Any, client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    member = app.test_client()
    await log_in(member, cast.member, cast.password)
    assert (await member.get("/painel/conversas")).status_code == 200
    await log_in(client, cast.owner, cast.password)
    owner_id = await reads.value(engine, User.id, where=User.email == cast.owner)
    member_id = await reads.value(engine, User.id, where=User.email == cast.member)
    token = await csrf(client, USERS)

    demote = await client.post(
        f"{USERS}/{owner_id}/papel", form={"csrf_token": token, "role": "operator"}
    )
    assert demote.status_code == 403
    assert "seu próprio papel de administrador" in await demote.get_data(as_text=True)
    itself = await client.post(f"{USERS}/{owner_id}/desativar", form={"csrf_token": token})
    assert "desativar a si mesmo" in await itself.get_data(as_text=True)

    off = await client.post(f"{USERS}/{member_id}/desativar", form={"csrf_token": token})
    assert off.status_code == 200 and "Usuário desativado." in await off.get_data(as_text=True)
    # The member's session stops at once, and they cannot log in again here.
    assert (await member.get("/painel/conversas")).status_code in (302, 401)
    refused = await log_in(app.test_client(), cast.member, cast.password)
    assert refused.status_code == 403
    on = await client.post(f"{USERS}/{member_id}/reativar", form={"csrf_token": token})
    assert "Usuário reativado." in await on.get_data(as_text=True)
    promoted = await client.post(
        f"{USERS}/{member_id}/papel", form={"csrf_token": token, "role": "company_admin"}
    )
    assert "Papel alterado." in await promoted.get_data(as_text=True)


async def test_bad_invitations_are_explained_in_portuguese(client: Any, cast: Cast) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, USERS)
    bad = await client.post(
        f"{USERS}/convidar", form={"csrf_token": token, "email": "sem-arroba", "role": "operator"}
    )
    assert bad.status_code == 422 and "E-mail: não é um e-mail válido." in await bad.get_data(
        as_text=True
    )
    twice = await client.post(
        f"{USERS}/convidar",
        form={"csrf_token": token, "email": cast.member, "role": "operator"},
    )
    assert twice.status_code == 409
    assert "já tem acesso a esta empresa" in await twice.get_data(as_text=True)


async def test_operators_and_outsiders_cannot_manage_users(client: Any, cast: Cast) -> None:
    await log_in(client, cast.member, cast.password)
    assert (await client.get(USERS)).status_code == 403


async def test_an_unknown_invitation_link_is_a_portuguese_404(client: Any, cast: Cast) -> None:
    response = await client.get("/painel/convite/nada-disso")
    assert response.status_code == 404
    assert "Peça a quem convidou você um novo convite" in await response.get_data(as_text=True)


async def test_a_link_to_an_existing_account_asks_for_its_own_password(
    app: Any, client: Any, cast: Cast
) -> None:
    """A's admin invites B's outsider and holds the link: the page does not set a password,
    it asks the owner's; the admin's guess is refused and gives no access to anything."""
    await log_in(client, cast.owner, cast.password)
    page = await invite(client, cast.outsider)
    assert "Convite criado" in page and "já tinha conta" not in page  # nothing to tell apart
    path = link_in(page)

    holder = app.test_client()  # the inviting admin, trying the link
    opened = await (await holder.get(path)).get_data(as_text=True)
    assert "Aceitar o convite" in opened and "senha atual" in opened
    guessed = await set_password(holder, path, "Hacked12345")
    assert guessed.status_code == 422
    assert "E-mail ou senha incorretos." in await guessed.get_data(as_text=True)
    refused = await log_in(holder, cast.outsider, "Hacked12345")
    assert refused.status_code != 302

    owner = app.test_client()  # the outsider, with the link sent to them
    accepted = await set_password(owner, path, cast.password)
    assert "Convite aceito" in await accepted.get_data(as_text=True)
    chosen = await log_in(owner, cast.outsider, cast.password, company_id=str(cast.a.company.id))
    assert chosen.status_code == 302
