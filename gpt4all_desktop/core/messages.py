"""Plain data passed between the window, the worker and the engine process.

Everything here is a small frozen dataclass of builtins so it pickles cheaply across the
engine process boundary and can be handed to another thread as a snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]
StopReason = Literal["eos", "stop_sequence", "max_tokens", "cancelled", "context_full", "error"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class SamplingParams:
    """Sampling settings for one answer (defaults match common llama.cpp front ends)."""

    temperature: float = 0.7
    top_k: int = 40
    top_p: float = 0.95
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    repeat_last_n: int = 64
    max_tokens: int = 1024
    seed: int = -1  # -1: a fresh random seed per answer
    stop: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadRequest:
    """What to load and how. ``gpu_layers`` -1 means all layers when a GPU is usable."""

    model_path: str
    context_length: int = 4096
    threads: int = 0  # 0: the number of physical cores
    gpu_layers: int = -1
    device: Literal["auto", "cpu", "gpu"] = "auto"
    chat_template_override: str = ""


@dataclass(frozen=True)
class ModelInfo:
    """Facts about a loaded model, shown in the status bar and model picker."""

    path: str
    name: str
    architecture: str
    context_length: int
    trained_context_length: int
    backend: str  # "CPU", "Metal", "CUDA" or "Vulkan"
    gpu_layers: int
    threads: int
    fallback_reason: str = ""  # why acceleration was not used, if it was wanted
    chat_template_source: str = "model"  # "model", "override" or "fallback:<name>"
    template_note: str = ""  # a user-facing note when the model has no usable template
    size_bytes: int = 0
    load_seconds: float = 0.0


@dataclass(frozen=True)
class GenerateRequest:
    messages: tuple[ChatMessage, ...]
    sampling: SamplingParams = field(default_factory=SamplingParams)
    # Which saved chat this continues; lets the engine keep or restore that chat's KV state.
    conversation_id: str = ""


@dataclass(frozen=True)
class GenerationStats:
    """How an answer went; saved with the message and shown in the status bar."""

    prompt_tokens: int = 0  # tokens in the whole formatted prompt
    prompt_tokens_evaluated: int = 0  # tokens the engine actually had to process (KV reuse)
    generated_tokens: int = 0
    time_to_first_token: float = 0.0  # seconds from request to first token
    tokens_per_second: float = 0.0
    total_seconds: float = 0.0
    stop_reason: StopReason = "eos"
    dropped_messages: int = 0  # oldest turns left out to fit the context window
