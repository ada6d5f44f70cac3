"""The local OpenAI-compatible API server.

Other programs on this computer (or, when the user allows it, on the local network) use the
model loaded in the app through ``/v1/models``, ``/v1/chat/completions`` and
``/v1/completions``. Requests go through the same inference worker as the window's chats, so
they queue behind the user's answers instead of loading a second copy of the model.

This package is Qt-free: :class:`~gpt4all_desktop.server.host.ModelHost` is the only thing it
needs from the app, and :class:`~gpt4all_desktop.workers.inference_worker.InferenceController`
is one. The web framework is imported only when a server is created (names below load lazily),
so checking settings or starting the window does not pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gpt4all_desktop.server.config import DEFAULT_PORT, ServerConfig, ServerStartError
from gpt4all_desktop.server.host import ModelHost, RequestRecord

if TYPE_CHECKING:
    from gpt4all_desktop.server.app import create_app
    from gpt4all_desktop.server.runner import ApiServer

_LAZY = {"ApiServer": "gpt4all_desktop.server.runner", "create_app": "gpt4all_desktop.server.app"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ApiServer", "DEFAULT_PORT", "ModelHost", "RequestRecord", "ServerConfig", "ServerStartError",
           "create_app"]
