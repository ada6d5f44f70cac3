"""Status lines that follow a language switch.

A status label shows texts made at different moments ("Searching…", "12 repositories",
"Imported model.gguf."), often with a value filled in. Translating once when the text is set
would leave it in the old language after a switch, so :class:`LiveText` keeps *how* the text
was made - a function that calls ``self.tr(...)`` - and makes it again on ``LanguageChange``.
Texts that are not ours to translate (an error message from the core) are set with
:meth:`LiveText.set_plain` and stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel


class LiveText:
    """Sets a label's text from a function and calls it again on :meth:`refresh`."""

    def __init__(self, label: QLabel) -> None:
        self.label = label
        self._make: Callable[[], str] | None = None

    def set(self, make: Callable[[], str]) -> None:
        """Show ``make()`` now and again after each language switch."""
        self._make = make
        self.label.setText(make())

    def set_plain(self, text: str) -> None:
        """Show a text that needs no translation (a message passed in from elsewhere)."""
        self._make = None
        self.label.setText(text)

    def clear(self) -> None:
        self._make = None
        self.label.clear()

    def refresh(self) -> None:
        """Make the text again in the current language (call from ``retranslateUi``)."""
        if self._make is not None:
            self.label.setText(self._make())
