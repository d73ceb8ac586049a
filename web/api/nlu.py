"""NLU API: the pipeline's own intent, sentiment and injection checks, for integrators."""

from __future__ import annotations

from quart import Blueprint, Response, jsonify
from quart_schema import document_response, validate_request

from domain.secretary.guardrails import is_injection, sanitise
from domain.secretary.nlu import analyse
from web.api.auth import authenticated
from web.api.schemas import AnalyzeRequest, AnalyzeResponse

bp = Blueprint("nlu", __name__, url_prefix="/api/nlu")


@bp.post("/analyze")
@document_response(AnalyzeResponse)
@authenticated("operator")
@validate_request(AnalyzeRequest)
async def analyze(data: AnalyzeRequest) -> Response:
    """Intent, sentiment and prompt-injection check of a text (and of the sender's name, when
    given), as the pipeline sees them."""
    text = sanitise(data.text)
    analysis = analyse(text)
    return jsonify(
        intent=analysis.intent,
        confidence=analysis.confidence,
        sentiment=analysis.sentiment,
        injection=is_injection(text) or is_injection(sanitise(data.name or "", 256)),
    )
