"""Paints search hits as rich text so the matched words stand out.

The model supplies already-escaped HTML (:data:`~.history_models.SNIPPET_HTML_ROLE`); this
delegate lays it out with a QTextDocument per painted row. Only visible rows are painted and a
search returns at most a few dozen hits, so this stays cheap.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from gpt4all_desktop.ui.history_models import SNIPPET_HTML_ROLE

_PADDING = 4


class HighlightDelegate(QStyledItemDelegate):
    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(_PADDING)
        doc.setHtml(str(index.data(SNIPPET_HTML_ROLE) or ""))
        doc.setTextWidth(max(50, option.rect.width()))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(QPalette.ColorRole.HighlightedText))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if opt.rect.width() <= 0 and opt.widget is not None:
            opt.rect.setWidth(opt.widget.width())
        doc = self._document(opt, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()))
