"""The model itself: llama-cpp-python wrapped for chat, run inside the engine process.

Why our own loop over ``Llama.generate`` instead of ``create_chat_completion``: we need to
check for Stop between every token, count how many prompt tokens were really evaluated (to
prove the KV cache is reused across turns), send heartbeats while a long prompt is processed
(so the watchdog can tell slow from hung), decode UTF-8 across token boundaries (Korean
syllables often span tokens), and trim old turns when the context is full.
"""

from __future__ import annotations

import codecs
import ctypes
import logging
import os
import random
import time
from collections import deque
from typing import Any, Callable

from gpt4all_desktop.core import hardware
from gpt4all_desktop.core.chat_template import ChatTemplate, PromptTooLong, TemplateError, fallback_for
from gpt4all_desktop.core.kv_cache import ContextStates, KvFingerprint, KvStateCache
from gpt4all_desktop.core.messages import (
    ChatMessage,
    GenerateRequest,
    GenerationStats,
    LoadRequest,
    ModelInfo,
)
from gpt4all_desktop.core.stop_sequences import StopMatcher

log = logging.getLogger(__name__)

EVAL_CHUNK = 128  # prompt tokens per decode call: small enough for frequent heartbeats


class EngineError(Exception):
    """A failure the user should read about (bad file, too long a message, ...)."""


class LlamaLog:
    """Keeps llama.cpp's own log so a failed load can name the real reason.

    With ``verbose=False`` llama-cpp-python only says "Failed to load model from file"; the
    reason (unknown architecture, bad tensor, wrong magic) is in llama.cpp's log.
    """

    def __init__(self, maxlen: int = 200) -> None:
        self.lines: deque[str] = deque(maxlen=maxlen)
        self.total = 0
        self._partial = ""
        self._callback: Any = None

    def install(self) -> None:
        import llama_cpp  # noqa: PLC0415

        @llama_cpp.llama_log_callback
        def _callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            try:
                chunk = text.decode("utf-8", "replace")
            except Exception:  # noqa: BLE001 - never raise into C
                return
            self._partial += chunk
            while "\n" in self._partial:
                line, self._partial = self._partial.split("\n", 1)
                if line.strip():
                    self.lines.append(line.rstrip())
                    self.total += 1
                    if level in (3, 4):  # ggml: 3 warn, 4 error; these also go to our log file
                        log.log(logging.WARNING if level == 3 else logging.ERROR, "llama.cpp: %s", line)

        self._callback = _callback  # keep a reference: C holds only a pointer
        llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))

    def mark(self) -> int:
        return self.total

    def errors_since(self, mark: int) -> list[str]:
        count = min(len(self.lines), self.total - mark)
        recent = list(self.lines)[len(self.lines) - count:] if count > 0 else []
        interesting = [ln for ln in recent if any(w in ln.lower() for w in
                       ("error", "failed", "invalid", "unknown", "unsupported", "not supported",
                        "corrupt", "wrong", "missing", "cannot", "exceed"))]
        return interesting[-4:] or recent[-3:]


def _metadata_int(meta: dict[str, str], *keys: str, default: int = 0) -> int:
    for key in keys:
        value = meta.get(key)
        if value is not None:
            try:
                return int(value)
            except ValueError:
                continue
    return default


class LlamaEngine:
    """One loaded model and its context. Not thread-safe: the engine process owns it."""

    def __init__(self, heartbeat: Callable[[str, float], None] | None = None) -> None:
        self._llm: Any = None
        self.info: ModelInfo | None = None
        self.template: ChatTemplate | None = None
        self._heartbeat = heartbeat or (lambda phase, fraction: None)
        self._log = LlamaLog()
        self._log.install()
        self._evaluated = 0
        self._accel = hardware.detect()
        self._kv_states: ContextStates | None = None  # saved chat states, opened on first use
        self._kv_fingerprint: KvFingerprint | None = None

    # ----------------------------------------------------------------- loading
    def load(self, req: LoadRequest) -> ModelInfo:
        self.unload()
        path = req.model_path
        if not os.path.isfile(path):
            raise EngineError(f"The model file was not found: {path}")
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            magic = fh.read(4)
        if magic != b"GGUF":
            raise EngineError(f"{os.path.basename(path)} is not a GGUF model file (it does not start with the GGUF signature).")
        threads = req.threads or hardware.physical_cores()
        want_gpu = req.device != "cpu" and req.gpu_layers != 0
        gpu_layers = req.gpu_layers if (want_gpu and self._accel.gpu_offload) else 0
        fallback_reason = ""
        if want_gpu and not self._accel.gpu_offload:
            fallback_reason = self._accel.reason
        started = time.monotonic()
        try:
            self._llm = self._construct(path, req, threads, gpu_layers)
        except EngineError as exc:
            if gpu_layers == 0:
                raise
            fallback_reason = f"Loading on the GPU failed ({exc}); using the CPU instead."
            log.warning(fallback_reason)
            gpu_layers = 0
            self._llm = self._construct(path, req, threads, 0)
        self._wrap_eval()
        meta: dict[str, str] = dict(self._llm.metadata or {})
        arch = meta.get("general.architecture", "unknown")
        self.template, source, note = self._pick_template(meta, arch, req.chat_template_override)
        backend = self._accel.backend if gpu_layers != 0 else "CPU"
        self.info = ModelInfo(
            path=path,
            name=meta.get("general.name") or os.path.splitext(os.path.basename(path))[0],
            architecture=arch,
            context_length=int(self._llm.n_ctx()),
            trained_context_length=_metadata_int(meta, f"{arch}.context_length"),
            backend=backend,
            gpu_layers=gpu_layers,
            threads=threads,
            fallback_reason=fallback_reason,
            chat_template_source=source,
            template_note=note,
            size_bytes=size,
            load_seconds=time.monotonic() - started,
        )
        log.info("loaded %s (%s, %s, ctx %d)", self.info.name, arch, backend, self.info.context_length)
        return self.info

    def _construct(self, path: str, req: LoadRequest, threads: int, gpu_layers: int) -> Any:
        import llama_cpp  # noqa: PLC0415

        mark = self._log.mark()
        self._install_progress(llama_cpp)
        try:
            return llama_cpp.Llama(
                model_path=path,
                n_ctx=req.context_length,
                n_batch=512,
                n_threads=threads,
                n_threads_batch=threads,
                n_gpu_layers=gpu_layers,
                last_n_tokens_size=64,
                # verbose=False would point fd 2 at /dev/null during the load, hiding the
                # message llama.cpp prints right before it aborts; our log callback already
                # keeps its regular log out of the console.
                verbose=True,
            )
        except (ValueError, RuntimeError, OSError, MemoryError) as exc:
            reasons = self._log.errors_since(mark)
            detail = "; ".join(reasons) if reasons else str(exc)
            name = os.path.basename(path)
            if isinstance(exc, MemoryError) or "alloc" in detail.lower() or "memory" in detail.lower():
                raise EngineError(f"Not enough memory to load {name}. Try a smaller model or a shorter context. ({detail})") from exc
            if "architecture" in detail.lower():
                raise EngineError(f"{name} uses a model architecture this version of llama.cpp does not support. ({detail})") from exc
            raise EngineError(f"{name} could not be loaded: the file is damaged, truncated or not a supported model. ({detail})") from exc

    def _install_progress(self, llama_cpp: Any) -> None:
        """Report load progress (and prove liveness to the watchdog) through llama.cpp's callback."""
        if getattr(llama_cpp, "_gpt4all_progress_installed", False):
            return
        default_params = llama_cpp.llama_model_default_params
        heartbeat = self._heartbeat

        @llama_cpp.llama_progress_callback
        def _progress(fraction: float, user_data: ctypes.c_void_p) -> bool:
            try:
                heartbeat("load", float(fraction))
            except Exception:  # noqa: BLE001 - never raise into C
                pass
            return True

        def params_with_progress() -> Any:
            params = default_params()
            params.progress_callback = _progress
            return params

        import llama_cpp.llama as llama_module  # noqa: PLC0415

        llama_cpp._gpt4all_progress_callback = _progress  # keep alive
        llama_cpp._gpt4all_progress_installed = True
        llama_module.llama_cpp.llama_model_default_params = params_with_progress

    def _wrap_eval(self) -> None:
        """Count evaluated prompt tokens and heartbeat between chunks of a long prompt."""
        original = self._llm.eval

        def counting_eval(tokens: Any) -> None:
            tokens = list(tokens)
            total = len(tokens)
            for i in range(0, total, EVAL_CHUNK):
                chunk = tokens[i:i + EVAL_CHUNK]
                original(chunk)
                self._evaluated += len(chunk)
                if total > EVAL_CHUNK:
                    self._heartbeat("prompt", min(1.0, (i + len(chunk)) / total))

        self._llm.eval = counting_eval

    def _pick_template(self, meta: dict[str, str], arch: str, override: str) -> tuple[ChatTemplate, str, str]:
        bos, eos = self._special_tokens()
        if override.strip():
            try:
                return ChatTemplate(override, bos_token=bos, eos_token=eos, stop=(eos,)), "override", ""
            except TemplateError as exc:
                note = f"The chat template set for this model is invalid ({exc}); using the model's own."
                log.warning(note)
        source = meta.get("tokenizer.chat_template", "")
        if source.strip():
            try:
                return ChatTemplate(source, bos_token=bos, eos_token=eos, stop=(eos,)), "model", ""
            except TemplateError as exc:
                problem = f"Its chat template is broken ({exc})."
        else:
            problem = "It has no chat template (it is probably a base model, not tuned for chat)."
        fb = fallback_for(arch)
        note = f"{problem} Using the {fb.name} format instead; answers may be less reliable."
        return ChatTemplate(fb.template, bos_token=bos, eos_token=eos, stop=fb.stop + (eos,)), f"fallback:{fb.name}", note

    def _special_tokens(self) -> tuple[str, str]:
        def piece(token: int) -> str:
            if token < 0:
                return ""
            try:
                return self._llm.detokenize([token], special=True).decode("utf-8", "replace")
            except Exception:  # noqa: BLE001
                return ""
        return piece(self._llm.token_bos()), piece(self._llm.token_eos())

    def unload(self) -> None:
        if self._kv_states is not None:
            self._kv_states.wait()  # a save in flight still reads the context we are about to free
        self._kv_fingerprint = None
        if self._llm is not None:
            try:
                self._llm.close()
            except Exception as exc:  # noqa: BLE001
                log.debug("close failed: %s", exc)
        self._llm = None
        self.info = None
        self.template = None

    # -------------------------------------------------------------- generating
    def format_prompt(self, messages: tuple[ChatMessage, ...], reserve: int) -> tuple[list[int], int]:
        """Tokenize the conversation, dropping the oldest turns until it fits.

        The system prompt and the newest message are never dropped; returns the tokens and how
        many messages were left out.
        """
        assert self._llm is not None and self.template is not None
        n_ctx = int(self._llm.n_ctx())
        limit = max(16, n_ctx - reserve)
        max_chars = min(16 * 1024 * 1024, max(64 * 1024, n_ctx * 32))
        system = [m for m in messages[:1] if m.role == "system"]
        rest = list(messages[len(system):])

        def fitting(start: int) -> list[int] | None:
            try:
                text = self.template.render(system + rest[start:], max_chars=max_chars)
            except PromptTooLong as exc:
                if start >= len(rest) - 1:
                    if sum(len(m.content) for m in system + rest[start:]) * 2 < max_chars:
                        raise EngineError(str(exc)) from None  # the template itself blew up
                    raise EngineError(  # a huge paste: the same answer as any overflow
                        f"Your message is too long for this model's context window (over {max_chars:,} "
                        f"characters; {limit:,} tokens fit with room for the answer). Shorten it or raise "
                        "the context length in settings.") from None
                return None
            tokens = self._tokenize(text)
            if len(tokens) <= limit:
                return tokens
            if start >= len(rest) - 1:
                raise EngineError(
                    f"Your message is too long for this model's context window ({len(tokens):,} tokens; "
                    f"{limit:,} fit with room for the answer). Shorten it or raise the context length in settings."
                )
            return None

        whole = fitting(0)
        if whole is not None:
            return whole, 0
        # Whole turns are dropped (a user message and the answers that follow it). Which oldest
        # turns to drop is found by bisection, so a chat of thousands of messages costs a dozen
        # renders rather than one per message.
        starts = [i for i in range(1, len(rest) - 1) if rest[i].role == "user"] + [len(rest) - 1]
        lo, hi = 0, len(starts) - 1
        best = fitting(starts[hi])
        while lo < hi:
            mid = (lo + hi) // 2
            tokens = fitting(starts[mid])
            if tokens is None:
                lo = mid + 1
            else:
                hi, best = mid, tokens
        assert best is not None
        return best, starts[hi]

    def _tokenize(self, text: str) -> list[int]:
        data = text.encode("utf-8")
        bos = self._llm.token_bos()
        add_bos = not (bos >= 0 and self.template and self.template.bos_token and text.startswith(self.template.bos_token))
        try:
            return list(self._llm.tokenize(data, add_bos=add_bos, special=True))
        except (RuntimeError, ValueError, MemoryError) as exc:
            raise EngineError(f"The prompt could not be tokenized: {exc}") from exc

    def generate(self, req: GenerateRequest, cancelled: Callable[[], bool],
                 emit: Callable[[str], None]) -> GenerationStats:
        """Stream one answer through ``emit``; returns its stats. Checks ``cancelled`` per token."""
        if self._llm is None or self.template is None:
            raise EngineError("No model is loaded.")
        import llama_cpp  # noqa: PLC0415

        started = time.monotonic()
        s = req.sampling
        n_ctx = int(self._llm.n_ctx())
        reserve = min(max(s.max_tokens, 16), n_ctx // 4)
        try:
            tokens, dropped = self.format_prompt(req.messages, reserve)
        except PromptTooLong as exc:
            raise EngineError(str(exc)) from exc
        except TemplateError as exc:
            raise EngineError(str(exc)) from exc

        self._llm.set_seed(s.seed if s.seed >= 0 else random.randint(0, 2**31 - 1))
        self._llm.last_n_tokens_size = max(0, s.repeat_last_n)
        self._evaluated = 0
        self._restore_saved_state(req.conversation_id, tokens)
        matcher = StopMatcher(tuple(s.stop) + self.template.stop)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        vocab = self._llm._model.vocab
        generated = 0
        first_token_at = 0.0
        prompt_evaluated = 0
        reason = "max_tokens"
        if cancelled():
            return GenerationStats(prompt_tokens=len(tokens), stop_reason="cancelled", dropped_messages=dropped,
                                   total_seconds=time.monotonic() - started)
        for token in self._llm.generate(tokens, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p,
                                        temp=s.temperature, repeat_penalty=s.repeat_penalty):
            if not first_token_at:
                first_token_at = time.monotonic()
                prompt_evaluated = self._evaluated
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                reason = "eos"
                break
            generated += 1
            piece = decoder.decode(self._llm.detokenize([token]))
            visible = matcher.feed(piece) if piece else ""
            if visible:
                emit(visible)
            if matcher.hit is not None:
                reason = "stop_sequence"
                break
            if generated >= s.max_tokens:
                reason = "max_tokens"
                break
            if self._llm.n_tokens >= n_ctx - 1:
                reason = "context_full"
                break
            if cancelled():
                reason = "cancelled"
                break
        if matcher.hit is None:
            tail = matcher.flush() + decoder.decode(b"", final=True)
            if tail:
                emit(tail)
        ended = time.monotonic()
        self._save_state(req.conversation_id)
        decode_time = ended - first_token_at if first_token_at else 0.0
        return GenerationStats(
            prompt_tokens=len(tokens),
            prompt_tokens_evaluated=prompt_evaluated if first_token_at else self._evaluated,
            generated_tokens=generated,
            time_to_first_token=(first_token_at - started) if first_token_at else 0.0,
            tokens_per_second=(generated - 1) / decode_time if generated > 1 and decode_time > 0 else 0.0,
            total_seconds=ended - started,
            stop_reason=reason,  # type: ignore[arg-type]
            dropped_messages=dropped,
        )

    # -------------------------------------------------------- saved KV states
    def _states(self) -> tuple[ContextStates, KvFingerprint] | None:
        """The saved-state store and this model's fingerprint; None when it cannot be used."""
        if self.info is None:
            return None
        if self._kv_states is None:
            from gpt4all_desktop.core.paths import AppPaths  # noqa: PLC0415

            self._kv_states = ContextStates(KvStateCache(AppPaths.default().kv_cache_dir))
        if self._kv_fingerprint is None:
            import llama_cpp  # noqa: PLC0415

            try:
                self._kv_fingerprint = KvFingerprint.for_model(
                    self.info.path, context_length=self.info.context_length, gpu_layers=self.info.gpu_layers,
                    backend=self.info.backend, llama_version=str(getattr(llama_cpp, "__version__", "")))
            except OSError as exc:
                log.warning("saved chat states disabled for this model: %s", exc)
                return None
        return self._kv_states, self._kv_fingerprint

    def _restore_saved_state(self, conversation_id: str, tokens: list[int]) -> int:
        """Bring back a chat's saved KV state when the live context holds less of this prompt."""
        if self._kv_states is not None:
            self._kv_states.wait_copied()  # never evaluate while a save still copies the context
        if not conversation_id:
            return 0
        found = self._states()
        if found is None:
            return 0
        states, fingerprint = found
        try:
            return states.restore(self._llm, conversation_id, fingerprint, tokens)
        except Exception as exc:  # noqa: BLE001 - a bad saved state costs a re-read, never the answer
            log.warning("could not restore a saved chat state: %s", exc)
            self._llm._ctx.kv_cache_clear()
            self._llm.n_tokens = 0
            return 0

    def _save_state(self, conversation_id: str) -> None:
        """Save the context for this chat in the background once the answer is complete."""
        if not conversation_id:
            return
        found = self._states()
        if found is not None:
            found[0].save_async(self._llm, conversation_id, found[1])
