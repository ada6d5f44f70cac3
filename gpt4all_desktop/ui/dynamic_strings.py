"""Texts that are translated from data, listed here so the translation extractor sees them.

``lupdate`` only collects literal strings inside ``tr()`` / ``translate()`` calls. A text kept in
a table and translated later (``self.tr(NOTES[reason])``) is invisible to it, so each such text
is repeated here inside ``QT_TRANSLATE_NOOP(context, text)``, which returns the text unchanged
at run time. The context must be the one the text is translated in when it is shown.

When a table of texts grows elsewhere in the UI, add its entries here, then run
``scripts/build_translations.py`` and translate the new entries.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

# Notes under an answer: the main window's ``STOP_NOTES`` and ``STATE_NOTES``. They are shown
# through :func:`gpt4all_desktop.ui.message_widget.translate_note` (context ``MainWindow``).
ANSWER_NOTES = (
    QT_TRANSLATE_NOOP("MainWindow", "stopped"),
    QT_TRANSLATE_NOOP("MainWindow", "reached the answer length limit"),
    QT_TRANSLATE_NOOP("MainWindow", "the context window is full"),
    QT_TRANSLATE_NOOP("MainWindow", "interrupted: the app closed while it was written"),
    QT_TRANSLATE_NOOP("MainWindow", "interrupted by an error"),
)
