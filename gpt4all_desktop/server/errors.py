"""Errors in OpenAI's format, and how engine messages map onto HTTP status codes.

Clients written for OpenAI read ``{"error": {"message", "type", "param", "code"}}`` and the
status code to decide whether to retry (503), fix their request (400, 404) or their key (401),
so every failure of this server, including unknown paths, answers in that shape.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    500: "server_error",
    503: "service_unavailable",
}

# Fragments of the engine's user-facing messages (gpt4all_desktop.core.llama_engine and
# engine_process) that are the client's doing or a passing state rather than a server fault.
_CONTEXT_TOO_LONG = "too long for this model's context window"
_NO_MODEL = "No model is loaded"


class ApiError(Exception):
    """A request that cannot be answered; becomes one OpenAI-format error response."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": _TYPES.get(self.status, "server_error"),
                          "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def not_ready(loading: bool) -> ApiError:
    """503 with Retry-After, so well-behaved clients wait and try again."""
    if loading:
        return ApiError(503, "The model is loading; try again in a moment.", code="model_loading",
                        headers={"Retry-After": "2"})
    return ApiError(503, "No model is loaded in GPT4All Desktop. Load one in the app and try again.",
                    code="model_not_loaded", headers={"Retry-After": "5"})


def from_engine(message: str) -> ApiError:
    """Turn an engine failure message into the error a client should see."""
    if _CONTEXT_TOO_LONG in message:
        return ApiError(400, message, param="messages", code="context_length_exceeded")
    if _NO_MODEL in message:
        return not_ready(loading=False)
    return ApiError(500, message, code="engine_error")
