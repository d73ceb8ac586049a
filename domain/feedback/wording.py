"""What the customer reads: the follow-up's question (CSAT or NPS) and the replies to an
answer. Warm and short; the options are numbered so one tap or one word answers."""

from __future__ import annotations

from typing import Any

from domain.feedback.policy import FollowupPolicy

CSAT_OPTIONS = (
    "1 😞 Muito insatisfeito(a)\n"
    "2 🙁 Insatisfeito(a)\n"
    "3 😐 Regular\n"
    "4 🙂 Satisfeito(a)\n"
    "5 😍 Muito satisfeito(a)"
)
CSAT_ASK = "Responda com um número de 1 a 5:"
ASK_COMMENT = "Sentimos muito. O que poderíamos melhorar?"
THANKS_GOOD = "Que bom! Muito obrigada pela sua avaliação. 💚"
THANKS_NEUTRAL = "Obrigada pela sua avaliação! Ela nos ajuda a melhorar."
THANKS_COMMENT = "Obrigada por nos contar. Sua mensagem já foi encaminhada para a equipe."


def professional_of(appointment: Any) -> str | None:
    """Who attended: the Cal.com organizer when the booking came with one."""
    payload = getattr(appointment, "payload", None) or {}
    for part in (payload, payload.get("payload") or {}):
        organizer = part.get("organizer") if isinstance(part, dict) else None
        if isinstance(organizer, dict) and organizer.get("name"):
            return str(organizer["name"])[:200]
    return None


def greeting(policy: FollowupPolicy, company_name: str, appointment: Any) -> str:
    """The company's text with the customer's, the professional's and the company's names."""
    first = (getattr(appointment, "name", None) or "").split()[:1]
    text = policy.text
    if "{profissional}" in text and professional_of(appointment) is None:
        text = text.replace(" com {profissional}", "").replace("{profissional}", "nossa equipe")
    values = {
        "{cliente}": first[0] if first else "",
        "{profissional}": professional_of(appointment) or "",
        "{empresa}": company_name,
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    # "Olá, !" when the customer's name is unknown.
    return text.replace(", !", "!").replace(" ,", ",").strip()


def question(kind: str, company_name: str) -> str:
    if kind == "nps":
        return (
            f"De 0 a 10, quanto você recomendaria a {company_name} a um amigo ou familiar? "
            "Responda só com o número."
        )
    return f"{CSAT_ASK}\n{CSAT_OPTIONS}"


def followup_text(policy: FollowupPolicy, company_name: str, appointment: Any, kind: str) -> str:
    """The whole follow-up message."""
    return f"{greeting(policy, company_name, appointment)}\n\n{question(kind, company_name)}"


def resend_text(company_name: str, appointment: Any, kind: str) -> str:
    """ "Reenviar follow-up": the question again, said as a reminder."""
    first = (getattr(appointment, "name", None) or "").split()[:1]
    hello = f"Olá, {first[0]}!" if first else "Olá!"
    return (
        f"{hello} Ainda dá tempo de nos contar como foi seu atendimento na {company_name}. "
        f"Leva só um toque.\n\n{question(kind, company_name)}"
    )
