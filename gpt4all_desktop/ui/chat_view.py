"""The conversation: a scrolling column of message widgets.

Long chats stay fast because only the newest page of messages is turned into widgets; older
ones are created a page at a time when the user scrolls to the top. While an answer streams,
only its own widget re-renders.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gpt4all_desktop.core.messages import GenerationStats
from gpt4all_desktop.ui.message_widget import MessageWidget
from gpt4all_desktop.ui.theme import LIGHT, ThemeColors

PAGE = 16  # about one screen of messages; older pages are built on scroll


@dataclass
class DisplayMessage:
    role: str  # "user", "assistant", "notice", "error"
    text: str
    stats: GenerationStats | None = None
    note: str = ""
    message_id: int | None = None
    branch: tuple[int, int, int | None, int | None] | None = None  # index, count, previous id, next id


class ChatView(QScrollArea):
    regenerateRequested = Signal()
    editRequested = Signal(int)
    branchRequested = Signal(int)
    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._content = QWidget()
        self._content.setObjectName("chatContent")
        self._layout = QVBoxLayout(self._content)
        self._layout.setContentsMargins(16, 12, 16, 12)
        self._layout.setSpacing(8)
        self._more = QPushButton(self._content)
        self._more.setFlat(True)
        self._more.clicked.connect(self._load_older)
        self._more.setVisible(False)
        self._layout.addWidget(self._more)
        self._empty = QLabel(self._content)
        self._empty.setObjectName("emptyHint")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty, 1)
        self._layout.addStretch(0)
        self.setWidget(self._content)
        self._pending: list[DisplayMessage] = []  # older messages not yet turned into widgets
        self._widgets: list[MessageWidget] = []
        self._streaming: MessageWidget | None = None
        self._stick = True
        self.colors: ThemeColors = LIGHT
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)
        self.retranslate()

    def retranslate(self) -> None:
        """Set the view's own texts in the current language.

        Message widgets receive the language change themselves and retranslate their own
        labels, so a switch costs one pass over the widgets on screen, not several.
        """
        self.setAccessibleName(self.tr("Conversation"))
        self._more.setText(self.tr("Show earlier messages"))
        self._more.setAccessibleName(self.tr("Show earlier messages"))
        self._empty.setText(self.tr("Ask anything. Your conversation stays on this computer."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @Slot(object)
    def set_theme(self, colors: ThemeColors) -> None:
        """Re-render messages for a new theme (code block colours live in the HTML)."""
        self.colors = colors
        for w in self._widgets:
            w.set_colors(colors)

    # --------------------------------------------------------------- content
    @property
    def message_widgets(self) -> list[MessageWidget]:
        return list(self._widgets)

    @property
    def hidden_count(self) -> int:
        return len(self._pending)

    def clear(self) -> None:
        for w in self._widgets:
            w.setParent(None)
            w.deleteLater()
        self._widgets.clear()
        self._pending.clear()
        self._streaming = None
        self._more.setVisible(False)
        self._empty.setVisible(True)
        self._stick = True

    def set_messages(self, messages: list[DisplayMessage]) -> None:
        """Show a whole conversation; only its last page becomes widgets now."""
        self.setUpdatesEnabled(False)
        try:
            self.clear()
            self._pending = list(messages[:-PAGE]) if len(messages) > PAGE else []
            for m in messages[-PAGE:]:
                self._append_widget(m)
            self._more.setVisible(bool(self._pending))
            self._update_regenerate()
        finally:
            self.setUpdatesEnabled(True)
        self.scroll_to_bottom()

    def set_older(self, messages: list[DisplayMessage]) -> None:
        """Messages before the ones shown, known once the whole chat is read; built on scroll."""
        self._pending = list(messages)
        self._more.setVisible(bool(self._pending))

    def add_message(self, role: str, text: str, stats: GenerationStats | None = None, note: str = "") -> MessageWidget:
        widget = self._append_widget(DisplayMessage(role, text, stats, note))
        self._update_regenerate()
        return widget

    def remove_last(self) -> None:
        if self._widgets:
            w = self._widgets.pop()
            w.setParent(None)
            w.deleteLater()
        self._update_regenerate()

    def _append_widget(self, m: DisplayMessage, index: int | None = None) -> MessageWidget:
        self._empty.setVisible(False)
        w = MessageWidget(m.role, m.text, self._content, self.colors)
        if m.stats is not None or m.note:
            w.set_stats(m.stats, m.note)
        w.copyRequested.connect(self._copy)
        w.regenerateRequested.connect(self.regenerateRequested)
        w.editRequested.connect(self.editRequested)
        w.branchRequested.connect(self.branchRequested)
        w.set_identity(m.message_id, m.branch)
        if index is None:
            self._layout.insertWidget(self._layout.count() - 1, w)
            self._widgets.append(w)
        else:
            self._layout.insertWidget(index + 2, w)  # after the "more" button and the empty hint
            self._widgets.insert(index, w)
        return w

    def scroll_to_message(self, message_id: int) -> bool:
        """Bring a saved message into view, creating older pages as needed (search hits)."""
        while not any(w.message_id == message_id for w in self._widgets) and self._pending:
            self._load_older()
        target = next((w for w in self._widgets if w.message_id == message_id), None)
        if target is None:
            return False
        self._stick = False
        QTimer.singleShot(0, lambda: self.ensureWidgetVisible(target, 0, 40))
        return True

    @Slot()
    def _load_older(self) -> None:
        if not self._pending:
            return
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        batch, self._pending = self._pending[-PAGE:], self._pending[:-PAGE]
        self.setUpdatesEnabled(False)
        for i, m in enumerate(batch):
            self._append_widget(m, index=i)
        self.setUpdatesEnabled(True)
        self._more.setVisible(bool(self._pending))
        QTimer.singleShot(0, lambda: bar.setValue(bar.maximum() - from_bottom))

    # ------------------------------------------------------------- streaming
    def begin_answer(self) -> MessageWidget:
        self._streaming = self.add_message("assistant", "")
        self._streaming.set_regenerate_visible(False)
        return self._streaming

    def append_to_answer(self, text: str) -> None:
        if self._streaming is not None:
            self._streaming.append_text(text)

    def finish_answer(self, stats: GenerationStats | None, note: str = "") -> None:
        if self._streaming is not None:
            self._streaming.flush_render()
            self._streaming.set_stats(stats, note)
        self._streaming = None
        self._update_regenerate()

    @property
    def streaming_widget(self) -> MessageWidget | None:
        return self._streaming

    def _update_regenerate(self) -> None:
        last_answer = next((w for w in reversed(self._widgets) if w.role == "assistant"), None)
        for w in self._widgets:
            w.set_regenerate_visible(w is last_answer and self._streaming is None)

    # --------------------------------------------------------------- scrolling
    def scroll_to_bottom(self) -> None:
        self._stick = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    @Slot(int, int)
    def _on_range_changed(self, _min: int, maximum: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(maximum)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._stick = value >= bar.maximum() - 4
        if value == bar.minimum() and self._pending and bar.maximum() > 0:
            self._load_older()

    @Slot(str)
    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)
