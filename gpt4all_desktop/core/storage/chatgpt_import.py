"""Import ChatGPT's data export (``conversations.json``, or the ``.zip`` that contains it).

ChatGPT stores each conversation as a tree: ``mapping`` holds nodes with ``parent`` and
``children`` ids, and ``current_node`` is the leaf the user last saw. Edits and regenerations are
sibling nodes, which is exactly our branch model, so the tree is kept as it is. Nodes we cannot
show are left out and their children attach to the nearest kept ancestor:

* tool calls and their outputs, hidden context (custom instructions), empty system nodes;
* non-text parts (an uploaded image becomes the placeholder ``[image]``).

The first non-empty system message becomes the chat's system prompt. Answers keep ChatGPT's model
name (``model_slug``) as their model. Like our own import, this is all or nothing: the whole file
is checked before anything is written, in one transaction.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpt4all_desktop.core.storage.chats import ChatStore
from gpt4all_desktop.core.storage.errors import ImportFormatError
from gpt4all_desktop.core.storage.export_import import ChatSpec, MessageSpec, insert_chats
from gpt4all_desktop.core.storage.models import EndState, Role

_STATES = {"finished_successfully": EndState.FINISHED, "in_progress": EndState.INTERRUPTED}


@dataclass(frozen=True)
class ChatGptImportResult:
    chat_ids: list[int]
    skipped_conversations: int
    """Conversations with nothing we could import (e.g. only tool output)."""
    skipped_messages: int


def _fail(where: str, what: str) -> ImportFormatError:
    return ImportFormatError(f"This is not a valid ChatGPT export: {where}: {what}. Nothing was imported.")


def _seconds_to_ms(value: Any, fallback: int) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(round(value * 1000))
    return fallback


def _text_of(message: dict[str, Any]) -> str | None:
    """The visible text of a node's message, or ``None`` to leave the node out."""
    content = message.get("content")
    if not isinstance(content, dict):
        return None
    kind = content.get("content_type")
    if kind not in ("text", "multimodal_text"):
        return None
    parts = content.get("parts")
    if not isinstance(parts, list):
        return None
    texts: list[str] = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict):
            texts.append("[image]" if "image" in str(part.get("content_type", "image")) else "[attachment]")
    return "\n".join(t for t in texts if t)


def _keep(message: dict[str, Any]) -> tuple[Role, str] | None:
    author = message.get("author")
    role_name = author.get("role") if isinstance(author, dict) else None
    metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
    if role_name not in ("user", "assistant", "system") or metadata.get("is_visually_hidden_from_conversation"):
        return None
    if message.get("recipient", "all") != "all":
        return None
    text = _text_of(message)
    if text is None or not text.strip():
        return None
    return Role(role_name), text


def _conversation(index: int, conv: Any) -> tuple[ChatSpec, int]:
    if not isinstance(conv, dict):
        raise _fail(f"conversation {index + 1}", "should be an object")
    title = conv.get("title") if isinstance(conv.get("title"), str) else ""
    where = f'conversation {index + 1} ("{title}")' if title else f"conversation {index + 1}"
    mapping = conv.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        raise _fail(where, '"mapping" is missing or empty')
    created = _seconds_to_ms(conv.get("create_time"), 0)
    updated = _seconds_to_ms(conv.get("update_time"), created)

    children: dict[str | None, list[str]] = {}
    for node_id, node in mapping.items():
        if not isinstance(node, dict):
            raise _fail(where, f'node "{node_id}" should be an object')
        parent = node.get("parent")
        if parent is not None and parent not in mapping:
            raise _fail(where, f'node "{node_id}" points to a parent "{parent}" that is not in the file')
        children.setdefault(parent, []).append(node_id)
    if None not in children:
        raise _fail(where, "the message tree has no root (its parent links form a loop)")

    def created_of(node_id: str) -> int:
        message = mapping[node_id].get("message")
        return _seconds_to_ms(message.get("create_time") if isinstance(message, dict) else None, created)

    spec = ChatSpec(title=title.strip() or "Imported chat", created_at=created, updated_at=updated)
    kept_for: dict[str, str | None] = {}  # node id -> key of the nearest kept node at or above it
    skipped = 0
    stack: list[tuple[str, str | None]] = [(n, None) for n in sorted(children[None], key=created_of, reverse=True)]
    while stack:
        node_id, kept_parent = stack.pop()
        if node_id in kept_for:
            raise _fail(where, f'node "{node_id}" is reachable twice')
        message = mapping[node_id].get("message")
        kept = _keep(message) if isinstance(message, dict) else None
        here = kept_parent
        if kept is not None and isinstance(message, dict):
            role, text = kept
            if role is Role.SYSTEM:
                if spec.system_prompt is None:
                    spec.system_prompt = text
                else:
                    skipped += 1
            else:
                metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
                slug = metadata.get("model_slug")
                spec.messages.append(MessageSpec(
                    key=node_id, parent_key=kept_parent, role=role, content=text,
                    created_at=created_of(node_id),
                    model=slug if isinstance(slug, str) and role is Role.ASSISTANT else None,
                    state=_STATES.get(str(message.get("status")), EndState.FINISHED),
                ))
                here = node_id
        elif message is not None:
            skipped += 1
        kept_for[node_id] = here
        for child in sorted(children.get(node_id, []), key=created_of, reverse=True):
            stack.append((child, here))
    if len(kept_for) != len(mapping):
        raise _fail(where, "some messages are not connected to the conversation (a loop in parent links)")
    current = conv.get("current_node")
    if isinstance(current, str) and current in kept_for:
        spec.active_leaf_key = kept_for[current]
    return spec, skipped


def parse_conversations(document: Any) -> tuple[list[ChatSpec], int, int]:
    """Validate ``conversations.json``; returns chats to import and the skipped counts."""
    if isinstance(document, dict) and isinstance(document.get("conversations"), list):
        document = document["conversations"]
    if not isinstance(document, list):
        raise _fail("file", "the top level should be a list of conversations")
    specs: list[ChatSpec] = []
    skipped_conversations = skipped_messages = 0
    for index, conv in enumerate(document):
        spec, skipped = _conversation(index, conv)
        skipped_messages += skipped
        if spec.messages:
            specs.append(spec)
        else:
            skipped_conversations += 1
    return specs, skipped_conversations, skipped_messages


def import_chatgpt(store: ChatStore, data: str | bytes | list[Any] | dict[str, Any]) -> ChatGptImportResult:
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportFormatError(f"The ChatGPT export is not valid JSON ({exc}). Nothing was imported.") from exc
    specs, skipped_conversations, skipped_messages = parse_conversations(data)
    return ChatGptImportResult(insert_chats(store, specs), skipped_conversations, skipped_messages)


def import_chatgpt_file(store: ChatStore, path: Path) -> ChatGptImportResult:
    """Import ``conversations.json`` or the export ``.zip`` that contains it."""
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "conversations.json"]
                if not names:
                    raise ImportFormatError(f"{path.name} has no conversations.json inside. Nothing was imported.")
                raw = archive.read(names[0])
        else:
            raw = path.read_bytes()
    except (OSError, zipfile.BadZipFile) as exc:
        raise ImportFormatError(f"The file {path} could not be read: {exc}.") from exc
    return import_chatgpt(store, raw)
