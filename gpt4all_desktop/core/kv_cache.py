"""Saved KV states of recent chats, so reopening a long chat does not re-read it.

Reading a conversation back into the model (prompt evaluation) costs seconds for a long chat
on a laptop CPU; copying the model's attention cache (the "KV state") from disk costs tens of
milliseconds. So after each answer the engine hands the context's state to
:class:`KvStateCache`, which writes it to one file per conversation in the cache folder, and
when a request arrives for a conversation whose tokens are not already in the live context,
the engine asks the cache for that conversation's state.

A saved state is only as good as the conditions that produced it, so it is never trusted:

* it is tied to a :class:`KvFingerprint` (the model file's path, size and modification time,
  the context length, the GPU offload and the llama.cpp version) and ignored when any differ;
* it stores the exact token ids it holds, and the engine keeps only the part that is a prefix
  of the new prompt (positions past the first difference are dropped from the context);
* header, tokens and state each carry a CRC-32; a torn, truncated or altered file is deleted and
  the conversation is simply read again (and saved afresh after the answer).

The folder is capped in bytes; the least recently used entries (by file modification time,
which a restore refreshes) are removed first. Files are written to a temporary name and
renamed, so a reader never sees half a file. Qt-free: runs inside the engine process.
"""

from __future__ import annotations

import array
import hashlib
import json
import logging
import os
import struct
import sys
import threading
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"G4AKV\x00\x01\n"
FORMAT_VERSION = 1
SUFFIX = ".kv"
DEFAULT_MAX_BYTES = 2 * 1024 ** 3
MAX_BYTES_ENV = "GPT4ALL_DESKTOP_KV_CACHE_MB"  # lets tests and power users shrink or grow the cap
_PREFIX = struct.Struct("<8sII")  # magic, header length, header CRC-32


@dataclass(frozen=True)
class KvFingerprint:
    """Everything besides the tokens that decides what the saved state means."""

    model_path: str
    model_size: int
    model_mtime_ns: int
    context_length: int
    gpu_layers: int
    backend: str
    llama_version: str
    batch_size: int = 512

    @classmethod
    def for_model(cls, path: str, *, context_length: int, gpu_layers: int, backend: str,
                  llama_version: str, batch_size: int = 512) -> "KvFingerprint":
        st = os.stat(path)
        return cls(os.path.abspath(path), st.st_size, st.st_mtime_ns, context_length, gpu_layers, backend,
                   llama_version, batch_size)


@dataclass(frozen=True)
class KvEntry:
    """A saved state's header and tokens, read without its (large) state bytes."""

    path: Path
    conversation_id: str
    tokens: tuple[int, ...]
    state_offset: int
    state_size: int
    state_crc: int


class KvStateCache:
    """One file per conversation under ``folder``, capped at ``max_bytes`` in total."""

    def __init__(self, folder: Path, max_bytes: int | None = None) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes if max_bytes is not None else default_max_bytes()
        self._write_lock = threading.Lock()

    # ------------------------------------------------------------ reading
    def path_for(self, conversation_id: str) -> Path:
        digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:40]
        return self.folder / f"{digest}{SUFFIX}"

    def peek(self, conversation_id: str, fingerprint: KvFingerprint) -> KvEntry | None:
        """The entry's tokens if it exists, is intact so far and matches ``fingerprint``.

        Reads only the header and token ids (a few KiB), so asking costs almost nothing.
        """
        path = self.path_for(conversation_id)
        try:
            with open(path, "rb") as fh:
                raw = fh.read(_PREFIX.size)
                if len(raw) < _PREFIX.size:
                    raise ValueError("shorter than its header")
                magic, header_len, header_crc = _PREFIX.unpack(raw)
                if magic != MAGIC or header_len > 1024 * 1024:
                    raise ValueError("not a saved KV state")
                header_raw = fh.read(header_len)
                if len(header_raw) != header_len or zlib.crc32(header_raw) != header_crc:
                    raise ValueError("header checksum mismatch")
                header = json.loads(header_raw.decode("utf-8"))
                n_tokens = int(header["n_tokens"])
                token_raw = fh.read(4 * n_tokens)
                if len(token_raw) != 4 * n_tokens or zlib.crc32(token_raw) != int(header["tokens_crc"]):
                    raise ValueError("token checksum mismatch")
                size = os.fstat(fh.fileno()).st_size
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            self._discard(path, f"damaged ({exc})")
            return None
        if header.get("format") != FORMAT_VERSION or header.get("conversation_id") != conversation_id:
            self._discard(path, "from another format or conversation")
            return None
        if header.get("fingerprint") != asdict(fingerprint):
            log.info("saved KV state for %s is for another model or settings; ignoring it", path.name)
            return None
        offset = _PREFIX.size + header_len + 4 * n_tokens
        state_size = int(header["state_size"])
        if size != offset + state_size:
            self._discard(path, "truncated or padded")
            return None
        tokens = array.array("i")
        tokens.frombytes(token_raw)
        if sys.byteorder != "little":
            tokens.byteswap()
        return KvEntry(path, conversation_id, tuple(tokens), offset, state_size, int(header["state_crc"]))

    def read_state(self, entry: KvEntry) -> bytearray | None:
        """The state bytes of ``entry`` after checking their CRC; None (and the file removed) if damaged."""
        try:
            with open(entry.path, "rb") as fh:
                fh.seek(entry.state_offset)
                data = bytearray(entry.state_size)
                got = fh.readinto(data)
        except OSError as exc:
            self._discard(entry.path, f"unreadable ({exc})")
            return None
        if got != entry.state_size or zlib.crc32(data) != entry.state_crc:
            self._discard(entry.path, "state checksum mismatch")
            return None
        self.touch(entry.path)
        return data

    def touch(self, path: Path) -> None:
        """Mark an entry as just used, so eviction keeps it longest."""
        try:
            os.utime(path)
        except OSError:
            pass

    def discard(self, conversation_id: str, why: str) -> None:
        self._discard(self.path_for(conversation_id), why)

    def _discard(self, path: Path, why: str) -> None:
        log.warning("saved KV state %s is %s; it will be rebuilt", path.name, why)
        try:
            path.unlink()
        except OSError:
            pass

    # ------------------------------------------------------------ writing
    def save(self, conversation_id: str, fingerprint: KvFingerprint, tokens: list[int] | tuple[int, ...],
             state: bytes | bytearray | memoryview) -> Path | None:
        """Write one conversation's state atomically, then evict down to the cap. Thread-safe."""
        if len(state) > self.max_bytes:
            log.info("KV state of %d bytes is larger than the whole cache; not saved", len(state))
            return None
        token_arr = array.array("i", tokens)
        if sys.byteorder != "little":
            token_arr.byteswap()
        token_raw = token_arr.tobytes()
        header = json.dumps({
            "format": FORMAT_VERSION,
            "conversation_id": conversation_id,
            "fingerprint": asdict(fingerprint),
            "n_tokens": len(tokens),
            "tokens_crc": zlib.crc32(token_raw),
            "state_size": len(state),
            "state_crc": zlib.crc32(state),
        }, sort_keys=True).encode("utf-8")
        path = self.path_for(conversation_id)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        with self._write_lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                with open(tmp, "wb") as fh:
                    fh.write(_PREFIX.pack(MAGIC, len(header), zlib.crc32(header)))
                    fh.write(header)
                    fh.write(token_raw)
                    fh.write(state)
                os.replace(tmp, path)
            except OSError as exc:  # a full disk costs speed, never the answer
                log.warning("could not save KV state for a chat: %s", exc)
                try:
                    tmp.unlink()
                except OSError:
                    pass
                return None
            self.evict(keep=path)
        return path

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Remove least recently used entries until the folder fits ``max_bytes``."""
        entries: list[tuple[int, int, Path]] = []
        try:
            for p in self.folder.glob(f"*{SUFFIX}"):
                try:
                    st = p.stat()
                except OSError:
                    continue
                entries.append((st.st_mtime_ns, st.st_size, p))
        except OSError:
            return []
        total = sum(size for _, size, _ in entries)
        removed: list[Path] = []
        for _, size, p in sorted(entries):
            if total <= self.max_bytes:
                break
            if keep is not None and p == keep:
                continue
            try:
                p.unlink()
            except OSError:
                continue
            total -= size
            removed.append(p)
            log.info("evicted saved KV state %s (%d bytes)", p.name, size)
        return removed

    def total_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob(f"*{SUFFIX}") if p.is_file())


def default_max_bytes() -> int:
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if raw:
        try:
            return max(0, int(float(raw) * 1024 * 1024))
        except ValueError:
            log.warning("ignoring %s=%r: not a number of megabytes", MAX_BYTES_ENV, raw)
    return DEFAULT_MAX_BYTES


def common_prefix(a: "list[int] | tuple[int, ...] | object", b: "list[int] | tuple[int, ...]") -> int:
    """How many leading token ids two sequences share (numpy arrays welcome as ``a``)."""
    import numpy as np  # noqa: PLC0415 - present with llama-cpp-python, imported only in the engine

    left = np.asarray(a, dtype=np.int64)
    right = np.asarray(b, dtype=np.int64)
    n = min(len(left), len(right))
    if n == 0:
        return 0
    diff = np.flatnonzero(left[:n] != right[:n])
    return int(diff[0]) if diff.size else n


class ContextStates:
    """Saves and restores one llama.cpp context's KV state through a :class:`KvStateCache`.

    Lives in the engine process next to the ``llama_cpp.Llama`` it serves. Saving copies the
    state out of the context on a background thread (the ctypes copy releases the GIL, so the
    engine sends its "done" at once) and then writes the file on that same thread; the next
    request only waits for the in-memory copy, never for the disk.
    """

    MIN_TOKENS = 64  # shorter contexts are re-read faster than a file is written
    MIN_GAIN = 32  # restore only when it saves at least this many tokens over the live context

    def __init__(self, cache: KvStateCache) -> None:
        self.cache = cache
        self._thread: threading.Thread | None = None
        self._copied = threading.Event()
        self._copied.set()
        self.last_restored = 0

    # -------------------------------------------------------------- saving
    def save_async(self, llm: object, conversation_id: str, fingerprint: KvFingerprint) -> bool:
        """Start saving ``llm``'s live context as ``conversation_id``; False when not worth it."""
        self.wait()  # one save at a time; the previous one has long finished in practice
        n_tokens = int(getattr(llm, "n_tokens", 0))
        if not conversation_id or n_tokens < self.MIN_TOKENS or self.cache.max_bytes <= 0:
            return False
        tokens = llm.input_ids[:n_tokens].tolist()  # type: ignore[attr-defined]
        self._copied.clear()
        self._thread = threading.Thread(target=self._save, args=(llm, conversation_id, fingerprint, tokens),
                                        name="kv-save", daemon=True)
        self._thread.start()
        return True

    def _save(self, llm: object, conversation_id: str, fingerprint: KvFingerprint, tokens: list[int]) -> None:
        import ctypes  # noqa: PLC0415

        import llama_cpp  # noqa: PLC0415

        try:
            ctx = llm.ctx  # type: ignore[attr-defined]
            size = int(llama_cpp.llama_state_seq_get_size(ctx, 0))
            data = bytearray(size)
            written = int(llama_cpp.llama_state_seq_get_data(ctx, (ctypes.c_uint8 * size).from_buffer(data), size, 0))
        except Exception as exc:  # noqa: BLE001 - a failed save only costs a re-read later
            log.warning("could not copy the KV state: %s", exc)
            return
        finally:
            self._copied.set()
        if 0 < written <= size:
            self.cache.save(conversation_id, fingerprint, tokens, memoryview(data)[:written])

    def wait_copied(self) -> None:
        """Block until a running save no longer reads the context (milliseconds)."""
        self._copied.wait()

    def wait(self, timeout: float | None = None) -> None:
        """Block until a running save is on disk (before unloading, or exiting the engine)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if not thread.is_alive():
                self._thread = None

    # ----------------------------------------------------------- restoring
    def restore(self, llm: object, conversation_id: str, fingerprint: KvFingerprint, tokens: list[int]) -> int:
        """Load ``conversation_id``'s saved state into ``llm`` when it beats the live context.

        Returns how many leading prompt tokens the restored state covers (0: nothing restored).
        The context keeps every restored token; ``Llama.generate`` then drops those past the
        first difference from the prompt, exactly as it does for the live context.
        """
        import ctypes  # noqa: PLC0415

        import llama_cpp  # noqa: PLC0415

        self.last_restored = 0
        self.wait_copied()
        if not conversation_id:
            return 0
        live = common_prefix(llm._input_ids, tokens)  # type: ignore[attr-defined]
        if live + self.MIN_GAIN > len(tokens):
            return 0
        entry = self.cache.peek(conversation_id, fingerprint)
        if entry is None:
            return 0
        usable = common_prefix(entry.tokens, tokens)
        if usable < live + self.MIN_GAIN or len(entry.tokens) > int(llm.n_ctx()):  # type: ignore[attr-defined]
            return 0
        data = self.cache.read_state(entry)
        if data is None:
            return 0
        mem = llm._ctx  # type: ignore[attr-defined]
        mem.kv_cache_clear()
        llm.n_tokens = 0  # type: ignore[attr-defined]
        try:
            read = int(llama_cpp.llama_state_seq_set_data(
                llm.ctx, (ctypes.c_uint8 * len(data)).from_buffer(data), len(data), 0))  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001
            log.warning("restoring a KV state failed: %s", exc)
            read = 0
        if read != len(data):
            mem.kv_cache_clear()
            self.cache.discard(conversation_id, "rejected by llama.cpp")
            return 0
        n = len(entry.tokens)
        llm.input_ids[:n] = entry.tokens  # type: ignore[attr-defined]
        llm.n_tokens = n  # type: ignore[attr-defined]
        llm._requires_eval = True  # type: ignore[attr-defined] - the logits are not part of the state
        self.last_restored = usable
        log.info("restored %d saved tokens of a chat (%d match the prompt)", n, usable)
        return usable
