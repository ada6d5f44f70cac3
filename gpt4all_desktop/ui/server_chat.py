"""Requests to the local API server, kept in a chat named "Server" so the user sees what other
programs asked their model, and what it answered."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSettings, Signal, Slot

from gpt4all_desktop.core.storage import ChatStore
from gpt4all_desktop.core.storage.models import EndState
from gpt4all_desktop.ui.chat_session import answer_stats
from gpt4all_desktop.workers.storage_worker import StorageClient

log = logging.getLogger(__name__)

SERVER_CHAT_TITLE = "Server"


class ServerChatRecorder(QObject):
    recorded = Signal(int)  # the Server chat's id

    def __init__(self, storage: StorageClient, state: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.storage = storage
        self._state = state

    @Slot(object)
    def record(self, record: object) -> None:
        messages = getattr(record, "messages", ())
        answer = getattr(record, "answer", "")
        if not messages:
            return  # refused before reaching the model (bad key, bad JSON): nothing to keep
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        error = getattr(record, "error", "") or None
        stats = answer_stats(getattr(record, "stats", None))
        model = getattr(record, "model", "") or None
        client = getattr(record, "client", "")
        try:
            known = int(self._state.value("server/chat_id", 0) or 0)
        except (TypeError, ValueError):
            known = 0

        def save(store: ChatStore) -> int:
            chat_id = known
            try:
                if chat_id:
                    store.chat(chat_id)
            except Exception:  # noqa: BLE001 - deleted by the user: start a new Server chat
                chat_id = 0
            if not chat_id:
                chat_id = store.create_chat(SERVER_CHAT_TITLE, model=model)
            prefix = f"[{client}] " if client else ""
            user_id = store.add_user_message(chat_id, prefix + question)
            answer_id = store.begin_answer(chat_id, user_id, model)
            store.finish_answer(answer_id, answer, stats, EndState.ERROR if error else EndState.FINISHED, error)
            return chat_id

        def done(chat_id: int) -> None:
            self._state.setValue("server/chat_id", chat_id)
            self.recorded.emit(chat_id)

        self.storage.call(save, done, lambda m: log.warning("server chat not saved: %s", m))
