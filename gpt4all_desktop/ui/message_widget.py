"""One message in the chat view: who said it, the rendered text, its actions and stats."""

from __future__ import annotations

from PySide6.QtCore import QTimer, QCoreApplication, QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gpt4all_desktop.core.messages import GenerationStats
from gpt4all_desktop.ui.markdown_render import code_blocks, render_html
from gpt4all_desktop.ui.theme import LIGHT, ThemeColors


DISPLAY_LIMIT = 20_000  # characters of a message laid out on screen
STREAM_RENDER_MS = 100  # how often a streaming answer is laid out again


# Where the notes under an answer ("stopped", "interrupted by an error") are translated: the
# main window passes them in English and they are translated when shown, so they follow a
# language switch. The texts are listed for the extractor in :mod:`.dynamic_strings`.
NOTE_CONTEXT = "MainWindow"


def translate_note(note: str) -> str:
    """A note under an answer in the current language (unknown notes are shown as they are)."""
    return QCoreApplication.translate(NOTE_CONTEXT, note) if note else note


class MessageWidget(QFrame):
    """Renders one message. Streaming answers call :meth:`set_text` per batch: only this widget re-renders."""

    copyRequested = Signal(str)
    regenerateRequested = Signal()
    editRequested = Signal(int)  # message id
    branchRequested = Signal(int)  # the sibling message id to show instead

    def __init__(self, role: str, text: str = "", parent: QWidget | None = None,
                 colors: ThemeColors = LIGHT) -> None:
        super().__init__(parent)
        self.role = role
        self.colors = colors
        self.message_id: int | None = None
        self._render_timer: QTimer | None = None
        self._siblings: tuple[int | None, int | None] = (None, None)
        self._text = ""
        self._stats: GenerationStats | None = None
        self._note = ""
        self._branch: tuple[int, int] | None = None  # shown version, number of versions
        self.setObjectName(f"message_{role}")
        self.setProperty("role", role)
        self.setProperty("bubble", "user" if role == "user" else "assistant")
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)

        header = QHBoxLayout()
        self.author = QLabel(self)
        self.author.setObjectName("author")
        font = self.author.font()
        font.setBold(True)
        self.author.setFont(font)
        header.addWidget(self.author)
        header.addStretch(1)
        self.prev_button = QToolButton(self)
        self.prev_button.setAutoRaise(True)
        self.prev_button.setText("‹")
        self.prev_button.clicked.connect(lambda: self._go(0))
        self.branch_label = QLabel(self)
        self.branch_label.setProperty("muted", True)
        self.next_button = QToolButton(self)
        self.next_button.setAutoRaise(True)
        self.next_button.setText("›")
        self.next_button.clicked.connect(lambda: self._go(1))
        for w in (self.prev_button, self.branch_label, self.next_button):
            w.setVisible(False)
            header.addWidget(w)
        self.edit_button = QToolButton(self)
        self.edit_button.setAutoRaise(True)
        self.edit_button.setVisible(False)
        self.edit_button.clicked.connect(lambda: self.message_id is not None and self.editRequested.emit(self.message_id))
        header.addWidget(self.edit_button)
        self.copy_button = QToolButton(self)
        self.copy_button.setAutoRaise(True)
        self.copy_button.clicked.connect(lambda: self.copyRequested.emit(self._text))
        header.addWidget(self.copy_button)
        self.regenerate_button = QToolButton(self)
        self.regenerate_button.setAutoRaise(True)
        self.regenerate_button.clicked.connect(self.regenerateRequested)
        self.regenerate_button.setVisible(False)
        header.addWidget(self.regenerate_button)
        layout.addLayout(header)

        self.body = QLabel(self)
        self.body.setObjectName("body")
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.body.setOpenExternalLinks(True)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.body.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.body.customContextMenuRequested.connect(self._context_menu)
        self.body.setTextFormat(Qt.TextFormat.PlainText if role == "user" else Qt.TextFormat.RichText)
        if role == "error":
            self.body.setProperty("problem", True)
        elif role == "notice":
            self.body.setProperty("muted", True)
        layout.addWidget(self.body)

        self.footer = QLabel(self)
        self.footer.setObjectName("footer")
        self.footer.setProperty("muted", True)
        self.footer.setVisible(False)
        layout.addWidget(self.footer)
        self.retranslate()
        self.set_text(text)

    def retranslate(self) -> None:
        """Set every label in the current language (again on every language switch)."""
        names = {"user": self.tr("You"), "assistant": self.tr("Assistant"), "system": self.tr("System"),
                 "notice": self.tr("Notice"), "error": self.tr("Error")}
        self.author.setText(names.get(self.role, self.role))
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy this message"))
        self.copy_button.setAccessibleName(self.tr("Copy message"))
        self.regenerate_button.setText(self.tr("Regenerate"))
        self.regenerate_button.setToolTip(self.tr("Write this answer again"))
        self.regenerate_button.setAccessibleName(self.tr("Regenerate answer"))
        self.edit_button.setText(self.tr("Edit"))
        self.edit_button.setToolTip(self.tr("Edit and ask again; this version stays as a branch"))
        self.edit_button.setAccessibleName(self.tr("Edit message"))
        self.prev_button.setAccessibleName(self.tr("Previous version"))
        self.next_button.setAccessibleName(self.tr("Next version"))
        if self._branch is not None:
            index, count = self._branch
            self.branch_label.setAccessibleName(
                self.tr("Version %1 of %2").replace("%1", str(index)).replace("%2", str(count)))
        if self.role == "user" and len(self._text) > DISPLAY_LIMIT:
            self.set_text(self._text)  # the "more characters" line is in the old language
        self._show_stats()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def stats_text(self, stats: GenerationStats) -> str:
        """"120 tokens · 14.2 tok/s · first token 310 ms" in the current language."""
        parts = [self.tr("%n tokens", "", stats.generated_tokens)]
        if stats.tokens_per_second:
            parts.append(self.tr("%1 tok/s").replace("%1", f"{stats.tokens_per_second:.1f}"))
        if stats.time_to_first_token:
            parts.append(self.tr("first token %1 ms").replace("%1", f"{stats.time_to_first_token * 1000:.0f}"))
        return " · ".join(parts)

    def text(self) -> str:
        return self._text

    def set_identity(self, message_id: int | None, branch: tuple[int, int, int | None, int | None] | None) -> None:
        """The saved message's id and its place among versions: (index, count, previous id, next id)."""
        self.message_id = message_id
        self.edit_button.setVisible(self.role == "user" and message_id is not None)
        show = branch is not None and branch[1] > 1
        for w in (self.prev_button, self.branch_label, self.next_button):
            w.setVisible(show)
        if show:
            index, count, prev_id, next_id = branch  # type: ignore[misc]
            self._branch = (index, count)
            self.branch_label.setText(f"{index}/{count}")
            self.branch_label.setAccessibleName(self.tr("Version %1 of %2").replace("%1", str(index)).replace("%2", str(count)))
            self._siblings = (prev_id, next_id)
            self.prev_button.setEnabled(prev_id is not None)
            self.next_button.setEnabled(next_id is not None)

    def _go(self, direction: int) -> None:
        target = self._siblings[direction]
        if target is not None:
            self.branchRequested.emit(target)

    def set_text(self, text: str) -> None:
        self._text = text
        if self.role == "user":
            if len(text) > DISPLAY_LIMIT:
                # Laying out a huge paste would freeze the view; Copy still gives the whole text.
                hidden = len(text) - DISPLAY_LIMIT
                text = text[:DISPLAY_LIMIT] + "\n\n" + self.tr("… %1 more characters (Copy takes the whole message)").replace(
                    "%1", f"{hidden:,}")
            self.body.setText(text)
        else:
            c = self.colors
            self.body.setText(render_html(text, c.pygments_style, c.code_background, c.code_text))
        self.body.setAccessibleName(text[:200])

    def set_colors(self, colors: ThemeColors) -> None:
        if colors != self.colors:
            self.colors = colors
            self.set_text(self._text)

    def append_text(self, chunk: str) -> None:
        """Streaming: keep every character, but lay the message out at most every ~100 ms.

        Each render re-reads the Markdown and re-lays out the column, so rendering per batch
        would make a long answer cost more and more of the GUI thread."""
        self._text += chunk
        if self._render_timer is None:
            self._render_timer = QTimer(self)
            self._render_timer.setSingleShot(True)
            self._render_timer.timeout.connect(self.flush_render)
        if not self._render_timer.isActive():
            self._render_timer.start(STREAM_RENDER_MS)

    def flush_render(self) -> None:
        """Show all text received so far now (the answer finished or was stopped)."""
        if self._render_timer is not None:
            self._render_timer.stop()
        self.set_text(self._text)

    def set_stats(self, stats: GenerationStats | None, note: str = "") -> None:
        """The footer: speed figures and a note such as "stopped" (English; translated when shown)."""
        self._stats, self._note = stats, note
        self._show_stats()

    def _show_stats(self) -> None:
        stats = self._stats
        parts = [self.stats_text(stats)] if stats is not None and stats.generated_tokens else []
        if self._note:
            parts.append(translate_note(self._note))
        self.footer.setText(" · ".join(parts))
        self.footer.setVisible(bool(parts))

    def set_regenerate_visible(self, visible: bool) -> None:
        self.regenerate_button.setVisible(visible)

    @Slot(object)
    def _context_menu(self, pos: object) -> None:
        menu = QMenu(self)
        copy_all = QAction(self.tr("Copy message"), menu)
        copy_all.triggered.connect(lambda: self.copyRequested.emit(self._text))
        menu.addAction(copy_all)
        if self.body.hasSelectedText():
            sel = QAction(self.tr("Copy selection"), menu)
            sel.triggered.connect(lambda: QGuiApplication.clipboard().setText(self.body.selectedText()))
            menu.addAction(sel)
        for i, block in enumerate(code_blocks(self._text), start=1):
            act = QAction(self.tr("Copy code block %n", "", i), menu)
            act.triggered.connect(lambda _=False, b=block: self.copyRequested.emit(b))
            menu.addAction(act)
        menu.exec(self.body.mapToGlobal(pos))  # type: ignore[arg-type]
