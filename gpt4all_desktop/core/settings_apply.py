"""Turn resolved settings (chat > model > application) into engine requests.

Kept in one place so the window, the API server and the self-test build requests the same way.
"""

from __future__ import annotations

from typing import Any, Mapping

from gpt4all_desktop.core.messages import LoadRequest, SamplingParams


def sampling_from(values: Mapping[str, Any]) -> SamplingParams:
    d = SamplingParams()
    return SamplingParams(
        temperature=float(values.get("temperature", d.temperature)),
        top_k=int(values.get("top_k", d.top_k)),
        top_p=float(values.get("top_p", d.top_p)),
        min_p=float(values.get("min_p", d.min_p)),
        repeat_penalty=float(values.get("repeat_penalty", d.repeat_penalty)),
        repeat_last_n=int(values.get("repeat_last_n", d.repeat_last_n)),
        max_tokens=int(values.get("max_tokens", d.max_tokens)),
        seed=int(values.get("seed", d.seed)),
    )


def load_request_from(values: Mapping[str, Any], model_path: str) -> LoadRequest:
    d = LoadRequest(model_path)
    return LoadRequest(
        model_path=model_path,
        context_length=int(values.get("context_length", d.context_length)),
        threads=int(values.get("threads", d.threads)),
        gpu_layers=int(values.get("gpu_layers", d.gpu_layers)),
        device=str(values.get("device", d.device)),  # type: ignore[arg-type]
        chat_template_override=str(values.get("chat_template", "") or ""),
    )


def system_prompt_from(values: Mapping[str, Any]) -> str:
    return str(values.get("system_prompt", "") or "")
