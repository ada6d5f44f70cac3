"""Run the API with uvicorn on a background thread, and stop it at once.

:class:`ApiServer` binds its listening socket itself, on the caller's thread, so "port already
in use" is reported right away as a :class:`ServerStartError` (and port 0 picks a free port,
which tests use). Uvicorn then serves on its own thread and event loop. ``stop()`` closes the
listening socket on that loop before it returns, so the port is free the moment the user turns
the server off; answers still streaming are cancelled on the engine.

By default the server listens on 127.0.0.1 only. Listening on the local network is something
the user must ask for, and then an API key is required: anyone on the network could otherwise
use the model.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sys
import threading

import uvicorn

from gpt4all_desktop.core.messages import SamplingParams
from gpt4all_desktop.server.app import RequestCallback, create_app
from gpt4all_desktop.server.config import ALL_INTERFACES, DEFAULT_PORT, LOOPBACK, ServerConfig, ServerStartError, is_loopback
from gpt4all_desktop.server.host import ModelHost

log = logging.getLogger(__name__)

START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


class ApiServer:
    """One running API server. Not restartable: make a new one for new settings."""

    def __init__(self, host: ModelHost, config: ServerConfig, *, defaults: SamplingParams | None = None,
                 on_request: RequestCallback | None = None) -> None:
        self.config = config
        self._app = create_app(host, api_key=config.api_key, defaults=defaults, on_request=on_request)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sock: socket.socket | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self.port = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def url(self) -> str:
        """The base URL clients use (with the loopback address when listening everywhere)."""
        host = self.config.bind_host()
        shown = LOOPBACK if host == ALL_INTERFACES else host
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/v1"

    def start(self) -> None:
        """Bind the port and start serving; raises :class:`ServerStartError` with a message for the user."""
        if self._thread is not None:
            raise RuntimeError("an ApiServer starts once")
        self.config.check()
        self._sock = _bind(self.config.bind_host(), self.config.port)
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(self._app, http="h11", ws="none", lifespan="off", loop="asyncio",
                                log_config=None, access_log=False, server_header=False,
                                timeout_graceful_shutdown=2, timeout_keep_alive=5)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"api-server-{self.port}", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self._failure is not None:
            self.stop()
            detail = f": {self._failure}" if self._failure else ""
            raise ServerStartError(f"The API server did not start{detail}")
        log.info("API server listening on %s:%d", self.config.bind_host(), self.port)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Close the port now and end the server thread (in-flight answers are cancelled)."""
        thread, loop, server = self._thread, self._loop, self._server
        if thread is None or server is None:
            return
        closed = threading.Event()

        def close_now() -> None:
            server.should_exit = True
            for listener in getattr(server, "servers", []):
                listener.close()  # the port is free from here on
            self._app.state.abort_all()  # answers in flight end now; uvicorn then closes their connections
            closed.set()

        if loop is not None and thread.is_alive():
            try:
                loop.call_soon_threadsafe(close_now)
                closed.wait(timeout)
            except RuntimeError:  # the loop already ended
                pass
        else:
            server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            log.error("the API server thread did not stop within %.0f s", timeout)
        if self._sock is not None:
            self._sock.close()
        log.info("API server on port %d stopped", self.port)

    def _run(self) -> None:
        assert self._server is not None and self._sock is not None
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # noqa: BLE001 - uvicorn ends start-up failures with SystemExit
            self._failure = exc
            log.exception("API server failed")
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        assert self._server is not None and self._sock is not None
        self._loop = asyncio.get_running_loop()
        watcher = asyncio.ensure_future(self._signal_ready())
        try:
            await self._server.serve(sockets=[self._sock])
        finally:
            watcher.cancel()

    async def _signal_ready(self) -> None:
        assert self._server is not None
        while not self._server.started:
            await asyncio.sleep(0.01)
        self._ready.set()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if sys.platform == "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)  # type: ignore[attr-defined]
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # rebind at once after a stop
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, 10048):  # 10048: WSAEADDRINUSE
            raise ServerStartError(f"Port {port} is already in use by another program; choose another port.") from exc
        if exc.errno in (errno.EACCES, 10013):
            raise ServerStartError(f"This system does not allow listening on port {port}; choose a port above 1024.") from exc
        raise ServerStartError(f"The API server cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


__all__ = ["ApiServer", "ServerConfig", "ServerStartError", "DEFAULT_PORT", "is_loopback"]
