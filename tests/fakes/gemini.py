"""A fake Gemini API (generateContent) for the real google-genai SDK, via GEMINI_BASE_URL."""

from __future__ import annotations

import asyncio
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

    def app(self) -> Quart:
        app = Quart("fake_gemini")

        @app.post("/<version>/models/<path:model_action>")
        async def generate(version: str, model_action: str) -> Any:
            body = await request.get_json()
            self.requests.append(
                {"path": request.path, "key": request.headers.get("x-goog-api-key"), **body}
            )
            if self.delay:
                await asyncio.sleep(self.delay)
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
