"""The local OpenAI-compatible API server.

Other programs on this computer (or, when the user allows it, on the local network) use the
model loaded in the app through ``/v1/models``, ``/v1/chat/completions`` and
``/v1/completions``. Requests go through the same inference worker as the window's chats, so
they queue behind the user's answers instead of loading a second copy of the model.

This package is Qt-free: :class:`~gpt4all_desktop.server.host.ModelHost` is the only thing it
needs from the app, and :class:`~gpt4all_desktop.workers.inference_worker.InferenceController`
is one.
"""

from gpt4all_desktop.server.app import create_app
from gpt4all_desktop.server.host import ModelHost, RequestRecord
from gpt4all_desktop.server.runner import ApiServer, ServerConfig, ServerStartError

__all__ = ["ApiServer", "ModelHost", "RequestRecord", "ServerConfig", "ServerStartError", "create_app"]
