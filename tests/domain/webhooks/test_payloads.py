"""Every Whaticket fixture read as its README says (W3, W5), and bad bodies named (400)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InvalidInput
from domain.webhooks.payloads import Ignored, InboundMessage, parse_webhook
from tests.support.webhooks import fixture_json

MARIA = "5511999999999"


@pytest.mark.parametrize(
    ("fixture", "text", "kind", "reply_id", "external_id"),
    [
        ("inbound_text.json", "olá", "text", None, "3A5F0C2B9D7E4A1C8B6F"),
        (
            "inbound_extended_text.json",
            "Quero marcar uma consulta para amanhã às 10h",
            "text",
            None,
            "3A91D4E0F7B2C6A85D13",
        ),
        (
            "inbound_buttons_reply.json",
            "Quero falar com suporte",
            "button_reply",
            "btn_suporte",
            "3AC2E9F1A0B4D7C35E82",
        ),
        (
            "inbound_list_reply.json",
            "Terça-feira 10:00",
            "list_reply",
            "slot_2024-06-04T10:00",
            "3AD8B0C3E5F2A7D914C6",
        ),
        (
            "inbound_template_button_reply.json",
            "Confirmar",
            "template_reply",
            "confirmar_consulta",
            "3AE4F7A9B1C0D2E36F58",
        ),
        (
            "inbound_interactive_response.json",
            "Cancelar consulta",
            "interactive_reply",
            "cancelar_consulta",
            "3AF1A2B3C4D5E6F70819",
        ),
        (
            "inbound_image_caption.json",
            "Segue o pedido médico",
            "image",
            None,
            "3A07B9C8D6E5F4A3B2C1",
        ),
        ("inbound_wrapped_message.json", "Preciso remarcar", "text", None, "3A1B2C3D4E5F60718293"),
        ("inbound_lid.json", "Oi, ainda tem horário hoje?", "text", None, "3A9E8D7C6B5A49382716"),
    ],
)
def test_reads_customer_messages_from_fixtures(
    fixture: str, text: str, kind: str, reply_id: str | None, external_id: str
) -> None:
    message = parse_webhook(fixture_json(fixture))
    assert isinstance(message, InboundMessage)
    assert (message.phone, message.text, message.kind) == (MARIA, text, kind)
    assert message.reply_id == reply_id
    assert message.external_id == external_id
    assert message.push_name == "Maria Souza"


def test_lid_sender_is_resolved_through_remote_jid_alt() -> None:
    message = parse_webhook(fixture_json("inbound_lid.json"))
    assert isinstance(message, InboundMessage)
    assert message.phone == MARIA
    assert message.lid == "261254371377275"


def test_ticket_shape_takes_number_and_name_from_the_ticket_contact() -> None:
    message = parse_webhook(fixture_json("inbound_with_ticket.json"))
    assert isinstance(message, InboundMessage)
    assert message.phone == "5511988877766"
    assert message.push_name == "Maria Souza"
    assert message.text == "Quero falar com suporte"
    assert message.reply_id == "btn_suporte"


def test_seed_text_shape() -> None:
    message = parse_webhook({"message": {"conversation": "olá"}, "number": "5511999999999"})
    assert isinstance(message, InboundMessage)
    assert (message.phone, message.text, message.external_id) == (MARIA, "olá", None)


def test_seed_buttons_shape() -> None:
    payload = {
        "message": {"buttonsResponseMessage": {"selectedDisplayText": "Quero falar com suporte"}},
        "ticket": {"contact": {"number": "5511988877766"}},
    }
    message = parse_webhook(payload)
    assert isinstance(message, InboundMessage)
    assert message.text == "Quero falar com suporte"


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("inbound_from_me.json", "from_me"),
        ("inbound_group.json", "group"),
        ("inbound_status_broadcast.json", "status_broadcast"),
    ],
)
def test_ignores_what_is_not_a_customer_message(fixture: str, reason: str) -> None:
    assert parse_webhook(fixture_json(fixture)) == Ignored(reason)


def _wa(message: dict[str, Any], jid: str = f"{MARIA}@s.whatsapp.net") -> dict[str, Any]:
    return {"key": {"remoteJid": jid, "fromMe": False, "id": "X1"}, "message": message}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (_wa({"conversation": "oi"}, "120363@newsletter"), "newsletter"),
        (_wa({"protocolMessage": {"type": "REVOKE"}}), "protocol"),
        (_wa({"reactionMessage": {"text": "👍"}}), "reaction"),
        (_wa({"conversation": "\u200eResposta do robô"}), "bot_message"),
        ({"message": {"conversation": "\u200ebot"}, "number": MARIA}, "bot_message"),
        ({"message": {"conversation": "oi"}, "ticket": {"isGroup": True}}, "group"),
    ],
)
def test_ignores_protocol_reactions_newsletters_and_bot_text(
    payload: dict[str, Any], reason: str
) -> None:
    assert parse_webhook(payload) == Ignored(reason)


def test_unwraps_ephemeral_and_view_once() -> None:
    inner = {"extendedTextMessage": {"text": "segredo"}}
    payload = _wa({"ephemeralMessage": {"message": {"viewOnceMessageV2": {"message": inner}}}})
    message = parse_webhook(payload)
    assert isinstance(message, InboundMessage)
    assert message.text == "segredo"


def test_media_without_caption_is_kept_as_its_kind() -> None:
    message = parse_webhook(_wa({"audioMessage": {"seconds": 4}}))
    assert isinstance(message, InboundMessage)
    assert (message.kind, message.text) == ("audio", "")


def test_string_timestamps_are_read() -> None:
    payload = _wa({"conversation": "oi"}) | {"messageTimestamp": "1717430400"}
    message = parse_webhook(payload)
    assert isinstance(message, InboundMessage)
    assert message.wa_timestamp == 1717430400


@pytest.mark.parametrize(
    ("payload", "names"),
    [
        ([1, 2], "JSON object"),
        ({"message": {"conversation": "olá"}}, "number is missing"),
        ({"number": MARIA}, "message is missing"),
        ({"message": "olá", "number": MARIA}, "message must be an object"),
        ({"message": {"conversation": "olá"}, "number": 5511999999999}, "number must be a string"),
        ({"message": {"conversation": "olá"}, "number": "abc"}, "number must be a phone"),
        ({"message": {"conversation": "olá"}, "number": "123"}, "not a valid phone"),
        ({"message": {}, "number": MARIA}, "has no text"),
        ({"message": {"conversation": 12}, "number": MARIA}, "conversation must be a string"),
        (_wa({"extendedTextMessage": "oi"}), "extendedTextMessage must be an object"),
        ({"key": {"fromMe": False}, "message": {"conversation": "x"}}, "remoteJid is missing"),
        (
            {
                "key": {"remoteJid": "261254371377275@lid", "id": "Z"},
                "message": {"conversation": "x"},
            },
            "remoteJidAlt",
        ),
        ({"message": {"conversation": "x"}, "ticket": "4821"}, "ticket must be an object"),
    ],
)
def test_invalid_bodies_name_the_problem(payload: Any, names: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_webhook(payload)
    assert names in raised.value.message
