"""The window's handle on the local API server.

:class:`ServerController` lives on the GUI thread. Starting and stopping happen on a small
worker thread (the first start imports the web framework, which would freeze the window for a
moment), one at a time in the order asked, so quickly toggling the setting ends in the state
last chosen. The server itself runs on its own thread (see
:mod:`gpt4all_desktop.server.runner`); each request it handles is announced with
``requestHandled`` and ``exchangeRecorded``, which the window may show in a "Server" chat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gpt4all_desktop.core.messages import SamplingParams
from gpt4all_desktop.server.config import DEFAULT_PORT, ServerConfig, ServerStartError
from gpt4all_desktop.server.host import ModelHost, RequestRecord

if TYPE_CHECKING:
    from gpt4all_desktop.server.runner import ApiServer

log = logging.getLogger(__name__)

STOP_WAIT_MS = 8000


@dataclass(frozen=True)
class ServerSettings:
    """The server's settings, as a snapshot handed to the worker thread."""

    enabled: bool = False
    port: int = DEFAULT_PORT
    api_key: str = ""
    allow_network: bool = False

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> "ServerSettings":
        """From resolved settings (``server_enabled``, ``server_port``, ``server_api_key``,
        ``server_allow_network``); missing names keep their defaults."""
        d = cls()
        return cls(
            enabled=bool(values.get("server_enabled", d.enabled)),
            port=int(values.get("server_port", d.port)),
            api_key=str(values.get("server_api_key", d.api_key) or ""),
            allow_network=bool(values.get("server_allow_network", d.allow_network)),
        )

    def config(self) -> ServerConfig:
        return ServerConfig(port=self.port, api_key=self.api_key, allow_network=self.allow_network)


class ServerWorker(QObject):
    """Owns the running :class:`ApiServer`; its slots run on the worker thread."""

    started = Signal(str)  # base URL
    stopped = Signal()
    failed = Signal(str)  # a sentence for the user
    requestRecorded = Signal(object)  # RequestRecord, emitted on the server's thread

    def __init__(self, host: ModelHost) -> None:
        super().__init__()
        self._host = host
        self._server: ApiServer | None = None
        self._running_as: tuple[ServerSettings, SamplingParams] | None = None

    @Slot(object, object)
    def apply(self, settings: ServerSettings, defaults: SamplingParams) -> None:
        wanted = (settings, defaults) if settings.enabled else None
        if wanted == self._running_as and (wanted is None or self._alive()):
            return
        self._stop_server()
        if wanted is None:
            return
        from gpt4all_desktop.server.runner import ApiServer  # noqa: PLC0415 - the web framework loads here, off the GUI thread

        server = ApiServer(self._host, settings.config(), defaults=defaults, on_request=self.requestRecorded.emit)
        try:
            server.start()
        except ServerStartError as exc:
            log.warning("API server did not start: %s", exc)
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a failure to serve must never take the app down
            log.exception("API server failed to start")
            self.failed.emit(f"The API server could not start: {exc}")
            return
        self._server, self._running_as = server, wanted
        self.started.emit(server.url)

    @Slot()
    def shutdown(self) -> None:
        """Stop serving and end this worker's thread (the last request it handles)."""
        self._stop_server()
        thread = self.thread()
        if thread is not None:
            thread.quit()

    def _alive(self) -> bool:
        return self._server is not None and self._server.running

    def _stop_server(self) -> None:
        server, self._server, self._running_as = self._server, None, None
        if server is not None:
            server.stop()
            self.stopped.emit()


class ServerController(QObject):
    """GUI-thread front: ``apply`` settings, hear about state changes and handled requests.

    ``host`` is the window's :class:`InferenceController`, so API answers queue behind the
    user's chats on the same engine.
    """

    started = Signal(str)  # base URL, e.g. http://127.0.0.1:4891/v1
    stopped = Signal()
    failed = Signal(str)  # why it could not start, for the user
    requestHandled = Signal(str, str, str, int)  # method, path, summary, HTTP status
    exchangeRecorded = Signal(object)  # RequestRecord with the messages and the answer

    _applyRequested = Signal(object, object)
    _shutdownRequested = Signal()

    def __init__(self, host: ModelHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("api-server-control")
        self._worker = ServerWorker(host)
        self._worker.moveToThread(self._thread)
        self._applyRequested.connect(self._worker.apply)
        self._shutdownRequested.connect(self._worker.shutdown)
        self._worker.started.connect(self._on_started)
        self._worker.stopped.connect(self._on_stopped)
        self._worker.failed.connect(self.failed)
        self._worker.requestRecorded.connect(self._on_request)
        self._thread.start()
        self.url = ""
        self._closed = False

    @property
    def running(self) -> bool:
        return bool(self.url)

    def apply(self, settings: ServerSettings, defaults: SamplingParams | None = None) -> None:
        """Start, restart or stop the server to match ``settings`` (returns at once)."""
        if self._closed:
            return
        self._applyRequested.emit(settings, defaults or SamplingParams())

    def stop(self) -> None:
        self.apply(ServerSettings(enabled=False))

    @Slot()
    def shutdown(self) -> None:
        """Stop the server and the worker thread; connect to ``QCoreApplication.aboutToQuit``."""
        if self._closed:
            return
        self._closed = True
        self._shutdownRequested.emit()
        if not self._thread.wait(STOP_WAIT_MS):
            log.error("the API server control thread did not stop in time")
            self._thread.quit()
            self._thread.wait(1000)
        self.url = ""

    @Slot(str)
    def _on_started(self, url: str) -> None:
        self.url = url
        self.started.emit(url)

    @Slot()
    def _on_stopped(self) -> None:
        self.url = ""
        self.stopped.emit()

    @Slot(object)
    def _on_request(self, record: RequestRecord) -> None:
        self.requestHandled.emit(record.method, record.path, record.summary, record.status)
        self.exchangeRecorded.emit(record)
