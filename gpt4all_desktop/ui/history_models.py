"""Item models for the chat history sidebar.

Thousands of chats must scroll smoothly, so the sidebar is one view over a flat model rather than
a widget per chat: group headers ("Today", "Yesterday", ...) are rows of their own, marked with
:data:`IS_HEADER_ROLE`, and are neither selectable nor editable.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import replace

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from gpt4all_desktop.core.storage import ChatGroup, ChatSummary, SearchHit, group_for

CHAT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
IS_HEADER_ROLE = Qt.ItemDataRole.UserRole + 2
MESSAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 3
SNIPPET_HTML_ROLE = Qt.ItemDataRole.UserRole + 4

_Index = QModelIndex | QPersistentModelIndex


class ChatListModel(QAbstractListModel):
    """Chats grouped by recency, newest first. Rows are ``ChatGroup`` headers or ``ChatSummary``."""

    renameRequested = Signal(int, str)  # chat id, new title (already shown)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ChatGroup | ChatSummary] = []
        self._row_of: dict[int, int] = {}
        self._header_font = QFont()
        self._header_font.setBold(True)

    def retranslate(self) -> None:
        """Repaint the rows whose text comes from a translation (headers, untitled chats)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def group_label(self, group: ChatGroup) -> str:
        return {
            ChatGroup.TODAY: self.tr("Today"),
            ChatGroup.YESTERDAY: self.tr("Yesterday"),
            ChatGroup.PREVIOUS_7_DAYS: self.tr("Previous 7 days"),
            ChatGroup.OLDER: self.tr("Older"),
        }[group]

    def set_chats(self, chats: list[ChatSummary], now: _dt.datetime | None = None) -> None:
        """Replace the contents; ``chats`` must be newest first (as ``ChatStore.list_chats``)."""
        now = now or _dt.datetime.now().astimezone()
        rows: list[ChatGroup | ChatSummary] = []
        current: ChatGroup | None = None
        for chat in chats:
            group = group_for(chat.updated_at, now)
            if group != current:
                rows.append(group)
                current = group
            rows.append(chat)
        self.beginResetModel()
        self._rows = rows
        self._reindex()
        self.endResetModel()

    def chat_count(self) -> int:
        return len(self._row_of)

    def index_of_chat(self, chat_id: int) -> QModelIndex:
        row = self._row_of.get(chat_id)
        return self.index(row, 0) if row is not None else QModelIndex()

    def chat_at(self, index: _Index) -> ChatSummary | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        return row if isinstance(row, ChatSummary) else None

    def remove_chat(self, chat_id: int) -> ChatSummary | None:
        """Take a chat out of the list (and its header if the group becomes empty)."""
        row = self._row_of.get(chat_id)
        if row is None:
            return None
        summary = self._rows[row]
        assert isinstance(summary, ChatSummary)
        first = row
        header_alone = isinstance(self._rows[row - 1], ChatGroup) and (
            row + 1 >= len(self._rows) or isinstance(self._rows[row + 1], ChatGroup)
        )
        if header_alone:
            first = row - 1
        self.beginRemoveRows(QModelIndex(), first, row)
        del self._rows[first : row + 1]
        self._reindex()
        self.endRemoveRows()
        return summary

    def set_title(self, chat_id: int, title: str) -> None:
        row = self._row_of.get(chat_id)
        if row is None:
            return
        summary = self._rows[row]
        assert isinstance(summary, ChatSummary)
        self._rows[row] = replace(summary, title=title)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    # ----------------------------------------------------------- Qt interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if isinstance(row, ChatGroup):
            if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
                return self.group_label(row)
            if role == IS_HEADER_ROLE:
                return True
            if role == Qt.ItemDataRole.FontRole:
                return self._header_font
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return row.title or self.tr("New chat")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.title or self.tr("New chat")
        if role == CHAT_ID_ROLE:
            return row.id
        if role == IS_HEADER_ROLE:
            return False
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if self.chat_at(index) is None:
            return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        chat = self.chat_at(index)
        if chat is None or role != Qt.ItemDataRole.EditRole:
            return False
        title = " ".join(str(value).split())
        if not title or title == chat.title:
            return False
        self.set_title(chat.id, title)
        self.renameRequested.emit(chat.id, title)
        return True

    def _reindex(self) -> None:
        self._row_of = {row.id: i for i, row in enumerate(self._rows) if isinstance(row, ChatSummary)}


class SearchResultsModel(QAbstractListModel):
    """Search hits; :data:`SNIPPET_HTML_ROLE` gives escaped HTML with matches in bold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def retranslate(self) -> None:
        """Repaint the hits: untitled chats read "New chat" in the current language."""
        if self._hits:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._hits) - 1, 0))

    def hit_at(self, index: _Index) -> SearchHit | None:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        return self._hits[index.row()]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        hit = self.hit_at(index)
        if hit is None:
            return None
        title = hit.chat_title or self.tr("New chat")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return title if hit.message_id is None else f"{title}\n{hit.snippet}"
        if role == SNIPPET_HTML_ROLE:
            marked = hit.snippet_marked("<b>", "</b>", html.escape)
            if hit.message_id is None:
                return f"<div>{marked}</div>"
            return f"<div><small>{html.escape(title)}</small><br>{marked}</div>"
        if role == CHAT_ID_ROLE:
            return hit.chat_id
        if role == MESSAGE_ID_ROLE:
            return hit.message_id
        return None
