"""Reading Whaticket webhook bodies (W3, W5) into one shape, or a reason to ignore them.

Accepted shapes (see shared/fixtures/whaticket/README.md):
- the raw Baileys `WAMessage` ({key, message, pushName, messageTimestamp}),
- `{message: WAMessage}` (some forks' webhook branch),
- the seed's `{message: {...}, number}` and `{message: {...}, ticket: {contact: {number}}}`.

What is kept fits its column or is refused at the door (never in the job, where it would fail
six times and leave the customer unanswered): the name is cut to 200 characters, a message id
longer than 128 is refused (400 naming it), a LID that is not 1-64 digits is left out (the
phone from remoteJidAlt still answers), and a timestamp outside 2000-2099 is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import phonenumbers

from domain.conversations.models import Contact, Message
from domain.errors import InvalidInput
from domain.webhooks.bounds import (
    EARLIEST,
    LATEST,
    MAX_DEPTH,
    clean_text,
    column_length,
    depth_exceeds,
    identifier,
)

BOT_MARKER = "\u200e"  # Whaticket prefixes the bot's own text with U+200E (loop avoidance)

# The contact's name is the message's push name: the shorter column bounds it.
PUSH_NAME_MAX = min(column_length(Message.push_name), column_length(Contact.name))
EXTERNAL_ID_MAX = column_length(Message.external_id)
LID_MAX = column_length(Contact.lid)
PARAMS_JSON_MAX = 4096  # a native flow's reply parameters: an id and a few fields
_FIRST, _LAST = int(EARLIEST.timestamp()), int(LATEST.timestamp())

# Containers whose `.message` holds the real content.
WRAPPERS = (
    "ephemeralMessage",
    "viewOnceMessage",
    "viewOnceMessageV2",
    "viewOnceMessageV2Extension",
    "documentWithCaptionMessage",
)
# Content kinds that are not something a customer said.
IGNORED_CONTENT = {
    "protocolMessage": "protocol",
    "reactionMessage": "reaction",
    "editedMessage": "edit",
    "pollUpdateMessage": "poll_update",
    "keepInChatMessage": "protocol",
    "pinInChatMessage": "protocol",
    "senderKeyDistributionMessage": "protocol",
}
# Media kinds; their caption (if any) is the text.
MEDIA = {
    "imageMessage": "image",
    "videoMessage": "video",
    "documentMessage": "document",
    "audioMessage": "audio",
    "stickerMessage": "sticker",
    "locationMessage": "location",
    "liveLocationMessage": "location",
    "contactMessage": "contact",
    "contactsArrayMessage": "contact",
}


@dataclass(frozen=True, slots=True)
class InboundMessage:
    phone: str  # E.164 digits without '+', as WhatsApp writes them
    text: str
    kind: str
    external_id: str | None
    push_name: str | None
    reply_id: str | None = None  # id of the chosen button / list row, when there is one
    lid: str | None = None
    wa_timestamp: int | None = None


@dataclass(frozen=True, slots=True)
class Ignored:
    reason: str


def parse_webhook(payload: Any) -> InboundMessage | Ignored:
    """Read a decoded webhook body; raise InvalidInput naming the problem."""
    if not isinstance(payload, dict):
        raise InvalidInput("body must be a JSON object")
    if isinstance(payload.get("key"), dict):
        return _parse_wamessage(payload)
    inner = payload.get("message")
    if isinstance(inner, dict) and isinstance(inner.get("key"), dict):
        return _parse_wamessage(inner)
    return _parse_seed(payload)


def _parse_wamessage(wa: dict[str, Any]) -> InboundMessage | Ignored:
    key = wa["key"]
    remote = _string(key, "remoteJid", "key.remoteJid")
    if not remote:
        raise InvalidInput("key.remoteJid is missing")
    if key.get("fromMe") is True:
        return Ignored("from_me")
    ignored_jid = _ignored_jid(remote)
    if ignored_jid:
        return Ignored(ignored_jid)
    message = wa.get("message")
    if message is None:
        return Ignored("no_content")  # stubs: calls, group events, deleted messages
    if not isinstance(message, dict):
        raise InvalidInput("message must be an object")
    extracted = _extract(message, "message")
    if isinstance(extracted, Ignored):
        return extracted
    text, kind, reply_id = extracted
    if text.startswith(BOT_MARKER):
        return Ignored("bot_message")
    lid = None
    if remote.endswith("@lid"):
        lid = _lid(remote)
        alt = _string(key, "remoteJidAlt", "key.remoteJidAlt") or _string(
            key, "senderPn", "key.senderPn"
        )
        if not alt:
            raise InvalidInput("@lid sender without key.remoteJidAlt: the phone is unknown")
        remote = alt
    return InboundMessage(
        phone=normalise_phone(remote, "key.remoteJid"),
        text=text,
        kind=kind,
        external_id=_id(key, "id", "key.id"),
        push_name=_name(_string(wa, "pushName", "pushName")),
        reply_id=reply_id,
        lid=lid,
        wa_timestamp=_timestamp(wa.get("messageTimestamp")),
    )


def _parse_seed(payload: dict[str, Any]) -> InboundMessage | Ignored:
    if "message" not in payload:
        raise InvalidInput("message is missing")
    message = payload["message"]
    if not isinstance(message, dict):
        raise InvalidInput("message must be an object")
    number: Any = payload.get("number")
    name = None
    ticket = payload.get("ticket")
    if ticket is not None and not isinstance(ticket, dict):
        raise InvalidInput("ticket must be an object")
    contact = (ticket or {}).get("contact")
    if contact is not None and not isinstance(contact, dict):
        raise InvalidInput("ticket.contact must be an object")
    if (ticket or {}).get("isGroup") is True or (contact or {}).get("isGroup") is True:
        return Ignored("group")
    if number is None and contact:
        number = contact.get("number")
        name = _string(contact, "name", "ticket.contact.name")
    if number is None:
        raise InvalidInput("number is missing: send number or ticket.contact.number")
    if not isinstance(number, str):
        raise InvalidInput("number must be a string of digits")
    extracted = _extract(message, "message")
    if isinstance(extracted, Ignored):
        return extracted
    text, kind, reply_id = extracted
    if text.startswith(BOT_MARKER):
        return Ignored("bot_message")
    return InboundMessage(
        phone=normalise_phone(number, "number"),
        text=text,
        kind=kind,
        external_id=_id(payload, "id", "id") or _id(message, "id", "message.id"),
        push_name=_name(_string(payload, "pushName", "pushName") or name),
        reply_id=reply_id,
    )


def _extract(message: dict[str, Any], path: str) -> tuple[str, str, str | None] | Ignored:
    """(text, kind, reply id) of a Baileys `message` object, unwrapping containers."""
    content = message
    for _ in range(4):  # wrappers nest at most a couple of levels; never loop forever
        wrapper = next((w for w in WRAPPERS if isinstance(content.get(w), dict)), None)
        if wrapper is None or not isinstance(content[wrapper].get("message"), dict):
            break
        path = f"{path}.{wrapper}.message"
        content = content[wrapper]["message"]
    found = _text_of(content, path)
    if found is not None:
        return found
    for field, reason in IGNORED_CONTENT.items():
        if field in content:
            return Ignored(reason)
    for field, kind in MEDIA.items():
        if isinstance(content.get(field), dict):
            return "", kind, None
    raise InvalidInput(
        f"{path} has no text: expected conversation, extendedTextMessage.text, a caption "
        "or a button/list/template/interactive reply"
    )


def _text_of(content: dict[str, Any], path: str) -> tuple[str, str, str | None] | None:
    text = _string(content, "conversation", f"{path}.conversation")
    if text:
        return text, "text", None
    ext = _object(content, "extendedTextMessage", path)
    if ext and _string(ext, "text", f"{path}.extendedTextMessage.text"):
        return ext["text"], "text", None
    buttons = _object(content, "buttonsResponseMessage", path)
    if buttons:
        text = _string(buttons, "selectedDisplayText", f"{path}.buttonsResponseMessage")
        reply = _string(buttons, "selectedButtonId", f"{path}.buttonsResponseMessage")
        if text or reply:
            return text or reply or "", "button_reply", reply
    listed = _object(content, "listResponseMessage", path)
    if listed:
        single = listed.get("singleSelectReply")
        row = single.get("selectedRowId") if isinstance(single, dict) else None
        reply = row if isinstance(row, str) else None
        text = _string(listed, "title", f"{path}.listResponseMessage.title")
        if text or reply:
            return text or reply or "", "list_reply", reply
    template = _object(content, "templateButtonReplyMessage", path)
    if template:
        text = _string(template, "selectedDisplayText", f"{path}.templateButtonReplyMessage")
        reply = _string(template, "selectedId", f"{path}.templateButtonReplyMessage")
        if text or reply:
            return text or reply or "", "template_reply", reply
    interactive = _object(content, "interactiveResponseMessage", path)
    if interactive:
        return _interactive(interactive)
    for field, kind in MEDIA.items():
        media = _object(content, field, path)
        if media and _string(media, "caption", f"{path}.{field}.caption"):
            return media["caption"], kind, None
    return None


def _interactive(interactive: dict[str, Any]) -> tuple[str, str, str | None] | None:
    body = interactive.get("body")
    text = body.get("text") if isinstance(body, dict) else None
    reply = None
    flow = interactive.get("nativeFlowResponseMessage")
    if isinstance(flow, dict) and isinstance(flow.get("paramsJson"), str):
        params = _params(flow["paramsJson"])
        if isinstance(params.get("id"), str):
            reply = params["id"]
    if (isinstance(text, str) and text) or reply:
        return (text if isinstance(text, str) and text else reply or ""), "interactive_reply", reply
    return None


def _params(raw: str) -> dict[str, Any]:
    """A native flow's `paramsJson` (JSON inside a string), bounded like a body; {} when it
    is too long, too deep or not an object."""
    if len(raw) > PARAMS_JSON_MAX:
        return {}
    try:
        params = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(params, dict) or depth_exceeds(params, MAX_DEPTH):
        return {}
    return params


def _lid(jid: str) -> str | None:
    """The LID of a `…@lid` JID when it is one (1-64 ASCII digits), else None: the message
    is still answered through the phone in remoteJidAlt."""
    user = jid.split("@", 1)[0].split(":", 1)[0]
    ok = 0 < len(user) <= LID_MAX and user.isascii() and user.isdigit()
    return user if ok else None


def _ignored_jid(jid: str) -> str | None:
    if jid == "status@broadcast":
        return "status_broadcast"
    if jid.endswith("@broadcast"):
        return "broadcast"
    if jid.endswith("@g.us"):
        return "group"
    if jid.endswith("@newsletter"):
        return "newsletter"
    return None


def normalise_phone(value: str, field: str) -> str:
    """Digits of a valid E.164 number, from '5511999999999', '+55 (11) 99999-9999' or a JID."""
    user = value.split("@", 1)[0].split(":", 1)[0]
    digits = "".join(ch for ch in user if ch.isdigit())
    stripped = user.strip().lstrip("+")
    if not digits or any(ch not in "0123456789 -()." for ch in stripped):
        raise InvalidInput(f"{field} must be a phone number (digits only)")
    try:
        parsed = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        raise InvalidInput(f"{field} is not a valid phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInput(f"{field} is not a valid phone number")
    return digits


def _string(obj: dict[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{path} must be a string", field=path)
    return value


def _id(obj: dict[str, Any], key: str, path: str) -> str | None:
    """A message id (the dedupe key): refused when it does not fit its column, since a cut
    id could be another message's."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    return identifier(value, path, EXTERNAL_ID_MAX, InvalidInput)


def _name(value: str | None) -> str | None:
    """The sender's name as kept: cut to its column, without control characters."""
    if not value:
        return None
    return clean_text(value, PUSH_NAME_MAX).strip() or None


def _object(obj: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}.{key} must be an object", field=f"{path}.{key}")
    return value


def _timestamp(value: Any) -> int | None:
    """Unix seconds of the message, when it gives a time within 2000-2099 (else None: the
    time it was received stands in)."""
    # Baileys writes a number; protobufjs toJSON writes int64 as a string or a Long.
    seconds: int | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        seconds = int(value)
    elif isinstance(value, dict):  # protobuf Long: two 32-bit halves
        low, high = value.get("low"), value.get("high", 0)
        if isinstance(low, int) and isinstance(high, int) and _int32(low) and _int32(high):
            seconds = (high << 32) | (low & 0xFFFFFFFF)
    if seconds is None or not _FIRST <= seconds < _LAST:
        return None
    return seconds


def _int32(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**32
