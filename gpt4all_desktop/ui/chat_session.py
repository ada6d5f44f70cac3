"""The open chat and its saving: every question and answer reaches the database as it happens.

The window asks the model straight away and never waits for the disk. Saving runs in order on
the storage thread; the ids of rows created there are written into an :class:`AnswerHandle`
on that same thread, so a later "update" or "finish" call, queued behind the "begin" call,
always finds them, however fast the answer was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gpt4all_desktop.core.messages import ChatMessage, GenerationStats
from gpt4all_desktop.core.storage import ChatStore
from gpt4all_desktop.core.storage.models import AnswerStats, BranchInfo, Chat, EndState, Message, Role
from gpt4all_desktop.workers.storage_worker import StorageClient

log = logging.getLogger(__name__)

FLUSH_MS = 1000
END_STATES = {"cancelled": EndState.STOPPED}


@dataclass
class AnswerHandle:
    """Row ids of one turn, filled in on the storage thread."""

    chat_id: int | None = None
    user_id: int | None = None
    answer_id: int | None = None


@dataclass(frozen=True)
class ChatSnapshot:
    chat: Chat | None
    path: list[Message]
    branches: dict[int, BranchInfo]
    complete: bool = True  # False: only the newest messages (the rest follows)


TAIL = 16  # messages read first when a chat opens: one screen


def _snapshot(store: ChatStore, chat_id: int, last: int | None = None) -> ChatSnapshot:
    path = store.active_path(chat_id, last=last)
    complete = last is None or len(path) < last or store.active_path_length(chat_id) <= len(path)
    return ChatSnapshot(store.chat(chat_id), path, store.branches([m.id for m in path]), complete)


def answer_stats(stats: GenerationStats | None) -> AnswerStats:
    if stats is None:
        return AnswerStats()
    return AnswerStats(prompt_tokens=stats.prompt_tokens, generated_tokens=stats.generated_tokens,
                       ttft_s=stats.time_to_first_token, tokens_per_second=stats.tokens_per_second)


class ChatSession(QObject):
    """The chat on screen: its saved messages, and the answer being written."""

    chatLoaded = Signal(object, object)  # ChatSnapshot, focus message id or None
    historyLoaded = Signal(object)  # the complete ChatSnapshot, after a chat opened with its tail only
    chatCreated = Signal(int)
    saved = Signal(object, object)  # AnswerHandle with the saved ids, ChatSnapshot (or None)
    failed = Signal(str)

    def __init__(self, storage: StorageClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.storage = storage
        self.chat_id: int | None = None
        self.chat: Chat | None = None
        self.path: list[Message] = []
        self._handle: AnswerHandle | None = None
        self._text = ""
        self._flushed = ""
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self._flush)
        self._open_request = 0
        self._complete = True

    # ----------------------------------------------------------------- chats
    def new_chat(self) -> None:
        self._forget_open()
        self.chat_id, self.chat, self.path = None, None, []
        self._complete = True
        self.chatLoaded.emit(ChatSnapshot(None, [], {}), None)

    def open_chat(self, chat_id: int, focus_message: int | None = None) -> None:
        self._forget_open()

        def load(store: ChatStore) -> ChatSnapshot:
            if focus_message is not None:
                store.switch_branch(focus_message)  # a search hit may sit on another branch
                return _snapshot(store, chat_id)
            return _snapshot(store, chat_id, last=TAIL)  # first paint needs one screen only

        self._open_request = self.storage.call(load, lambda snap: self._loaded(snap, focus_message), self.failed.emit)

    @property
    def complete(self) -> bool:
        """Whether ``path`` holds the whole active branch (the model must see all of it)."""
        return self._complete

    def _forget_open(self) -> None:
        if self._open_request:
            self.storage.forget(self._open_request)
            self._open_request = 0

    def _loaded(self, snap: ChatSnapshot, focus: int | None = None) -> None:
        self._open_request = 0
        self.chat = snap.chat
        self.chat_id = snap.chat.id if snap.chat else None
        self.path = list(snap.path)
        self._complete = snap.complete
        self.chatLoaded.emit(snap, focus)
        if not snap.complete and self.chat_id is not None:
            chat_id = self.chat_id
            self._open_request = self.storage.call(lambda store: _snapshot(store, chat_id), self._history_loaded,
                                                   self.failed.emit)

    def _history_loaded(self, snap: ChatSnapshot) -> None:
        self._open_request = 0
        if snap.chat is None or snap.chat.id != self.chat_id:
            return
        self.path = list(snap.path)
        self._complete = True
        self.historyLoaded.emit(snap)

    def reload(self) -> None:
        if self.chat_id is not None:
            self.open_chat(self.chat_id)

    def prompt_messages(self, system_prompt: str, upto: int | None = None) -> list[ChatMessage]:
        """What the model sees: the system prompt and the active branch (up to ``upto`` messages)."""
        out = [ChatMessage("system", system_prompt)] if system_prompt.strip() else []
        for m in self.path[:upto]:
            if m.role in (Role.USER, Role.ASSISTANT) and (m.content or m.role is Role.USER):
                out.append(ChatMessage(m.role.value, m.content))  # type: ignore[arg-type]
        return out

    # ----------------------------------------------------------------- turns
    def start_turn(self, text: str, model: str | None, system_prompt: str) -> None:
        """Save the question and an empty answer (creating the chat on its first message)."""
        handle = self._begin()
        chat_id = self.chat_id
        parent = self.path[-1].id if self.path else None

        def save(store: ChatStore) -> int:
            cid = chat_id if chat_id is not None else store.create_chat(model=model, system_prompt=system_prompt or None)
            handle.chat_id = cid
            handle.user_id = store.add_user_message(cid, text, parent_id=parent)
            handle.answer_id = store.begin_answer(cid, handle.user_id, model)
            return cid

        self.storage.call(save, lambda cid: self._created(cid, chat_id is None), self._save_failed)

    def start_regenerate(self, model: str | None) -> bool:
        """A new answer to the last question, beside the old one. False if there is no question."""
        users = [i for i, m in enumerate(self.path) if m.role is Role.USER]
        if self.chat_id is None or not users:
            return False
        user = self.path[users[-1]]
        self.path = self.path[:users[-1] + 1]
        handle = self._begin()
        chat_id = self.chat_id

        def save(store: ChatStore) -> None:
            handle.chat_id, handle.user_id = chat_id, user.id
            handle.answer_id = store.begin_answer(chat_id, user.id, model)

        self.storage.call(save, None, self._save_failed)
        return True

    def start_edit(self, message_id: int, text: str, model: str | None) -> bool:
        """Ask again with an edited question; the original question and its answers stay as a branch."""
        index = next((i for i, m in enumerate(self.path) if m.id == message_id), None)
        if self.chat_id is None or index is None:
            return False
        self.path = self.path[:index]
        handle = self._begin()
        chat_id = self.chat_id

        def save(store: ChatStore) -> None:
            handle.chat_id = chat_id
            handle.user_id = store.edit_user_message(message_id, text)
            handle.answer_id = store.begin_answer(chat_id, handle.user_id, model)

        self.storage.call(save, None, self._save_failed)
        return True

    def _begin(self) -> AnswerHandle:
        self._handle = AnswerHandle()
        self._text = self._flushed = ""
        self._timer.start()
        return self._handle

    def _created(self, chat_id: int, new: bool) -> None:
        self.chat_id = chat_id
        if new:
            self.chatCreated.emit(chat_id)

    def append(self, text: str) -> None:
        self._text += text

    @Slot()
    def _flush(self) -> None:
        handle, text = self._handle, self._text
        if handle is None or text == self._flushed:
            return
        self._flushed = text
        self.storage.call(lambda store: store.update_answer(handle.answer_id, text) if handle.answer_id else None,
                          None, self._save_failed)

    def finish(self, stats: GenerationStats | None, end: str, error: str | None = None) -> None:
        """Save the final answer, then reload the branch so every message has its id."""
        self._timer.stop()
        handle, text = self._handle, self._text
        self._handle = None
        if handle is None:
            return
        state = EndState(end) if end in EndState._value2member_map_ else END_STATES.get(end, EndState.FINISHED)
        saved_stats = answer_stats(stats)

        def save(store: ChatStore) -> ChatSnapshot | None:
            if handle.answer_id is None or handle.chat_id is None:
                return None
            store.finish_answer(handle.answer_id, text, saved_stats, state, error)
            return _snapshot(store, handle.chat_id)

        def done(snap: ChatSnapshot | None) -> None:
            if snap is not None and snap.chat is not None and snap.chat.id == self.chat_id:
                self.chat, self.path = snap.chat, list(snap.path)
            self.saved.emit(handle, snap)

        self.storage.call(save, done, self._save_failed)

    def discard_empty_answer(self) -> None:
        """An answer that failed before any text: keep the question, drop the empty answer row."""
        self.finish(None, "error", "no answer")

    # ------------------------------------------------------------- branches
    def switch_branch(self, message_id: int) -> None:
        chat_id = self.chat_id
        if chat_id is None:
            return

        def switch(store: ChatStore) -> ChatSnapshot:
            store.switch_branch(message_id)
            return _snapshot(store, chat_id)

        self.storage.call(switch, self._loaded, self.failed.emit)

    def set_settings(self, system_prompt: str | None, sampling: dict | None) -> None:
        """Save this chat's own settings, then reload it so the next answer uses them."""
        chat_id = self.chat_id
        if chat_id is None:
            return

        def save(store: ChatStore) -> ChatSnapshot:
            store.set_chat_settings(chat_id, system_prompt=system_prompt, sampling=sampling)
            return _snapshot(store, chat_id)

        def done(snap: ChatSnapshot) -> None:
            if snap.chat is not None and snap.chat.id == self.chat_id:
                self.chat = snap.chat
            self.saved.emit(AnswerHandle(chat_id=chat_id), snap)

        self.storage.call(save, done, self._save_failed)

    def set_model(self, model: str) -> None:
        chat_id = self.chat_id
        if chat_id is not None:
            self.storage.call(lambda store: store.set_chat_model(chat_id, model), None, self._save_failed)

    def _save_failed(self, message: str) -> None:
        log.error("saving the chat failed: %s", message)
        self.failed.emit(message)
