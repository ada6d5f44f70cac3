"""HTTP for remote engines: one exchange per connection, abortable from any thread, with user-facing failures.

The standard library's :mod:`http.client` is used on purpose: we own the socket, so

* Stop closes a stream at once, from any thread (``shutdown`` on the socket wakes the reading
  thread even while it waits for the server's first byte);
* timeouts are exact deadlines the caller sets before every read (connecting, the first token,
  the silence between tokens).

TLS verification is always on. A server with a self-signed certificate is trusted by naming its
certificate file (``trusted_cert``), added to the system's roots for that engine only.
Environment proxies are not used: remote engines are usually on the same network.

Every failure is a :class:`RemoteFailure` (an ``EngineFailure``) whose ``str()`` tells the user
what happened and what to do; never the API key, which is masked even when a server echoes it.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gpt4all_desktop.core.engine_process import EngineFailure

log = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_FIRST_TOKEN_TIMEOUT = 300.0
DEFAULT_CHUNK_TIMEOUT = 60.0
MAX_ERROR_BODY = 64 * 1024
USER_AGENT = "gpt4all-desktop"


# ------------------------------------------------------------------ failures
class RemoteFailure(EngineFailure):
    """A remote request failed. ``partial_text`` is what the answer had reached, if it had started."""

    def __init__(self, message: str, partial_text: str = "") -> None:
        super().__init__(message)
        self.partial_text = partial_text


class RemoteUnreachable(RemoteFailure):
    """No connection: wrong host or port, server down, DNS or network trouble."""


class RemoteTimeout(RemoteFailure):
    """The server did not answer (connect, first token or next token) within its timeout."""


class RemoteTLSError(RemoteFailure):
    """The TLS handshake failed, usually an unverifiable (self-signed or expired) certificate."""


class RemoteAuthError(RemoteFailure):
    """401/403: the API key is missing, wrong or lacks access."""


class RemoteModelGone(RemoteFailure):
    """404: the model (or the API path) is not on the server."""


class RemoteRateLimited(RemoteFailure):
    """429: too many requests. ``retry_after`` is the server's advice in seconds, when it gave one."""

    def __init__(self, message: str, retry_after: float | None, partial_text: str = "") -> None:
        super().__init__(message, partial_text)
        self.retry_after = retry_after


class RemoteServerError(RemoteFailure):
    """The server answered with an error status (5xx, or a 4xx other than the ones above)."""

    def __init__(self, message: str, status: int, partial_text: str = "") -> None:
        super().__init__(message, partial_text)
        self.status = status


class RemoteBadResponse(RemoteFailure):
    """The server's reply is not the OpenAI format (malformed JSON, missing fields)."""


class RemoteStreamCut(RemoteFailure):
    """The connection ended in the middle of an answer; ``partial_text`` holds what arrived."""


# ----------------------------------------------------------------- endpoint
def normalize_base_url(url: str) -> str:
    """``http://host:8080`` -> ``http://host:8080/v1``; a URL with a path is kept as given.

    Raises ``ValueError`` with a user-facing message for anything that is not an http(s) URL."""
    text = (url or "").strip()
    if not text:
        raise ValueError("Enter the server's address, for example http://192.168.1.20:8080/v1.")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"The address must start with http:// or https:// (got {parts.scheme}://).")
    try:
        _ = parts.port
    except ValueError:
        raise ValueError("The port in the address is not a number between 1 and 65535.") from None
    if not parts.hostname:
        raise ValueError("The address has no host name.")
    if parts.username or parts.password:
        raise ValueError("Put the API key in the API key field, not in the address.")
    if parts.query or parts.fragment:
        raise ValueError("The address must not contain ? or #.")
    path = parts.path.rstrip("/")
    if not path:
        path = "/v1"
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def ssl_context(trusted_cert: str = "") -> ssl.SSLContext:
    """System roots plus, when given, one trusted certificate file (PEM). Hostnames are checked."""
    ctx = ssl.create_default_context()
    if trusted_cert:
        try:
            ctx.load_verify_locations(cafile=trusted_cert)
        except (OSError, ssl.SSLError) as exc:
            raise RemoteTLSError(f"The trusted certificate file {trusted_cert} cannot be used: "
                                 f"{getattr(exc, 'strerror', None) or exc}. Choose a PEM certificate file.") from None
    return ctx


@dataclass(frozen=True)
class RemoteEndpoint:
    """Where a remote engine is and how to reach it. The key never appears in ``repr``."""

    base_url: str
    api_key: str = field(default="", repr=False)
    trusted_cert: str = ""
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    first_token_timeout: float = DEFAULT_FIRST_TOKEN_TIMEOUT
    chunk_timeout: float = DEFAULT_CHUNK_TIMEOUT

    @property
    def host(self) -> str:
        """``host:port`` as the user typed it, for labels and messages."""
        return urlsplit(self.base_url).netloc


# ------------------------------------------------------------------- calls
class Call:
    """One HTTP exchange on its own connection; ``abort()`` may be called from any thread."""

    def __init__(self, endpoint: RemoteEndpoint) -> None:
        self.endpoint = endpoint
        self.aborted = False
        self.deadline = 0.0  # when the server's first byte (or next token) is due, monotonic
        self._conn: http.client.HTTPConnection | None = None
        # http.client forgets the socket once a "Connection: close" response starts; we keep it.
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    @property
    def connected(self) -> bool:
        return self._sock is not None

    def open(self, method: str, path: str, body: dict[str, Any] | None, *, wait: float) -> http.client.HTTPResponse:
        """Connect, send, and wait up to ``wait`` seconds for the status line."""
        ep = self.endpoint
        parts = urlsplit(ep.base_url)
        host = parts.hostname or ""
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, parts.port, timeout=ep.connect_timeout, context=ssl_context(ep.trusted_cert))
        else:
            conn = http.client.HTTPConnection(host, parts.port, timeout=ep.connect_timeout)
        with self._lock:
            if self.aborted:
                raise Aborted()
            self._conn = conn
        try:
            conn.connect()
        except BaseException:
            if self.aborted:
                raise Aborted() from None
            raise
        with self._lock:
            self._sock = conn.sock
        if self.aborted:  # Stop pressed while connecting
            self.close()
            raise Aborted()
        headers = {"Accept": "text/event-stream" if body and body.get("stream") else "application/json",
                   "User-Agent": USER_AGENT}
        if ep.api_key:
            headers["Authorization"] = f"Bearer {ep.api_key}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        log.debug("%s %s%s%s", method, ep.host, parts.path, path)  # never the headers: they hold the key
        conn.request(method, parts.path + path, body=payload, headers=headers)
        self.deadline = time.monotonic() + wait
        self.set_deadline(self.deadline)
        return conn.getresponse()

    def set_deadline(self, deadline: float) -> None:
        """Make the next socket read give up at ``deadline``."""
        sock = self._sock
        if sock is not None:
            sock.settimeout(max(0.01, deadline - time.monotonic()))

    def abort(self) -> None:
        """Close the stream now: a thread blocked reading it wakes with EOF or an error."""
        with self._lock:
            self.aborted = True
            sock = self._sock
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, safe beside TLS reads
            except OSError:
                pass

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            sock, self._sock = self._sock, None
        for closable in (conn, sock):
            if closable is not None:
                try:
                    closable.close()
                except OSError:
                    pass


class Aborted(Exception):
    """Internal: the call was aborted by ``cancel``/``stop``."""


def describe_connect_error(exc: BaseException, ep: RemoteEndpoint) -> RemoteFailure:
    host = ep.host
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or exc.reason or str(exc)
        hint = ("If this server uses a self-signed certificate, choose its certificate file under "
                "\"Trust certificate\" in the engine's settings." if not ep.trusted_cert else
                "The trusted certificate file does not match the server's certificate.")
        return RemoteTLSError(f"The certificate of {host} could not be verified ({reason}). {hint}")
    if isinstance(exc, ssl.SSLError):
        return RemoteTLSError(f"The secure connection to {host} failed ({exc.reason or exc}). "
                              "Check that the address uses the right scheme (http:// or https://) and port.")
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return RemoteTimeout(f"{host} did not accept a connection within {secs(ep.connect_timeout)}. "
                             "Check the address and that the computer is on and reachable.")
    if isinstance(exc, ConnectionRefusedError):
        return RemoteUnreachable(f"Nothing is listening at {host}. Check the address and port, and that the "
                                 "server is running.")
    if isinstance(exc, socket.gaierror):
        return RemoteUnreachable(f"The host name in {ep.base_url} could not be found. Check the address and "
                                 "your network connection.")
    return RemoteUnreachable(f"Cannot connect to {host}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}.")


def secs(seconds: float) -> str:
    return f"{seconds:.0f} seconds" if seconds >= 2 else f"{seconds:g} seconds"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def server_message(raw: bytes, secret: str) -> str:
    """The human part of an error body (OpenAI ``error.message``, FastAPI ``detail``), short and key-free."""
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict) and err.get("message"):
            text = str(err["message"])
        elif isinstance(err, str):
            text = err
        elif data.get("message"):
            text = str(data["message"])
        elif data.get("detail"):
            text = str(data["detail"])
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "***")
    return text[:300] + ("…" if len(text) > 300 else "")


def status_failure(status: int, reason: str, headers: http.client.HTTPMessage, body: bytes, *,
                    ep: RemoteEndpoint, model_id: str = "", what: str = "") -> RemoteFailure:
    detail = server_message(body, ep.api_key)
    said = f" The server said: {detail}" if detail else ""
    host = ep.host
    if status in (401, 403):
        if not ep.api_key:
            return RemoteAuthError(f"{host} needs an API key ({status} {reason}). Enter it in the remote "
                                   f"engine's settings.{said}")
        return RemoteAuthError(f"{host} refused the API key ({status} {reason}). Check the key in the remote "
                               f"engine's settings.{said}")
    if status == 404:
        if model_id:
            return RemoteModelGone(f"The model {model_id!r} is not available on {host} any more (404). It may "
                                   f"have been removed or renamed; choose another model.{said}")
        return RemoteModelGone(f"{host} has no {what or 'such address'} (404). Check the address: "
                               f"OpenAI-compatible servers usually answer under /v1.{said}")
    if status == 429:
        wait = _retry_after(headers.get("Retry-After"))
        advice = f"Try again in {wait:.0f} seconds." if wait is not None else "Wait a moment and try again."
        return RemoteRateLimited(f"{host} is receiving too many requests (429). {advice}{said}", wait)
    if 500 <= status < 600:
        return RemoteServerError(f"{host} had an internal problem ({status} {reason}). Try again later, or "
                                 f"check the server's log.{said}", status)
    if 300 <= status < 400:
        where = headers.get("Location", "")
        return RemoteServerError(f"{host} redirects to {where or 'another address'} ({status}). Enter that "
                                 "address as the engine's base URL.", status)
    return RemoteServerError(f"{host} rejected the request ({status} {reason}).{said}", status)
