"""A fake Gemini API (generateContent) for the real google-genai SDK, via GEMINI_BASE_URL."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from quart import Quart, request


@dataclass
class FakeGemini:
    reply: str = "Olá! Posso ajudar com o seu agendamento."
    delay: float = 0.0  # seconds before answering (the pipeline bench uses 0.5)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # Scripted failures for the next calls: (status, message), consumed in order.
    script: list[tuple[int, str]] = field(default_factory=list)
    # The last turn of every call that arrived while a call with the same last turn was still
    # being answered: the same message asked twice at once.
    overlapping: list[str] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)

    def app(self) -> Quart:
        app = Quart("fake_gemini")

        @app.post("/<version>/models/<path:model_action>")
        async def generate(version: str, model_action: str) -> Any:
            body = await request.get_json()
            self.requests.append(
                {"path": request.path, "key": request.headers.get("x-goog-api-key"), **body}
            )
            asked = json.dumps((body.get("contents") or [None])[-1], sort_keys=True)
            if self.in_flight.get(asked):
                self.overlapping.append(asked)
            self.in_flight[asked] = self.in_flight.get(asked, 0) + 1
            try:
                if self.delay:
                    await asyncio.sleep(self.delay)
            finally:
                self.in_flight[asked] -= 1
            if self.script:
                status, message = self.script.pop(0)
                return {"error": {"code": status, "message": message, "status": "ERROR"}}, status
            text = self.reply(body) if callable(self.reply) else self.reply
            return {
                "candidates": [
                    {
                        "content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": "STOP",
                        "index": 0,
                    }
                ],
                "usageMetadata": {
                    "promptTokenCount": 120,
                    "candidatesTokenCount": 30,
                    "totalTokenCount": 150,
                },
                "modelVersion": model_action.split(":")[0],
            }

        return app
