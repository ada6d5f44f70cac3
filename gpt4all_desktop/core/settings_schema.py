"""Every setting the app knows, declared once.

The schema is the single source of truth for a setting's type, default, allowed range or
choices, title, description and *scope*. The settings file (:mod:`settings_store`), the
validation of values typed by the user or found on disk, and the settings dialog
(``gpt4all_desktop.ui.settings_dialog``) are all derived from it, so adding a setting is one
:class:`Field` entry here and nothing else.

Scopes are layered. A field's scope is the most specific level at which it may be set:

* ``APPLICATION`` fields exist once for the whole app (theme, language, token...).
* ``MODEL`` fields have an application-wide value that each model may override
  (context length, GPU layers, chat template...).
* ``CHAT`` fields have an application-wide value, which a model may override, which a chat may
  override in turn (sampling parameters, system prompt...).

So the application-level value of a model or chat field *is* its default for every model,
e.g. the application's ``context_length`` is the "context length default". Resolution is done
by :func:`gpt4all_desktop.core.settings_store.resolve`.

Titles and descriptions are plain English here because the core is Qt-free; the UI passes them
through ``QCoreApplication.translate("SettingsSchema", text)`` and
``scripts/build_translations.py`` extracts them for translators.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: The context under which schema texts are translated by the UI.
TRANSLATION_CONTEXT = "SettingsSchema"


class Scope(enum.Enum):
    """The most specific level at which a field may be set (see the module docstring)."""

    APPLICATION = "application"
    MODEL = "model"
    CHAT = "chat"

    def allows(self, level: "Scope") -> bool:
        """Whether a value of this field may be stored at ``level``."""
        order = (Scope.APPLICATION, Scope.MODEL, Scope.CHAT)
        return order.index(level) <= order.index(self)


class FieldType(enum.Enum):
    """What kind of value a field holds; the dialog picks one editor per type."""

    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    CHOICE = "choice"  # one of Field.choices
    STRING = "string"  # one line of text
    PATH = "path"  # a folder; "" means the app's standard location
    SECRET = "secret"  # one line, never logged, masked in the dialog
    TEXT = "text"  # several lines (prompts)
    TEMPLATE = "template"  # a Jinja chat template, validated by validate_chat_template()


class SettingValueError(ValueError):
    """A value a field cannot take. ``str(error)`` is a sentence for the user."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Choice:
    """One allowed value of a CHOICE field and the label the user sees."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One setting. Frozen so the schema can be shared between threads without copies."""

    name: str
    type: FieldType
    default: Any
    title: str
    description: str
    scope: Scope = Scope.APPLICATION
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    decimals: int = 2
    choices: tuple[Choice, ...] = ()
    #: Text shown by number editors when the value equals ``minimum`` ("Auto", "All"...).
    special_text: str = ""
    #: Changing it takes effect only after the loaded model is reloaded.
    needs_reload: bool = False

    @property
    def secret(self) -> bool:
        return self.type is FieldType.SECRET

    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def validate(self, value: Any) -> Any:
        """Return ``value`` in its canonical type, or raise :class:`SettingValueError`.

        The message names the setting by its title and, except for secrets, the offending
        value, so it can be shown to the user as is.
        """
        shown = "(hidden)" if self.secret else repr(value)
        kind = self.type
        if kind is FieldType.BOOL:
            if isinstance(value, bool):
                return value
            raise SettingValueError(self.name, f"{self.title} must be on or off (true or false), not {shown}.")
        if kind in (FieldType.INT, FieldType.FLOAT):
            return self._validate_number(value, shown)
        if not isinstance(value, str):
            raise SettingValueError(self.name, f"{self.title} must be text, not {shown}.")
        if kind is FieldType.CHOICE and value not in self.choice_values():
            allowed = ", ".join(self.choice_values())
            raise SettingValueError(self.name, f"{self.title} must be one of {allowed}, not {shown}.")
        if kind in (FieldType.STRING, FieldType.PATH, FieldType.SECRET) and ("\n" in value or "\r" in value):
            raise SettingValueError(self.name, f"{self.title} must be a single line.")
        if kind is FieldType.TEMPLATE:
            problem = validate_chat_template(value)
            if problem is not None:
                raise SettingValueError(self.name, problem)
        return value

    def _validate_number(self, value: Any, shown: str) -> int | float:
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.type is FieldType.INT:
            if is_number and float(value).is_integer():
                number: int | float = int(value)
            else:
                raise SettingValueError(self.name, f"{self.title} must be a whole number, not {shown}.")
        else:
            if not is_number or value != value:  # NaN is not a usable setting
                raise SettingValueError(self.name, f"{self.title} must be a number, not {shown}.")
            number = float(value)
        low, high = self.minimum, self.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise SettingValueError(
                self.name, f"{self.title} must be between {_plain(low)} and {_plain(high)}, not {shown}."
            )
        return number


def _plain(number: float | None) -> str:
    if number is None:
        return "any"
    return str(int(number)) if float(number).is_integer() else str(number)


@dataclass(frozen=True)
class SettingsSchema:
    """An ordered, immutable collection of fields with lookup by name."""

    fields: tuple[Field, ...]
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Field] = {}
        for item in self.fields:
            if item.name in by_name:
                raise ValueError(f"duplicate setting {item.name!r}")
            item.validate(item.default)  # a bad default is a programming error: fail loudly
            by_name[item.name] = item
        object.__setattr__(self, "_by_name", by_name)

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def defaults(self) -> dict[str, Any]:
        return {item.name: item.default for item in self.fields}

    def in_scope(self, scope: Scope) -> tuple[Field, ...]:
        """Fields whose scope is exactly ``scope`` (one page of the dialog)."""
        return tuple(item for item in self.fields if item.scope is scope)

    def settable_at(self, level: Scope) -> tuple[Field, ...]:
        """Fields that may hold a value at ``level`` (all of them at APPLICATION)."""
        return tuple(item for item in self.fields if item.scope.allows(level))

    def needs_reload(self, names: Iterable[str]) -> list[str]:
        """The names among ``names`` whose change requires reloading the model."""
        return [name for name in names if name in self._by_name and self._by_name[name].needs_reload]

    def with_field(self, new: Field) -> "SettingsSchema":
        """A copy with ``new`` appended (or replacing the field of the same name)."""
        kept = tuple(item for item in self.fields if item.name != new.name)
        return SettingsSchema(kept + (new,))

    def with_choices(self, name: str, choices: Iterable[Choice]) -> "SettingsSchema":
        """A copy whose field ``name`` offers ``choices`` (e.g. the GPUs this build can use)."""
        old = self[name]
        new = dataclasses.replace(old, choices=tuple(choices))
        return SettingsSchema(tuple(new if item.name == name else item for item in self.fields))

    def redacted(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` safe for logs: secrets replaced by a marker."""
        return {
            key: ("<hidden>" if key in self._by_name and self._by_name[key].secret and value else value)
            for key, value in values.items()
        }


# ---------------------------------------------------------------------------------------------
# Chat template validation


def validate_chat_template(source: str) -> str | None:
    """Check a Jinja chat template; return ``None`` if usable, else a sentence naming the line.

    The check must accept exactly what the engine accepts, so it uses the engine's own template
    environment (:func:`gpt4all_desktop.core.chat_template.validate_template`: the immutable
    sandbox llama-cpp-python uses, rendered once on a sample chat). The local fallback below
    applies only where that module is unavailable. An empty template means "use the model's own
    template" and is always valid.
    """
    if not source.strip():
        return None
    try:
        from gpt4all_desktop.core.chat_template import validate_template
    except ImportError:
        return _validate_chat_template_locally(source)
    return validate_template(source)


def _validate_chat_template_locally(source: str) -> str | None:
    """Compile in an immutable sandbox and render a sample chat (same rules as the engine)."""
    try:
        import jinja2.ext
        from jinja2 import TemplateError, TemplateSyntaxError
        from jinja2.sandbox import ImmutableSandboxedEnvironment
    except ImportError:  # pragma: no cover - jinja2 is a dependency of llama-cpp-python
        log.warning("jinja2 is missing: chat templates cannot be checked")
        return None

    def raise_exception(message: str) -> None:
        raise TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    try:
        template = env.from_string(source)
    except TemplateSyntaxError as error:
        return f"The chat template has a syntax error on line {error.lineno}: {error.message or 'unknown'}"
    sample = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi!"},
        {"role": "user", "content": "안녕하세요"},
    ]
    try:
        template.render(
            messages=sample, add_generation_prompt=True, bos_token="<s>", eos_token="</s>",
            raise_exception=raise_exception,
        )
    except Exception as error:  # noqa: BLE001 - any failure makes the template unusable
        return f"The chat template failed on a sample chat: {error}"
    return None


# ---------------------------------------------------------------------------------------------
# The application's settings

A, M, C = Scope.APPLICATION, Scope.MODEL, Scope.CHAT

SCHEMA = SettingsSchema(
    (
        # Application
        Field(
            "theme", FieldType.CHOICE, "system", "Theme",
            "Light or dark colours. System follows your operating system's setting.",
            A, choices=(Choice("system", "System"), Choice("light", "Light"), Choice("dark", "Dark")),
        ),
        Field(
            "font_size", FieldType.INT, 0, "Font size",
            "Text size in points for the whole window. System uses your operating system's size.",
            A, minimum=0, maximum=40, special_text="System",
        ),
        Field(
            "language", FieldType.CHOICE, "system", "Language",
            "Language of the menus and dialogs. System follows your operating system.",
            A, choices=(Choice("system", "System"), Choice("en", "English"), Choice("ko", "Korean")),
        ),
        Field(
            "default_model", FieldType.STRING, "", "Default model",
            "The model new chats start with. Empty means the most recently used model.", A,
        ),
        Field(
            "models_folder", FieldType.PATH, "", "Models folder",
            "Where downloaded models are kept. Empty means the app's standard folder.", A,
        ),
        Field(
            "threads", FieldType.INT, 0, "CPU threads",
            "How many processor threads generate text. Auto uses one per physical core.",
            A, minimum=0, maximum=256, special_text="Auto", needs_reload=True,
        ),
        Field(
            "device", FieldType.CHOICE, "auto", "Device",
            "Where the model runs. Auto uses a GPU when this build can and falls back to the CPU.",
            A, choices=(Choice("auto", "Auto"), Choice("cpu", "CPU"), Choice("gpu", "GPU")),
            needs_reload=True,
        ),
        Field(
            "reload_last_chat", FieldType.BOOL, True, "Reopen last chat at start-up",
            "Open the chat you were in when the app was last closed.", A,
        ),
        Field(
            "huggingface_token", FieldType.SECRET, "", "Hugging Face token",
            "Optional access token for gated or private models on Hugging Face. Stored only on this computer.",
            A,
        ),
        Field(
            "server_enabled", FieldType.BOOL, False, "Local API server",
            "Let other programs use the loaded model through an OpenAI-compatible API at http://localhost:<port>/v1.", A,
        ),
        Field(
            "server_port", FieldType.INT, 4891, "API server port", "The port the local API server listens on.",
            A, minimum=1024, maximum=65535,
        ),
        Field(
            "server_api_key", FieldType.SECRET, "", "API server key",
            "Programs must send this key as a Bearer token. Required when the local network is allowed.", A,
        ),
        Field(
            "server_allow_network", FieldType.BOOL, False, "Allow the local network",
            "Let other computers on your network use the API server. Needs an API key.", A,
        ),
        Field(
            "server_show_requests", FieldType.BOOL, True, "Show API requests in a Server chat",
            "Each request to the API server and its answer appear in a chat named Server.", A,
        ),
        # Model (application value = default for every model)
        Field(
            "context_length", FieldType.INT, 4096, "Context length",
            "How many tokens of the conversation the model can see at once. Larger uses more memory.",
            M, minimum=512, maximum=1_048_576, step=512, needs_reload=True,
        ),
        Field(
            "gpu_layers", FieldType.INT, -1, "GPU layers",
            "How many of the model's layers run on the GPU. All offloads as many as fit.",
            M, minimum=-1, maximum=1000, special_text="All", needs_reload=True,
        ),
        Field(
            "chat_template", FieldType.TEMPLATE, "", "Chat template",
            "Jinja template that turns the conversation into the model's prompt. "
            "Empty uses the template stored in the model file.",
            M, needs_reload=True,  # the engine picks its template when it loads the model
        ),
        # Chat (application value = default for every model and chat)
        Field(
            "system_prompt", FieldType.TEXT, "", "System prompt",
            "Instructions given to the model at the start of every chat.", C,
        ),
        Field(
            "temperature", FieldType.FLOAT, 0.7, "Temperature",
            "Higher values give more varied answers, lower values more focused ones.",
            C, minimum=0.0, maximum=2.0, step=0.05,
        ),
        Field(
            "top_k", FieldType.INT, 40, "Top-K",
            "Choose each word among this many most likely candidates. 0 turns it off.",
            C, minimum=0, maximum=1000,
        ),
        Field(
            "top_p", FieldType.FLOAT, 0.95, "Top-P",
            "Choose among the most likely words whose probabilities add up to this value.",
            C, minimum=0.0, maximum=1.0, step=0.01,
        ),
        Field(
            "min_p", FieldType.FLOAT, 0.05, "Min-P",
            "Ignore words less likely than this fraction of the most likely word.",
            C, minimum=0.0, maximum=1.0, step=0.01,
        ),
        Field(
            "repeat_penalty", FieldType.FLOAT, 1.1, "Repeat penalty",
            "Discourages repeating recent words. 1 turns it off.",
            C, minimum=1.0, maximum=2.0, step=0.01,
        ),
        Field(
            "repeat_last_n", FieldType.INT, 64, "Repeat penalty window",
            "How many recent tokens the repeat penalty looks at.",
            C, minimum=0, maximum=8192,
        ),
        Field(
            "max_tokens", FieldType.INT, 2048, "Maximum answer length",
            "The longest answer, in tokens, before generation stops.",
            C, minimum=1, maximum=131_072, step=64,
        ),
        Field(
            "seed", FieldType.INT, -1, "Seed",
            "Fixes the random choices so an answer can be repeated. Random picks a new seed each time.",
            C, minimum=-1, maximum=2_147_483_647, special_text="Random",
        ),
    )
)

del A, M, C


def translatable_texts(schema: SettingsSchema = SCHEMA) -> list[str]:
    """Every user-visible text of ``schema``, in order, for the translation extractor."""
    texts: list[str] = []
    for item in schema:
        texts.extend([item.title, item.description])
        texts.extend(choice.label for choice in item.choices)
        if item.special_text:
            texts.append(item.special_text)
    return list(dict.fromkeys(texts))
