"""Applies the appearance settings (theme, language, font size) to the running app, live."""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from gpt4all_desktop.ui.fonts import apply_fonts
from gpt4all_desktop.ui.i18n import LanguageManager
from gpt4all_desktop.ui.theme import ThemeManager, app_icon

APPEARANCE_FIELDS = ("theme", "language", "font_size")


class Appearance(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.theme = ThemeManager(app, self)
        self.language = LanguageManager(app, parent=self)
        self._applied: dict[str, Any] = {}

    def apply(self, values: Mapping[str, Any], force: bool = False) -> list[str]:
        """Apply what changed; returns messages for the user (e.g. a missing translation)."""
        messages: list[str] = []
        if force or values.get("theme") != self._applied.get("theme"):
            self.theme.set_theme(str(values.get("theme", "system")))
        if force or values.get("font_size") != self._applied.get("font_size"):
            apply_fonts(self.app, int(values.get("font_size", 0) or 0))
        if force or values.get("language") != self._applied.get("language"):
            self.language.set_language(str(values.get("language", "system")))
            if self.language.message:
                messages.append(self.language.message)
        self.app.setWindowIcon(app_icon())
        self._applied = {k: values.get(k) for k in APPEARANCE_FIELDS}
        return messages

    def shutdown(self) -> None:
        self.language.shutdown()
