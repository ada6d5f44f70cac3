"""Turn a conversation into the exact prompt text a model was trained on.

The GGUF's own Jinja chat template is rendered in Jinja's immutable sandbox (as
llama-cpp-python and Hugging Face do), with two guards that matter for hostile or broken
templates: rendering streams and stops past a size cap (a template built to emit 100 MB would
otherwise take gigabytes), and every error type the stack can raise becomes one
:class:`TemplateError` with a readable message. A template that loops for ever is not
catchable here; the engine process watchdog ends it.

Models without a template (base models) get a fallback chosen from the architecture, and the
caller is told so.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
from dataclasses import dataclass
from typing import Any, Iterable

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from gpt4all_desktop.core.messages import ChatMessage

log = logging.getLogger(__name__)

DEFAULT_MAX_PROMPT_CHARS = 4 * 1024 * 1024


class TemplateError(Exception):
    """The chat template could not be compiled or rendered; the message says why."""


class PromptTooLong(TemplateError):
    """The rendered prompt passed the size cap before tokenizing."""


class _IgnoreGenerationTags(jinja2.ext.Extension):
    """Pass-through for Hugging Face's ``{% generation %}`` tag used by some templates."""

    tags = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> Any:  # type: ignore[name-defined]
        parser.stream.skip(1)
        return parser.parse_statements(("name:endgeneration",), drop_needle=True)


def _raise_exception(message: str) -> None:
    raise TemplateError(f"The chat template refused the conversation: {message}")


def _tojson(x: Any, ensure_ascii: bool = False, indent: int | None = None,
            separators: tuple[str, str] | None = None, sort_keys: bool = False) -> str:
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.BaseLoader(),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[_IgnoreGenerationTags, jinja2.ext.loopcontrols],
    )
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = lambda fmt: _dt.datetime.now().strftime(fmt)
    return env


# Fallbacks for models that ship no template. Keys are GGUF architectures.
_GEMMA = (
    "{{ bos_token }}{% for m in messages %}"
    "{% if m.role == 'system' %}<start_of_turn>user\n{{ m.content }}\n\n"
    "{% elif m.role == 'user' %}{% if loop.index0 > 0 and messages[loop.index0 - 1].role == 'system' %}"
    "{{ m.content }}<end_of_turn>\n{% else %}<start_of_turn>user\n{{ m.content }}<end_of_turn>\n{% endif %}"
    "{% else %}<start_of_turn>model\n{{ m.content }}<end_of_turn>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
_CHATML = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_PLAIN = (
    "{{ bos_token }}{% for m in messages %}"
    "{% if m.role == 'system' %}{{ m.content }}\n\n"
    "{% elif m.role == 'user' %}### User:\n{{ m.content }}\n\n"
    "{% else %}### Assistant:\n{{ m.content }}\n\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}### Assistant:\n{% endif %}"
)


@dataclass(frozen=True)
class Fallback:
    name: str
    template: str
    stop: tuple[str, ...]


FALLBACKS: dict[str, Fallback] = {
    "gemma": Fallback("Gemma turns", _GEMMA, ("<end_of_turn>", "<start_of_turn>")),
    "qwen2": Fallback("ChatML", _CHATML, ("<|im_end|>", "<|im_start|>")),
    "plain": Fallback("plain transcript", _PLAIN, ("\n### User:", "\n### Assistant:", "\n\n\n")),
}


def fallback_for(architecture: str) -> Fallback:
    """The best guess at a conversation format for a model without a template."""
    arch = architecture.lower()
    if arch.startswith("gemma"):
        return FALLBACKS["gemma"]
    if arch.startswith("qwen"):
        return FALLBACKS["qwen2"]
    return FALLBACKS["plain"]


class ChatTemplate:
    """A compiled chat template plus the stop strings that go with it."""

    def __init__(self, source: str, *, bos_token: str = "", eos_token: str = "",
                 stop: Iterable[str] = ()) -> None:
        self.source = source
        self.bos_token = bos_token
        self.eos_token = eos_token
        self.stop = tuple(s for s in stop if s)
        try:
            self._template = _environment().from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"The chat template has a syntax error on line {exc.lineno}: {exc.message}") from exc
        except (jinja2.TemplateError, RecursionError, MemoryError, ValueError, TypeError) as exc:
            raise TemplateError(f"The chat template could not be read: {exc}") from exc

    def render(self, messages: Iterable[ChatMessage], *, add_generation_prompt: bool = True,
               max_chars: int = DEFAULT_MAX_PROMPT_CHARS) -> str:
        """Render the prompt, refusing to grow past ``max_chars``."""
        payload = [{"role": m.role, "content": m.content} for m in messages]
        parts: list[str] = []
        size = 0
        try:
            for chunk in self._template.generate(
                messages=payload,
                add_generation_prompt=add_generation_prompt,
                bos_token=self.bos_token,
                eos_token=self.eos_token,
            ):
                size += len(chunk)
                if size > max_chars:
                    raise PromptTooLong(
                        f"The formatted prompt is larger than {max_chars:,} characters; "
                        "the conversation or the chat template is too large for this model."
                    )
                parts.append(chunk)
        except TemplateError:
            raise
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(f"The chat template tried something unsafe and was stopped: {exc}") from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"The chat template failed: {exc}") from exc
        except RecursionError as exc:
            raise TemplateError("The chat template recursed too deeply.") from exc
        except MemoryError as exc:
            raise TemplateError("The chat template needed more memory than this computer has.") from exc
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, ZeroDivisionError) as exc:
            raise TemplateError(f"The chat template failed: {type(exc).__name__}: {exc}") from exc
        return "".join(parts)


def validate_template(source: str) -> str | None:
    """Return a human-readable problem with ``source``, or None when it renders a test chat."""
    try:
        ChatTemplate(source).render(
            [ChatMessage("system", "You are helpful."), ChatMessage("user", "Hi"),
             ChatMessage("assistant", "Hello!"), ChatMessage("user", "안녕하세요")],
            max_chars=256 * 1024,
        )
    except TemplateError as exc:
        return str(exc)
    return None
