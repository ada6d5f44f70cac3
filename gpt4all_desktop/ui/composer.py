"""The message box: Enter sends, Shift+Enter starts a new line, IME input (Korean) works.

Key handling leaves input-method composition alone: while a Hangul syllable is being
composed the IME owns the keys, and the text only arrives committed, so Enter never sends a
half-composed syllable.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

MAX_MESSAGE_CHARS = 1_000_000


class Composer(QPlainTextEdit):
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setTabChangesFocus(True)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.setMaximumHeight(120)
        self.setMinimumHeight(56)
        self.retranslate()

    def retranslate(self) -> None:
        """Set the texts in the current language (again on every language switch)."""
        self.setPlaceholderText(self.tr("Message the model — Enter to send, Shift+Enter for a new line"))
        self.setAccessibleName(self.tr("Message"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers()
            if mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
                self.insertPlainText("\n")
                return
            self.submit()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        text = self.toPlainText()
        if text.strip():
            self.submitted.emit(text)
