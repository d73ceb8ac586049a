"""A dead letter's failure told in Portuguese for the Filas tab. The stored error keeps the
exception's own English text (for logs and the platform admin); a clinic reads what went wrong
and what to check, never a Python repr."""

from __future__ import annotations

import re

# Phrases of a resolver that did not find the host (glibc, musl, macOS, httpx's wording).
_NOT_FOUND = (
    "name or service not known",
    "cannot resolve",
    "nodename nor servname",
    "getaddrinfo",
    "name does not resolve",
    "temporary failure in name resolution",
)
_REFUSED = ("connection refused", "errno 111", "connecterror")


def failure_reason(error: str | None) -> str:
    """The last line of a dead letter's `error` (the exception in one line) in Portuguese."""
    line = ((error or "").strip().splitlines() or [""])[-1]
    low = line.lower()
    if "whaticket unreachable" in low:
        if any(marker in low for marker in _NOT_FOUND):
            return (
                "Whaticket inacessível (endereço não encontrado): confira a URL em Configurações."
            )
        if any(marker in low for marker in _REFUSED):
            return "Whaticket inacessível (conexão recusada): confira a URL em Configurações."
        return "Whaticket inacessível: confira a URL em Configurações."
    if "whaticket timed out" in low:
        return "O Whaticket não respondeu a tempo."
    if "whaticket refused the credentials" in low or "login answered without a token" in low:
        return "O Whaticket recusou o acesso: confira o token ou a senha em Configurações."
    if "whaticket endpoint not found" in low:
        return "Endereço do Whaticket não encontrado: confira a URL em Configurações."
    if "whaticket url refused" in low:
        return "Endereço do Whaticket recusado (interno ou inválido): confira em Configurações."
    if "number not usable" in low:
        return "O número do cliente não está disponível no WhatsApp."
    status = re.search(r"whaticket answered (\d{3})", low)
    if status:
        return f"O Whaticket respondeu com erro (HTTP {status.group(1)})."
    if "hookfailed" in low:
        status = re.search(r"http (\d{3})", low)
        code = f" (HTTP {status.group(1)})" if status else ""
        return f"O endereço de avisos da empresa não aceitou o aviso{code}."
    if low.startswith("unanswerable"):  # a poison message (domain/operations/faults.py)
        handed = " O cliente foi passado para uma pessoa da equipe." if "handed" in low else ""
        return "Mensagem com dados que não puderam ser gravados; não adianta reenviar." + handed
    if "timeout" in low or "timed out" in low:
        return "Um serviço externo não respondeu a tempo."
    return "Falha inesperada ao processar a tarefa."
