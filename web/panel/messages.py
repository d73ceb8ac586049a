"""What the panel tells a person when something is refused, in Portuguese.

Errors are looked up by their machine-readable `code` (never by their English message, which
is for logs and the JSON API), then by HTTP status; a field pydantic refused is described by
the field's label and the kind of error."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from domain.errors import DomainError

# By `DomainError.code` (and the codes web/errors.py gives HTTP errors).
MESSAGES = {
    # Sessions and access
    "csrf": (
        "Esta página ficou desatualizada e o envio foi recusado por segurança. "
        "Recarregue a página e tente de novo."
    ),
    "unauthorized": "Sua sessão terminou. Entre de novo.",
    "invalid_credentials": "E-mail ou senha incorretos.",
    "rate_limited": "Muitas tentativas. Aguarde alguns minutos e tente de novo.",
    "forbidden": "Seu perfil não tem permissão para isso.",
    "not_a_member": "Este usuário não tem acesso a esta empresa.",
    "company_required": "Escolha uma empresa no seletor do topo da página.",
    "unknown_company": "Empresa não encontrada.",
    # Conversations
    "conversation_closed": "Esta conversa já foi encerrada.",
    "not_handed_off": "Esta conversa já está com o robô.",
    "reply_text": "Escreva a resposta antes de enviar (até 4.000 caracteres).",
    "simulator_text": "Escreva a mensagem do cliente antes de enviar (até 2.000 caracteres).",
    # Agenda › Importar histórico (a file that cannot be read at all)
    "import_no_file": "Escolha o arquivo CSV ou JSON a importar.",
    "not_utf8": "O arquivo não está em UTF-8: no Excel, salve como “CSV UTF-8”.",
    "empty_file": "O arquivo não tem nenhum agendamento.",
    "missing_columns": (
        "Faltam colunas no cabeçalho: o arquivo precisa de phone, name, start, end, booked_at "
        "e status."
    ),
    "too_many_rows": "O arquivo tem mais de 20.000 linhas: divida-o em partes.",
    "malformed_csv": "O CSV está malformado e não pôde ser lido.",
    "not_a_list": 'O JSON precisa ser {"appointments": [...]}.',
    # Agenda
    "appointment_start": "Informe a data e a hora do agendamento.",
    "appointment_contact": "Informe o nome do cliente e um telefone com DDD.",
    "appointment_name": "Informe o nome do cliente (até 200 caracteres).",
    "appointment_phone": (
        "Telefone inválido: informe o DDD e o número (por exemplo, 11 98888-7777) ou, de outro "
        "país, o número com + e o código do país."
    ),
    "appointment_notes": "As observações podem ter até 2.000 caracteres.",
    "appointment_past": (
        "Data e hora: este horário já passou. Escolha uma data e hora futuras para o agendamento."
    ),
    "appointment_not_active": "Este agendamento já foi cancelado, remarcado ou encerrado.",
    "slot_double_booked": (
        "Já existe um agendamento nesse horário. Para marcar mesmo assim, marque “Agendar "
        "mesmo assim”."
    ),
    "slot_closed": (
        "A empresa não atende nesse horário. Para marcar mesmo assim, marque “Agendar mesmo assim”."
    ),
    "check_in_too_early": (
        "Ainda é cedo para registrar a chegada: o check-in abre 30 minutos antes do horário."
    ),
    "no_show_too_early": (
        "Ainda é cedo para marcar falta: espere o horário começar e a tolerância passar."
    ),
    "agenda_not_configured": (
        "Agenda automática não configurada: configure o Cal.com ou ative a agenda local."
    ),
    "calendar_not_configured": (
        "Agenda automática não configurada: faltam a chave de API ou o tipo de evento do Cal.com."
    ),
    "calendar_auth": "Agenda automática não configurada: o Cal.com recusou a chave de API.",
    "slot_taken": "Este horário não está mais livre. Escolha outro.",
    "calendar_unavailable": "Não consegui acessar a agenda agora. Tente de novo em instantes.",
    "upstream_timeout": (
        "O sistema externo (Cal.com ou Whaticket) não respondeu a tempo. Nada foi confirmado "
        "por aqui: confira a agenda e tente de novo em instantes."
    ),
    "calendar_refused": "A agenda recusou o agendamento. Confira os dados e tente de novo.",
    "reminder_inactive": "Só agendamentos futuros e ativos recebem lembrete.",
    "reminder_too_recent": "Um lembrete foi enviado há instantes para este agendamento.",
    "reminder_too_close": "O lembrete não pôde ser enviado (horário muito próximo).",
    "reminder_simulated": (
        "Este agendamento foi feito no Simulador: é só um teste e não recebe lembretes."
    ),
    "followup_answered": "Este cliente já respondeu ao follow-up.",
    "followup_resent": "Este follow-up já foi reenviado uma vez.",
    "followup_closed": "O prazo de resposta deste follow-up (7 dias) já terminou.",
    "followup_gone": "O agendamento deste follow-up não existe mais.",
    # Empresas
    "already_exists": "Já existe uma empresa com este identificador ou domínio.",
    "provisioning_gone": "O resultado desta criação já foi mostrado e não fica guardado.",
    # Configurações
    "unsafe_url": (
        "Este endereço não é aceito: use um endereço público da internet (https://…), "
        "não um endereço interno."
    ),
    # Configurações › Agenda and "Testar conexão"
    "invalid_slot": "Escolha uma das durações de horário da lista.",
    "invalid_time": "Informe os horários no formato HH:MM, por exemplo 08:00.",
    "invalid_break": "Informe o início e o fim do intervalo, com o fim depois do início.",
    "invalid_hours": "O horário de fechar precisa ser depois do de abrir.",
    "invalid_date": "Informe os dias fechados como datas dd/mm/aaaa, uma por linha.",
    "invalid_event_type": (
        "Informe os tipos de evento do Cal.com pelos números, separados por vírgula."
    ),
    "url_parsing": "Informe um endereço válido, começando com https://.",
    "calcom_key_missing": (
        "Agenda automática não configurada: falta a chave de API do Cal.com (a URL é opcional)."
    ),
    "calcom_not_found": "Não há uma API do Cal.com nesse endereço. Confira a URL da API.",
    "whaticket_not_configured": (
        "O Whaticket não está configurado: informe a URL e o token (ou e-mail e senha) e salve."
    ),
    "whaticket_auth": (
        "O Whaticket recusou as credenciais (ou o endereço não é de um Whaticket). "
        "Confira a URL e o token."
    ),
    "whaticket_unavailable": (
        "Não consegui falar com o Whaticket agora. Confira a URL e tente de novo."
    ),
    # Usuários and invitations
    "invalid_email": "Informe um e-mail válido.",
    "invalid_role": "Escolha o papel: administrador ou operador.",
    "already_member": "Esta pessoa já tem acesso a esta empresa.",
    "invitation_pending": (
        "O convite ainda não foi aceito: só a própria pessoa dá acesso, entrando pelo link "
        "com a senha dela."
    ),
    "unknown_user": "Usuário não encontrado nesta empresa.",
    "own_admin_role": "Você não pode tirar o seu próprio papel de administrador.",
    "deactivate_self": "Você não pode desativar a si mesmo.",
    "last_admin": (
        "A empresa precisa de pelo menos um administrador ativo: promova outra pessoa antes."
    ),
    "invitation_invalid": (
        "Este convite não vale mais: já foi usado, expirou ou o link está incompleto."
    ),
    "password_length": "A senha precisa ter de 8 a 200 caracteres.",
    "password_mismatch": "As duas senhas não são iguais.",
    # Any other error of a kind
    "invalid_payload": "Não foi possível entender o que foi enviado. Recarregue a página.",
    "invalid_json": "Não foi possível entender o que foi enviado. Recarregue a página.",
    "invalid_field": "Confira os dados do formulário.",
    "not_found": "Não encontrado: pode ter sido removido ou ser de outra empresa.",
    "conflict": "Não foi possível: a situação mudou. Recarregue a página e confira.",
    "payload_too_large": "O envio é grande demais.",
    "unavailable": "Um serviço de que dependemos não respondeu. Tente de novo em instantes.",
    "internal_error": "Algo deu errado do nosso lado. Tente de novo em instantes.",
}

# When the code is not in the table: by HTTP status (4xx/5xx from anywhere, a proxy included).
BY_STATUS = {
    400: MESSAGES["invalid_payload"],
    401: MESSAGES["unauthorized"],
    403: MESSAGES["forbidden"],
    404: "Página não encontrada.",
    405: "Esta ação não está disponível aqui.",
    409: MESSAGES["conflict"],
    413: MESSAGES["payload_too_large"],
    422: MESSAGES["invalid_field"],
    429: MESSAGES["rate_limited"],
    503: MESSAGES["unavailable"],
}

TITLES = {
    400: "Pedido recusado",
    401: "Sessão encerrada",
    403: "Acesso recusado",
    404: "Não encontrado",
    409: "Ação recusada",
    422: "Dados inválidos",
    429: "Muitas tentativas",
    503: "Serviço indisponível",
}

# Form fields as their labels on screen.
FIELDS = {
    "company_id": "Empresa",
    "from": "De",
    "to": "Até",
    "de": "Semana",
    "text": "Mensagem",
    "status": "Situação",
    "client": "Cliente",
    "phone": "Telefone",
    "start": "Data e hora",
    "notes": "Observações",
    "name": "Nome",
    "slug": "Identificador (slug)",
    "domain": "Domínio",
    "plan": "Plano",
    "plan.slug": "Plano (slug)",
    "plan.monthly_messages": "Limite de mensagens por mês",
    "plan.overage": "Ao atingir o limite",
    "timezone": "Fuso horário",
    "whaticket_base_url": "URL do Whaticket",
    "whaticket_token": "Token do Whaticket",
    "whaticket_email": "E-mail do Whaticket",
    "whaticket_password": "Senha do Whaticket",
    "gemini_api_key": "Chave da API do Gemini",
    "gemini_model": "Modelo do Gemini",
    "business_hours": "Horário de atendimento",
    "address": "Endereço",
    "secretary_name": "Nome da secretária",
    "secretary_tone": "Tom",
    "alert_url": "URL dos alertas de consumo",
    "reminder_hours": "Lembretes antes do horário",
    "no_show_grace_minutes": "Minutos após o fim para considerar falta",
    "kind": "Pergunta",
    "min_score": "Nota mínima",
    "max_score": "Nota máxima",
    "since": "De",
    "until": "Até",
    "professional": "Profissional",
    "followup_enabled": "Follow-up depois do atendimento",
    "followup_delay_minutes": "Minutos após o fim do atendimento",
    "followup_text": "Texto do follow-up",
    "followup_quiet_hours": "Horário de silêncio",
    "followup_nps_every": "Perguntar NPS a cada",
    "mon_open": "Segunda: abre",
    "mon_close": "Segunda: fecha",
    "tue_open": "Terça: abre",
    "tue_close": "Terça: fecha",
    "wed_open": "Quarta: abre",
    "wed_close": "Quarta: fecha",
    "thu_open": "Quinta: abre",
    "thu_close": "Quinta: fecha",
    "fri_open": "Sexta: abre",
    "fri_close": "Sexta: fecha",
    "sat_open": "Sábado: abre",
    "sat_close": "Sábado: fecha",
    "sun_open": "Domingo: abre",
    "sun_close": "Domingo: fecha",
    "break_start": "Intervalo: início",
    "break_end": "Intervalo: fim",
    "slot_minutes": "Duração de cada horário",
    "closed_days": "Dias fechados",
    "cal_base_url": "URL da API do Cal.com",
    "cal_api_key": "Chave da API do Cal.com",
    "cal_webhook_secret": "Segredo do webhook do Cal.com",
    "cal_event_types": "Tipos de evento",
    "email": "E-mail",
    "role": "Papel",
    "password": "Nova senha",
    "password_confirmation": "Repita a nova senha",
    "admin_email": "E-mail do administrador da empresa",
    "admin_name": "Nome do administrador",
}

# pydantic's error types, as what is wrong with the value.
PROBLEMS = {
    "missing": "é obrigatório",
    "string_too_short": "não pode ficar vazio",
    "string_too_long": "passa de {max_length} caracteres",
    "string_pattern_mismatch": "não está no formato esperado",
    "already_exists": "já é usado por outra empresa",  # which of slug and domain: its field
    "url_parsing": "não é um endereço válido (comece com https://)",
    "url_scheme": "não é um endereço válido (comece com https://)",
    "int_parsing": "precisa ser um número inteiro",
    "int_type": "precisa ser um número inteiro",
    "greater_than_equal": "precisa ser pelo menos {ge}",
    "less_than_equal": "pode ser no máximo {le}",
    "literal_error": "não é uma das opções",
    "extra_forbidden": "não é aceito aqui",
    "value_error": "tem um valor inválido",
    # Ours, from forms read by hand (Configurações › Agenda, Usuários, the invitation page).
    "invalid_time": "precisa ser um horário no formato HH:MM",
    "invalid_hours": "precisa ser depois do horário de abrir",
    "invalid_break": "o intervalo precisa de início e fim, com o fim depois do início",
    "invalid_slot": "não é uma das opções",
    "invalid_date": "use datas dd/mm/aaaa, uma por linha",
    "invalid_event_type": "use os números dos tipos de evento, separados por vírgula",
    "invalid_email": "não é um e-mail válido",
    "invalid_role": "não é uma das opções",
    "password_length": "precisa ter de 8 a 200 caracteres",
    "password_mismatch": "não é igual à nova senha",
    "not_a_date": "precisa ser uma data (AAAA-MM-DD)",
    "date_out_of_range": "precisa ser uma data entre 2000 e 2099",
    # Ours: the follow-up text (domain/feedback/policy.text_problem).
    "unknown_placeholder": (
        "usa {placeholder}, que não existe; os campos que podem ser usados são "
        "{{cliente}}, {{profissional}} e {{empresa}}"
    ),
    "unbalanced_brace": (
        "tem uma chave “{{” ou “}}” sem par; os campos que podem ser usados são "
        "{{cliente}}, {{profissional}} e {{empresa}}, cada um entre chaves"
    ),
    "blank_text": "não pode ter só espaços (deixe vazio para usar o texto padrão)",
    # Ours: a range given backwards (web/api/schemas.FeedbackQuery, web/api/feedback.filters).
    "date_order": "a data final é anterior à inicial",
    "score_order": "é menor que a nota mínima",
    "since_after_today": "é depois de hoje (sem a data final, o período termina hoje)",
    # Ours: a URL our servers would call that leads inside our network (SSRF).
    "unsafe_url": "precisa ser um endereço público da internet (https://…), não um interno",
}


def message_for(error: DomainError) -> str:
    """The Portuguese sentence for a refused request."""
    if error.code == "invalid_form":  # access.FormError: already written for people
        return error.message
    if error.code == "invalid_field" and error.field:
        return f"Confira o campo {label(error.field)}."
    if error.field and error.code in PROBLEMS:
        return field_problem(error.field, error.code, None)
    return for_code(error.code, error.status)


def for_code(code: str, status: int) -> str:
    """The Portuguese sentence for an error code (one recorded earlier, say)."""
    return MESSAGES.get(code) or for_status(status)


def for_status(status: int) -> str:
    """The Portuguese sentence for an HTTP status with no code of ours."""
    return BY_STATUS.get(status) or MESSAGES["internal_error"]


def title_for(status: int) -> str:
    """The heading of the error page."""
    return TITLES.get(status, "Algo deu errado")


def label(field: str) -> str:
    """A field's label on screen (its name, for a field of no form we know)."""
    return FIELDS.get(field, field)


# Why a row of an imported history was refused (history_import.Rejected.code).
IMPORT_PROBLEMS = {
    "cells": "a linha não tem o mesmo número de colunas que o cabeçalho",
    "phone": "telefone inválido",
    "end_before_start": "o fim é antes do início",
    "too_long": "o atendimento dura mais de 24 horas",
    "booked_late": "booked_at (quando foi marcado) é depois do início",
    "future_outcome": "um atendimento que ainda vai acontecer não pode estar attended nem no_show",
    "repeated": "external_id repetido no arquivo",
    "date": "data e hora inválidas (use 2025-03-01 09:00 ou 01/03/2025 09:00)",
    "date_range": "data fora do intervalo de 2000 a 2099",
}
IMPORT_COLUMNS = {"start": "start (início)", "end": "end (fim)", "booked_at": "booked_at"}


def import_problem(code: str, field: str | None) -> str:
    """Why a row of an imported history was refused, in Portuguese."""
    if code in IMPORT_PROBLEMS:
        problem = IMPORT_PROBLEMS[code]
        where = IMPORT_COLUMNS.get(field or "")
        return f"{where}: {problem}" if where and code.startswith("date") else problem
    return f"valor inválido na coluna {field}" if field else "linha inválida"


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# What a field's format is, said when a value does not match it.
FORMATS = {
    "followup_quiet_hours": "use HH:MM-HH:MM, por exemplo 21:00-08:00",
    "reminder_hours": "use horas separadas por vírgula, por exemplo 24, 1",
    "gemini_model": "use o nome do modelo, por exemplo gemini-2.5-flash",
}


def field_problem(field: str, kind: str, context: dict[str, Any] | None) -> str:
    """ "Domínio: não está no formato esperado." for one field pydantic refused (with the
    expected format, for a field that has one)."""
    problem = PROBLEMS.get(kind, "tem um valor inválido")
    if kind == "string_pattern_mismatch" and field in FORMATS:
        problem = f"{problem}; {FORMATS[field]}"
    said = {key: _as_said(value) for key, value in (context or {}).items()}
    return f"{label(field)}: {problem.format(**said)}."


def _as_said(limit: Any) -> Any:
    """A limit that is a date (pydantic gives it as ISO text) as people write it: dd/mm/aaaa."""
    if isinstance(limit, str) and ISO_DAY.fullmatch(limit):
        limit = date.fromisoformat(limit)
    return f"{limit:%d/%m/%Y}" if isinstance(limit, date) else limit


# Settings as Configurações names them, for "Configurações salvas: …" (the form and the audit
# row use their `section.key`).
SETTINGS = {
    "whaticket.base_url": "URL do Whaticket",
    "whaticket.token": "token do Whaticket",
    "whaticket.email": "e-mail do Whaticket",
    "whaticket.password": "senha do Whaticket",
    "gemini.api_key": "chave da API do Gemini",
    "gemini.model": "modelo do Gemini",
    "secretary.name": "nome da secretária",
    "secretary.tone": "tom da secretária",
    "secretary.business_hours": "horário de atendimento",
    "secretary.address": "endereço",
    "agenda.reminders": "lembretes antes do horário",
    "agenda.no_show_grace_minutes": "tolerância para falta",
    "agenda.local": "agenda local",
    "followup.enabled": "follow-up ligado ou desligado",
    "followup.delay_minutes": "espera do follow-up",
    "followup.text": "texto do follow-up",
    "followup.quiet_hours": "horário de silêncio do follow-up",
    "followup.nps_every": "frequência do NPS",
    "alert_url": "URL dos alertas de consumo",
}
SECTIONS = {
    "whaticket": "Whaticket",
    "gemini": "Gemini",
    "secretary": "secretária",
    "agenda": "agenda",
    "calcom": "Cal.com",
}


def setting_label(key: str) -> str:
    """A saved setting as people read it: "secretary.name" -> "nome da secretária"; a key
    this table does not know yet is named by its section, never shown raw."""
    if key in SETTINGS:
        return SETTINGS[key]
    section = key.partition(".")[0]
    return f"outra configuração de {SECTIONS[section]}" if section in SECTIONS else "outra"
