"""NLU API: the pipeline's own intent, sentiment and injection checks, for integrators."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, jsonify
from quart_schema import document_request, document_response

from domain.secretary.guardrails import MAX_INPUT_CHARS, is_injection, sanitise
from domain.secretary.nlu import analyse
from web.api.auth import authenticated
from web.api.schemas import AnalyzeResponse
from web.validation import json_body

bp = Blueprint("nlu", __name__, url_prefix="/api/nlu")


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_INPUT_CHARS * 4)


@bp.post("/analyze")
@document_request(AnalyzeRequest)
@document_response(AnalyzeResponse)
@authenticated("operator")
async def analyze() -> Response:
    body = await json_body(AnalyzeRequest)
    text = sanitise(body.text)
    analysis = analyse(text)
    return jsonify(
        intent=analysis.intent,
        confidence=analysis.confidence,
        sentiment=analysis.sentiment,
        injection=is_injection(text),
    )
