"""The chat history sidebar: new chat, search, chats grouped by day, rename, delete with undo.

The widget never touches the database itself: every read and write goes through the
:class:`~gpt4all_desktop.workers.storage_worker.StorageClient`, so a slow disk or a big search
cannot freeze the window. It reports what the user picked through signals; the main window
decides what to do (open the chat, scroll to the message, start a new chat).

Wiring::

    sidebar = HistorySidebar(storage_client)
    sidebar.chatSelected.connect(window.open_chat)              # chat id
    sidebar.messageSelected.connect(window.open_chat_at)        # chat id, message id
    sidebar.newChatRequested.connect(window.new_chat)
    sidebar.errorOccurred.connect(window.show_error)
    ...
    sidebar.refresh()            # after a chat was created, answered or renamed elsewhere
    sidebar.setCurrentChat(cid)  # highlight the open chat
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QInputMethodEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.storage import ChatStore, ChatSummary, SearchHit
from gpt4all_desktop.ui.history_delegate import HighlightDelegate
from gpt4all_desktop.ui.history_models import ChatListModel, SearchResultsModel
from gpt4all_desktop.workers.storage_worker import StorageClient

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 250
UNDO_TIMEOUT_MS = 10_000
SEARCH_LIMIT = 50


class SearchField(QLineEdit):
    """A line edit that also reports text still being composed by an input method.

    Korean is typed syllable by syllable through an input method; until a syllable is committed
    it is only "pre-edit" text and ``textChanged`` does not include it, so a search would always
    lag one syllable behind. ``queryEdited`` carries committed plus pre-edit text.
    """

    queryEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(self._on_text_changed)

    @Slot(str)
    def _on_text_changed(self, text: str) -> None:
        self.queryEdited.emit(text)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        super().inputMethodEvent(event)
        preedit = event.preeditString()
        if preedit:
            text, pos = self.text(), self.cursorPosition()
            self.queryEdited.emit(text[:pos] + preedit + text[pos:])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class HistorySidebar(QWidget):
    chatSelected = Signal(int)  # chat id
    messageSelected = Signal(int, int)  # chat id, message id (a search hit)
    newChatRequested = Signal()
    chatRenamed = Signal(int, str)
    chatDeleted = Signal(int)  # hidden; can still be restored with undo
    chatRestored = Signal(int)
    chatsLoaded = Signal(int)  # number of chats shown
    searchFinished = Signal(str, int)  # query, number of hits shown
    errorOccurred = Signal(str)  # a message for the user

    def __init__(self, storage: StorageClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historySidebar")
        self._storage = storage
        self._list_request = 0
        self._search_request = 0
        self._query = ""
        self._undo_chat: int | None = None
        self._undo_title = ""  # title of the chat the undo bar offers back ("" when untitled)
        self._search_state: tuple[str, str] | None = None  # ("searching" | "none", query) shown
        self._current_chat: int | None = None

        self.new_chat_button = QPushButton(self)
        self.new_chat_button.setObjectName("newChatButton")
        self.new_chat_button.clicked.connect(self._on_new_chat_clicked)

        self.search_field = SearchField(self)
        self.search_field.setObjectName("chatSearchField")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.queryEdited.connect(self._on_query_edited)
        self.search_status = QLabel(self)
        self.search_status.hide()

        self.chat_model = ChatListModel(self)
        self.chat_model.renameRequested.connect(self._on_rename_requested)
        self.chat_view = QListView(self)
        self.chat_view.setModel(self.chat_model)
        self.chat_view.setUniformItemSizes(True)
        self.chat_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.chat_view.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.chat_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.chat_view.customContextMenuRequested.connect(self._on_context_menu)
        self.chat_view.clicked.connect(self._on_chat_activated)
        self.chat_view.activated.connect(self._on_chat_activated)

        self.rename_action = QAction(self.chat_view)
        self.rename_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.rename_action.triggered.connect(self._rename_current)
        self.delete_action = QAction(self.chat_view)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self._delete_current)
        self.chat_view.addActions([self.rename_action, self.delete_action])

        self.results_model = SearchResultsModel(self)
        self.results_view = QListView(self)
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(HighlightDelegate(self.results_view))
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setWordWrap(True)
        self.results_view.clicked.connect(self._on_hit_activated)
        self.results_view.activated.connect(self._on_hit_activated)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.chat_view)
        self.pages.addWidget(self.results_view)

        self.undo_bar = QFrame(self)
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.undo_label = QLabel(self.undo_bar)
        self.undo_label.setWordWrap(True)
        self.undo_button = QPushButton(self.undo_bar)
        self.undo_button.clicked.connect(self.undoDelete)
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(6, 4, 6, 4)
        undo_layout.addWidget(self.undo_label, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.new_chat_button)
        layout.addWidget(self.search_field)
        layout.addWidget(self.search_status)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.undo_bar)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.runSearch)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_TIMEOUT_MS)
        self.undo_timer.timeout.connect(self._expire_undo)
        self.retranslateUi()

    # ----------------------------------------------------------- translation
    def retranslateUi(self) -> None:
        """Set every text in the current language (again on every language switch)."""
        self.new_chat_button.setText(self.tr("New chat"))
        self.new_chat_button.setAccessibleName(self.tr("New chat"))
        self.search_field.setPlaceholderText(self.tr("Search chats"))
        self.search_field.setAccessibleName(self.tr("Search chats"))
        self.search_status.setAccessibleName(self.tr("Search status"))
        self.chat_view.setAccessibleName(self.tr("Chats"))
        self.rename_action.setText(self.tr("Rename"))
        self.delete_action.setText(self.tr("Delete"))
        self.results_view.setAccessibleName(self.tr("Search results"))
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo delete"))
        self._show_undo_text()
        self._show_search_status()
        # Group headers and untitled chats are translated by the models when painted.
        self.chat_model.retranslate()
        self.results_model.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def _show_undo_text(self) -> None:
        title = self._undo_title or self.tr("New chat")
        self.undo_label.setText(self.tr("Deleted “%1”.").replace("%1", title))

    def _show_search_status(self) -> None:
        if self._search_state is None:
            return
        kind, query = self._search_state
        if kind == "searching":
            self.search_status.setText(self.tr("Searching…"))
        else:
            self.search_status.setText(self.tr("No chats match “%1”.").replace("%1", query))

    # ------------------------------------------------------------ public API
    @Slot()
    def refresh(self) -> None:
        """Reload the chat list from the database (off the GUI thread)."""
        self._storage.forget(self._list_request)
        self._list_request = self._storage.call(ChatStore.list_chats, self._on_chats_loaded, self._report)

    @Slot(int)
    def setCurrentChat(self, chat_id: int) -> None:
        """Highlight the chat that is open, without emitting :attr:`chatSelected`."""
        self._current_chat = chat_id
        index = self.chat_model.index_of_chat(chat_id)
        if index.isValid():
            self.chat_view.setCurrentIndex(index)
            self.chat_view.scrollTo(index)
        else:
            self.chat_view.clearSelection()

    @Slot(int)
    def deleteChat(self, chat_id: int) -> None:
        """Hide a chat and offer to undo it for a few seconds."""
        summary = self.chat_model.remove_chat(chat_id)
        title = summary.title if summary and summary.title else ""

        def done(_: object) -> None:
            self._expire_undo()  # one undo at a time: the previous deletion becomes final
            self._undo_chat = chat_id
            self._undo_title = title
            self._show_undo_text()
            self.undo_bar.show()
            self.undo_timer.start()
            self.chatDeleted.emit(chat_id)

        self._storage.call(lambda store: store.delete_chat(chat_id), done, self._failed_and_reload)

    @Slot()
    def undoDelete(self) -> None:
        """Bring back the chat deleted last."""
        chat_id = self._undo_chat
        self._hide_undo()
        if chat_id is None:
            return

        def done(_: object) -> None:
            self.chatRestored.emit(chat_id)
            self.refresh()

        self._storage.call(lambda store: store.restore_chat(chat_id), done, self._report)

    @Slot()
    def runSearch(self) -> None:
        """Search now for the text in the search field (normally after a short typing pause)."""
        self.search_timer.stop()
        query = self._query.strip()
        self._storage.forget(self._search_request)
        if not query:
            self._search_request = 0
            self.results_model.set_hits([])
            self._search_state = None
            self.search_status.hide()
            self.pages.setCurrentWidget(self.chat_view)
            return
        self._search_state = ("searching", query)
        self._show_search_status()
        self.search_status.show()
        self._search_request = self._storage.call(
            lambda store: store.search(query, SEARCH_LIMIT),
            lambda hits: self._on_hits(query, hits),
            self._report,
        )

    # -------------------------------------------------------------- handlers
    @Slot()
    def _on_new_chat_clicked(self) -> None:
        self.newChatRequested.emit()

    def _on_chats_loaded(self, chats: list[ChatSummary]) -> None:
        self._list_request = 0
        self.chat_model.set_chats(chats)
        if self._current_chat is not None:
            self.setCurrentChat(self._current_chat)
        self.chatsLoaded.emit(len(chats))

    @Slot(QModelIndex)
    def _on_chat_activated(self, index: QModelIndex) -> None:
        chat = self.chat_model.chat_at(index)
        if chat is not None:
            self._current_chat = chat.id
            self.chatSelected.emit(chat.id)

    @Slot(QModelIndex)
    def _on_hit_activated(self, index: QModelIndex) -> None:
        hit = self.results_model.hit_at(index)
        if hit is None:
            return
        if hit.message_id is None:
            self.chatSelected.emit(hit.chat_id)
        else:
            self.messageSelected.emit(hit.chat_id, hit.message_id)

    @Slot(str)
    def _on_query_edited(self, text: str) -> None:
        self._query = text
        self.search_timer.start()

    def _on_hits(self, query: str, hits: list[SearchHit]) -> None:
        self._search_request = 0
        self.results_model.set_hits(hits)
        if hits:
            self._search_state = None
            self.search_status.hide()
        else:
            self._search_state = ("none", query)
            self._show_search_status()
            self.search_status.show()
        self.pages.setCurrentWidget(self.results_view)
        self.searchFinished.emit(query, len(hits))

    @Slot(int, str)
    def _on_rename_requested(self, chat_id: int, title: str) -> None:
        def done(_: object) -> None:
            self.chatRenamed.emit(chat_id, title)

        self._storage.call(lambda store: store.rename_chat(chat_id, title), done, self._failed_and_reload)

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.chat_view.indexAt(pos)
        if self.chat_model.chat_at(index) is None:
            return
        self.chat_view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(self.rename_action)
        menu.addAction(self.delete_action)
        menu.popup(self.chat_view.viewport().mapToGlobal(pos))

    @Slot()
    def _rename_current(self) -> None:
        index = self.chat_view.currentIndex()
        if self.chat_model.chat_at(index) is not None:
            self.chat_view.edit(index)

    @Slot()
    def _delete_current(self) -> None:
        chat = self.chat_model.chat_at(self.chat_view.currentIndex())
        if chat is not None:
            self.deleteChat(chat.id)

    @Slot()
    def _expire_undo(self) -> None:
        """The undo offer ended: erase the deleted chat for good."""
        chat_id = self._undo_chat
        self._hide_undo()
        if chat_id is not None:
            self._storage.call(lambda store: store.purge_deleted(chat_id=chat_id), None, self._report)

    def _hide_undo(self) -> None:
        self.undo_timer.stop()
        self.undo_bar.hide()
        self._undo_chat = None

    def _report(self, message: str) -> None:
        log.warning("History sidebar: %s", message)
        self.errorOccurred.emit(message)

    def _failed_and_reload(self, message: str) -> None:
        self._report(message)
        self.refresh()
