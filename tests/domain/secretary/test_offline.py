"""The offline secretary speaks with what the company saved in Configurações: its secretary's
name, business hours (or its agenda's opening hours) and address; its menu numbers work."""

from __future__ import annotations

from domain.secretary.offline import MENU, Company, offline_reply, opening_hours_text

SAVED = Company(
    "Clínica Sorriso",
    {
        "secretary": {
            "name": "Ana",
            "business_hours": "seg a sex, 8h às 18h",
            "address": "Rua das Flores, 100 - Centro",
        }
    },
)


def test_introduces_itself_by_the_saved_name() -> None:
    reply = offline_reply("oi", "text", "Maria Souza", SAVED)
    assert reply.startswith("Olá, Maria! Sou Ana, a secretária virtual da Clínica Sorriso.")
    assert MENU in reply


def test_answers_hours_and_address_from_the_settings() -> None:
    hours = offline_reply("que horas vocês abrem?", "text", None, SAVED)
    assert "Nosso horário de atendimento: seg a sex, 8h às 18h." in hours
    address = offline_reply("qual o endereço?", "text", None, SAVED)
    assert "Endereço: Rua das Flores, 100 - Centro." in address
    assert "seg a sex" not in address
    menu_two = offline_reply("2", "text", None, SAVED, last_reply=MENU)
    assert "seg a sex, 8h às 18h" in menu_two and "Rua das Flores" in menu_two


def test_without_written_hours_the_agendas_opening_hours_are_said() -> None:
    company = Company("Clínica", {"agenda": {"local": True}})
    reply = offline_reply("até que horas funciona?", "text", None, company)
    assert "seg a sex, 08:00 às 12:00 e 13:00 às 18:00; sáb, 08:00 às 12:00" in reply
    nothing = offline_reply("que horas abre?", "text", None, Company("Clínica", {}))
    assert "A equipe da Clínica confirma" in nothing


def test_opening_hours_group_days_with_the_same_hours() -> None:
    hours = {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "thu": ["09:00-17:00"]}
    assert opening_hours_text(hours) == "seg a ter, 09:00 às 17:00; qui, 09:00 às 17:00"


def test_a_wish_after_the_day_prompt_is_noted_not_answered_with_the_menu() -> None:
    prompt = offline_reply("quero agendar", "text", None, SAVED)
    assert "Me diga o dia e o período" in prompt
    noted = offline_reply("amanhã de manhã", "text", None, SAVED, last_reply=prompt)
    assert "Anotei sua preferência" in noted and MENU not in noted


def test_a_conversation_under_way_is_not_greeted_again() -> None:
    reply = offline_reply("blz", "text", "Maria Souza", SAVED, last_reply="Até lá!", greeted=True)
    assert reply == MENU
    hours = offline_reply("que horas abre?", "text", "Maria", SAVED, greeted=True)
    assert hours.startswith("Nosso horário de atendimento")


def test_a_question_without_facts_gets_an_honest_answer_and_a_person_offered() -> None:
    reply = offline_reply("vcs aceitam unimed?", "text", None, SAVED)
    assert "Essa informação eu não tenho por aqui." in reply and MENU not in reply
    assert reply.endswith("Posso chamar alguém da equipe para te responder?")


def test_the_local_calendars_hours_without_a_hours_text() -> None:
    demo = Company("Empresa Demo", {}, local_calendar=True)
    assert "sáb, 08:00 às 12:00" in offline_reply("vcs atendem sabado?", "text", None, demo)
