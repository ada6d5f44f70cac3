"""Turn the engine's callbacks (on its own thread) into events an asyncio handler awaits.

The inference worker calls a sink's ``on_token``/``on_done``/``on_error`` on the engine's
thread. :class:`SinkBridge` hands each call to the server's event loop with
``call_soon_threadsafe``, so request handlers simply ``await`` the next event and the engine
never waits on a slow client. If the server has stopped meanwhile, the events are dropped.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal

from gpt4all_desktop.core.messages import GenerateRequest, GenerationStats, ModelInfo
from gpt4all_desktop.server.host import ModelHost

log = logging.getLogger(__name__)

EventKind = Literal["token", "done", "error", "aborted"]  # aborted: the server is stopping


@dataclass(frozen=True)
class Event:
    kind: EventKind
    text: str = ""  # the token text, or the error message
    stats: GenerationStats | None = None
    model: ModelInfo | None = None


class SinkBridge:
    """A token sink for one request whose events are read with ``await next_event()``."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self.finished = False

    # Called on the engine's thread.
    def on_token(self, text: str) -> None:
        self._put(Event("token", text))

    def on_done(self, stats: GenerationStats, model: ModelInfo | None) -> None:
        self._put(Event("done", stats=stats, model=model))

    def on_error(self, message: str) -> None:
        self._put(Event("error", message))

    def _put(self, event: Event) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, event)
        except RuntimeError:  # the loop is closed: the server stopped and nobody is listening
            log.debug("dropped a %s event for a stopped server", event.kind)

    # Called on the server's loop.
    def interrupt(self, event: Event) -> None:
        """End the stream now with ``event``; whatever the engine still sends is ignored."""
        self._queue.put_nowait(event)

    async def next_event(self) -> Event:
        event = await self._queue.get()
        if event.kind != "token":
            self.finished = True
        return event


class Generation:
    """One queued answer: submit it to the host, read its events, cancel it if abandoned.

    ``close()`` before the answer finished (client gone, server stopping, an error in the
    handler) cancels the request on the engine, so an abandoned request never keeps the user's
    chats waiting.
    """

    def __init__(self, host: ModelHost, request: GenerateRequest) -> None:
        self._host = host
        self._request = request
        self._bridge: SinkBridge | None = None
        self.request_id = 0

    def start(self) -> None:
        """Queue the request; call on the server's event loop."""
        self._bridge = SinkBridge(asyncio.get_running_loop())
        self.request_id = self._host.submit_to_sink(self._request, self._bridge)

    def close(self) -> None:
        if self._bridge is not None and not self._bridge.finished:
            log.info("cancelling abandoned API request %d", self.request_id)
            self._bridge.finished = True
            self._host.cancel(self.request_id)

    def abort(self, message: str) -> None:
        """Cancel on the engine and end this request's stream at once (the server is stopping:
        an answer queued behind the user's chat must not hold the shutdown up)."""
        if self._bridge is None or self._bridge.finished:
            return
        self.close()
        self._bridge.interrupt(Event("aborted", message))

    async def next_event(self) -> Event:
        assert self._bridge is not None, "call start() first"
        return await self._bridge.next_event()
