"""Export chats as Markdown or JSON, and import our JSON back.

The JSON format (``format: "gpt4all-desktop-chats"``, ``version: 1``)
-----------------------------------------------------------------------
A UTF-8 JSON object::

    {
      "format": "gpt4all-desktop-chats",
      "version": 1,
      "exported_at": "2025-01-31T12:00:00.000Z",
      "chats": [
        {
          "title": "Trip to Seoul",          # string
          "title_is_auto": false,            # true: the app may replace the title automatically
          "created_at": "<time>", "updated_at": "<time>",
          "model": "qwen2.5-1.5b" | null,    # model the chat last used
          "system_prompt": "..." | null,
          "sampling": {"temperature": 0.7} | null,   # per-chat sampling overrides
          "active_leaf": "m4" | null,        # id of the last message of the branch on screen
          "messages": [                       # every branch, parents before children
            {
              "id": "m1",                    # unique within the chat (any string)
              "parent": null | "m…",         # previous message; siblings are alternative versions
              "role": "system" | "user" | "assistant",
              "content": "...",
              "created_at": "<time>",
              "model": "..." | null,         # answers: the model that wrote it
              "state": "finished" | "stopped" | "error" | "interrupted" | "streaming",
              "error": "..." | null,
              "stats": {"prompt_tokens": int|null, "generated_tokens": int|null,
                        "ttft_s": float|null, "tokens_per_second": float|null}
            }
          ]
        }
      ]
    }

``<time>`` is ISO 8601 with a time zone, e.g. ``2025-01-31T12:00:00.123Z`` (milliseconds kept;
a time without zone is read as UTC). On import, message ids are replaced by new database ids,
an answer still ``streaming`` becomes ``interrupted``, and unknown keys are ignored, so later
versions can add fields. Version numbers above 1 are refused with a message.

Imports are all or nothing: the whole file is validated first, then written in one transaction.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.storage.chats import ChatStore
from gpt4all_desktop.core.storage.errors import ImportFormatError
from gpt4all_desktop.core.storage.models import EndState, Message, Role, now_ms

FORMAT_NAME = "gpt4all-desktop-chats"
FORMAT_VERSION = 1
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def ms_to_iso(ms: int) -> str:
    """Exact (integer) conversion so export → import → export gives identical text."""
    moment = _EPOCH + _dt.timedelta(milliseconds=ms)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_to_ms(text: str) -> int:
    moment = _dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return (moment - _EPOCH) // _dt.timedelta(milliseconds=1)


# ------------------------------------------------------------- import specs
@dataclass
class MessageSpec:
    key: str
    parent_key: str | None
    role: Role
    content: str
    created_at: int
    model: str | None = None
    state: EndState = EndState.FINISHED
    error: str | None = None
    stats: tuple[Any, Any, Any, Any] = (None, None, None, None)


@dataclass
class ChatSpec:
    """A validated chat ready to insert; messages are ordered parents first."""

    title: str
    created_at: int
    updated_at: int
    title_is_auto: bool = False
    model: str | None = None
    system_prompt: str | None = None
    sampling: dict[str, Any] | None = None
    active_leaf_key: str | None = None
    messages: list[MessageSpec] = field(default_factory=list)


def insert_chats(store: ChatStore, specs: list[ChatSpec]) -> list[int]:
    """Write validated chats in one transaction; returns their new ids in order."""
    db = store.db
    new_ids: list[int] = []
    with db.transaction():
        for spec in specs:
            cursor = db.execute(
                """INSERT INTO chats (title, title_is_auto, created_at, updated_at, model, system_prompt, sampling)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (spec.title, int(spec.title_is_auto), spec.created_at, spec.updated_at, spec.model,
                 spec.system_prompt,
                 None if spec.sampling is None else json.dumps(spec.sampling, sort_keys=True, ensure_ascii=False)),
            )
            chat_id = int(cursor.lastrowid or 0)
            ids: dict[str, int] = {}
            for msg in spec.messages:
                state = EndState.INTERRUPTED if msg.state is EndState.STREAMING else msg.state
                cursor = db.execute(
                    """INSERT INTO messages (chat_id, parent_id, role, content, created_at, model, state, error,
                         prompt_tokens, generated_tokens, ttft_s, tokens_per_second)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (chat_id, ids[msg.parent_key] if msg.parent_key else None, msg.role.value, msg.content,
                     msg.created_at, msg.model, state.value, msg.error, *msg.stats),
                )
                ids[msg.key] = int(cursor.lastrowid or 0)
            leaf = ids.get(spec.active_leaf_key) if spec.active_leaf_key else None
            if leaf is None and spec.messages:
                leaf = ids[spec.messages[-1].key]
            db.execute("UPDATE chats SET active_leaf_id = ? WHERE id = ?", (leaf, chat_id))
            new_ids.append(chat_id)
    return new_ids


# ------------------------------------------------------------------ export
def _message_json(msg: Message, keys: dict[int, str]) -> dict[str, Any]:
    return {
        "id": keys[msg.id],
        "parent": keys.get(msg.parent_id) if msg.parent_id is not None else None,
        "role": msg.role.value,
        "content": msg.content,
        "created_at": ms_to_iso(msg.created_at),
        "model": msg.model,
        "state": msg.state.value,
        "error": msg.error,
        "stats": {
            "prompt_tokens": msg.stats.prompt_tokens,
            "generated_tokens": msg.stats.generated_tokens,
            "ttft_s": msg.stats.ttft_s,
            "tokens_per_second": msg.stats.tokens_per_second,
        },
    }


def chat_to_json(store: ChatStore, chat_id: int) -> dict[str, Any]:
    chat = store.chat(chat_id)
    messages = store.all_messages(chat_id)
    keys = {msg.id: f"m{index}" for index, msg in enumerate(messages, start=1)}
    return {
        "title": chat.title,
        "title_is_auto": chat.title_is_auto,
        "created_at": ms_to_iso(chat.created_at),
        "updated_at": ms_to_iso(chat.updated_at),
        "model": chat.model,
        "system_prompt": chat.system_prompt,
        "sampling": chat.sampling,
        "active_leaf": keys.get(chat.active_leaf_id) if chat.active_leaf_id is not None else None,
        "messages": [_message_json(msg, keys) for msg in messages],
    }


def export_json(store: ChatStore, chat_ids: list[int] | None = None) -> dict[str, Any]:
    """The export document for some chats (default: all chats, newest first)."""
    ids = chat_ids if chat_ids is not None else [c.id for c in store.list_chats()]
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": ms_to_iso(now_ms()),
        "chats": [chat_to_json(store, chat_id) for chat_id in ids],
    }


def write_json(store: ChatStore, path: Path, chat_ids: list[int] | None = None) -> None:
    _write_text(path, json.dumps(export_json(store, chat_ids), ensure_ascii=False, indent=1))


def chat_to_markdown(store: ChatStore, chat_id: int) -> str:
    """The conversation on screen (active branch) as readable Markdown."""
    chat = store.chat(chat_id)
    lines = [f"# {chat.title or 'Untitled chat'}", ""]
    facts = [f"Created {ms_to_iso(chat.created_at)}"]
    if chat.model:
        facts.append(f"model {chat.model}")
    lines += ["_" + ", ".join(facts) + "_", ""]
    if chat.system_prompt:
        lines += ["**System prompt:**", "", chat.system_prompt, ""]
    for msg in store.active_path(chat_id):
        heading = {"user": "You", "assistant": "Assistant", "system": "System"}[msg.role.value]
        if msg.role is Role.ASSISTANT and msg.model:
            heading += f" ({msg.model})"
        branch = store.siblings(msg.id)
        if branch.count > 1:
            heading += f" — version {branch.index} of {branch.count}"
        lines += [f"### {heading}", "", msg.content, ""]
        if msg.state not in (EndState.FINISHED,):
            note = msg.state.value + (f": {msg.error}" if msg.error else "")
            lines += [f"_({note})_", ""]
    return "\n".join(lines).rstrip() + "\n"


def export_markdown(store: ChatStore, chat_ids: list[int] | None = None) -> str:
    ids = chat_ids if chat_ids is not None else [c.id for c in store.list_chats()]
    return "\n---\n\n".join(chat_to_markdown(store, chat_id) for chat_id in ids)


def write_markdown(store: ChatStore, path: Path, chat_ids: list[int] | None = None) -> None:
    _write_text(path, export_markdown(store, chat_ids))


def _write_text(path: Path, text: str) -> None:
    """Write next to the target first so a failed export never leaves half a file behind."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


# ------------------------------------------------------------------ import
class _Validator:
    """Reads an untrusted document, raising ImportFormatError that names the bad field."""

    def __init__(self) -> None:
        self.where = "file"

    def fail(self, what: str) -> ImportFormatError:
        return ImportFormatError(f"The import file is not valid: {self.where}: {what}. Nothing was imported.")

    def get(self, obj: dict[str, Any], key: str, kinds: tuple[type, ...], *, optional: bool = False) -> Any:
        if key not in obj:
            if optional:
                return None
            raise self.fail(f'"{key}" is missing')
        value = obj[key]
        if value is None and optional:
            return None
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.fail(f'"{key}" should be {" or ".join(k.__name__ for k in kinds)}, not {type(value).__name__}')
        return value

    def time(self, obj: dict[str, Any], key: str) -> int:
        text = self.get(obj, key, (str,))
        try:
            return iso_to_ms(text)
        except ValueError:
            raise self.fail(f'"{key}" is not an ISO 8601 time: {text!r}') from None


def _read_message(v: _Validator, raw: Any, seen: set[str]) -> MessageSpec:
    if not isinstance(raw, dict):
        raise v.fail("should be an object")
    key = v.get(raw, "id", (str,))
    if key in seen:
        raise v.fail(f'id "{key}" is used twice')
    parent = v.get(raw, "parent", (str,), optional=True)
    if parent is not None and parent not in seen:
        raise v.fail(f'parent "{parent}" is not an earlier message of this chat')
    role_text = v.get(raw, "role", (str,))
    state_text = v.get(raw, "state", (str,), optional=True) or EndState.FINISHED.value
    try:
        role = Role(role_text)
    except ValueError:
        raise v.fail(f'unknown role "{role_text}"') from None
    try:
        state = EndState(state_text)
    except ValueError:
        raise v.fail(f'unknown state "{state_text}"') from None
    stats = v.get(raw, "stats", (dict,), optional=True) or {}
    numbers = (
        v.get(stats, "prompt_tokens", (int,), optional=True),
        v.get(stats, "generated_tokens", (int,), optional=True),
        v.get(stats, "ttft_s", (int, float), optional=True),
        v.get(stats, "tokens_per_second", (int, float), optional=True),
    )
    seen.add(key)
    return MessageSpec(
        key=key, parent_key=parent, role=role, content=v.get(raw, "content", (str,)),
        created_at=v.time(raw, "created_at"), model=v.get(raw, "model", (str,), optional=True),
        state=state, error=v.get(raw, "error", (str,), optional=True), stats=numbers,
    )


def parse_export(document: Any) -> list[ChatSpec]:
    """Validate a parsed JSON export; raises :class:`ImportFormatError` naming the first problem."""
    v = _Validator()
    if not isinstance(document, dict):
        raise v.fail("the top level should be an object")
    if document.get("format") != FORMAT_NAME:
        raise v.fail(f'"format" should be "{FORMAT_NAME}" (is this a GPT4All Desktop export?)')
    version = v.get(document, "version", (int,))
    if version > FORMAT_VERSION:
        raise v.fail(f"it was written by a newer version of the app (format version {version})")
    chats = v.get(document, "chats", (list,))
    specs: list[ChatSpec] = []
    for chat_index, raw_chat in enumerate(chats):
        v.where = f"chats[{chat_index}]"
        if not isinstance(raw_chat, dict):
            raise v.fail("should be an object")
        spec = ChatSpec(
            title=v.get(raw_chat, "title", (str,)),
            created_at=v.time(raw_chat, "created_at"),
            updated_at=v.time(raw_chat, "updated_at"),
            title_is_auto=bool(v.get(raw_chat, "title_is_auto", (bool,), optional=True)),
            model=v.get(raw_chat, "model", (str,), optional=True),
            system_prompt=v.get(raw_chat, "system_prompt", (str,), optional=True),
            sampling=v.get(raw_chat, "sampling", (dict,), optional=True),
            active_leaf_key=v.get(raw_chat, "active_leaf", (str,), optional=True),
        )
        seen: set[str] = set()
        for msg_index, raw_msg in enumerate(v.get(raw_chat, "messages", (list,))):
            v.where = f"chats[{chat_index}].messages[{msg_index}]"
            spec.messages.append(_read_message(v, raw_msg, seen))
        v.where = f"chats[{chat_index}]"
        if spec.active_leaf_key is not None and spec.active_leaf_key not in seen:
            raise v.fail(f'"active_leaf" names an unknown message "{spec.active_leaf_key}"')
        specs.append(spec)
    return specs


def import_json(store: ChatStore, data: str | bytes | dict[str, Any]) -> list[int]:
    """Import an export document (text or parsed); all chats or none. Returns the new chat ids."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportFormatError(f"The import file is not valid JSON ({exc}). Nothing was imported.") from exc
    return insert_chats(store, parse_export(data))


def import_json_file(store: ChatStore, path: Path) -> list[int]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"The file {path} could not be read: {exc.strerror or exc}.") from exc
    return import_json(store, raw)
