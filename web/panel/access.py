"""What every panel tab asks of the request, written once: the company it acts in (and its
profile), who acts (for the audit log), a message typed in a form, and a form field pydantic
refused."""

from __future__ import annotations

from pydantic import ValidationError
from quart import g, request

from domain.errors import InvalidField, InvalidInput, NotFound
from domain.tenancy.directory import CompanyProfile
from web.panel.messages import field_problem
from web.services import services
from web.validation import refused_field


def company_id(role: str = "operator") -> int:
    """The company the logged-in person acts in, if their role is at least `role`; a platform
    admin who has not chosen one yet is asked to."""
    principal = g.principal
    principal.require(role)
    if principal.company_id is None:
        raise InvalidInput("choose a company first", code="company_required")
    return int(principal.company_id)


async def company(role: str = "operator") -> CompanyProfile:
    """The acting company's profile: name, time zone, settings and plan limits."""
    profile = await services().directory.profile(company_id(role))
    if profile is None:
        raise NotFound("no such company", code="unknown_company")
    return profile


def actor() -> str:
    """Who the audit log names for what this request changes."""
    user_id = g.principal.user_id
    return f"user:{user_id}" if user_id else "painel"


async def written_text(limit: int, code: str) -> str:
    """The form's `text`, trimmed; refused (as `code`) when empty or over `limit` characters."""
    text = ((await request.form).get("text") or "").strip()
    if not text or len(text) > limit:
        raise InvalidField(f"write a message of up to {limit} characters", field="text", code=code)
    return text


class FormError(InvalidField):
    """A panel form's field refused, its message already in Portuguese (from pydantic's
    error type and the field's label, see messages.field_problem)."""

    code = "invalid_form"


def form_error(error: ValidationError) -> FormError:
    """The first field pydantic refused, as an error the panel can show."""
    field, first = refused_field(error)
    return FormError(field_problem(field, first["type"], first.get("ctx")), field=field)
