"""Switching the interface language at runtime (English, Korean, or the system's).

English is the source language: the texts in the code are English and need no translator.
Korean comes from ``resources/i18n/gpt4all_desktop_ko.qm``, compiled from the ``.ts`` source by
``scripts/build_translations.py``. Qt's own texts (standard buttons, file dialogs) come from the
``qtbase_<lang>.qm`` shipped with PySide6.

The contract for widgets
------------------------
Switching language never restarts the app or rebuilds windows. Installing or removing a
translator makes Qt send a :attr:`QEvent.Type.LanguageChange` event to every widget, so each
widget that shows text must:

1. set all of its texts in one method, ``retranslateUi()``, using ``self.tr("...")`` (or
   ``QCoreApplication.translate(context, "...")`` with a literal context) - never cache
   translated strings elsewhere;
2. call ``retranslateUi()`` once at the end of ``__init__``;
3. override ``changeEvent`` to call it again::

       def changeEvent(self, event: QEvent) -> None:
           if event.type() == QEvent.Type.LanguageChange:
               self.retranslateUi()
           super().changeEvent(event)

Texts that are data (schema titles, chat titles) are translated at the point of display, so
they follow the same rule. ``LanguageManager.languageChanged`` is emitted after the switch for
objects that are not widgets.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

log = logging.getLogger(__name__)

#: The languages the app ships, as codes stored in the ``language`` setting.
SUPPORTED_LANGUAGES = ("en", "ko")
SOURCE_LANGUAGE = "en"
CATALOG = "gpt4all_desktop"


def resources_dir() -> Path:
    """The repository's (or the frozen bundle's) ``resources`` folder."""
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data beside the code
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def translations_dir() -> Path:
    return resources_dir() / "i18n"


def effective_language(setting: str, system: QLocale | None = None) -> str:
    """The language to show for a ``language`` setting of ``system``, ``en`` or ``ko``."""
    if setting in SUPPORTED_LANGUAGES:
        return setting
    if setting != "system":
        log.warning("unknown language setting %r: using the system language", setting)
    locale = system if system is not None else QLocale.system()
    for name in locale.uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in SUPPORTED_LANGUAGES:
            return code
    return SOURCE_LANGUAGE


class LanguageManager(QObject):
    """Owns the installed translators and swaps them when the language setting changes."""

    #: The effective language code after a switch (``en`` or ``ko``).
    languageChanged = Signal(str)

    def __init__(self, app: QCoreApplication, directory: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else app)
        self._app = app
        self._directory = Path(directory) if directory is not None else translations_dir()
        self._installed: list[QTranslator] = []
        self.language = SOURCE_LANGUAGE
        self._initial_locale = QLocale()
        #: A sentence for the user when the chosen language could not be loaded, else "".
        self.message = ""

    def set_language(self, setting: str) -> str:
        """Apply ``setting`` (``system``/``en``/``ko``) now; returns the language in effect.

        A missing or broken translation file falls back to English with :attr:`message` set,
        never an exception.
        """
        wanted = effective_language(setting)
        self.message = ""
        translators: list[QTranslator] = []
        if wanted == SOURCE_LANGUAGE:
            # The English catalogue only holds plural forms ("1 token", "2 tokens").
            plurals = QTranslator(self)
            if plurals.load(f"{CATALOG}_{SOURCE_LANGUAGE}", str(self._directory)):
                translators.append(plurals)
        else:
            app_translator = QTranslator(self)
            if app_translator.load(f"{CATALOG}_{wanted}", str(self._directory)):
                translators.append(app_translator)
                qt_translator = QTranslator(self)
                qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
                if qt_translator.load(f"qtbase_{wanted}", qt_dir):
                    translators.append(qt_translator)
            else:
                log.warning("translation %s_%s.qm not found in %s", CATALOG, wanted, self._directory)
                self.message = f"The {wanted} translation is missing from {self._directory}; English is shown."
                wanted = SOURCE_LANGUAGE
        if wanted == self.language and not translators and not self._installed:
            return wanted
        self._remove_all()
        for translator in translators:
            self._app.installTranslator(translator)  # Qt sends LanguageChange to every widget
        self._installed = translators
        QLocale.setDefault(QLocale(wanted))
        self.language = wanted
        log.info("interface language: %s", wanted)
        self.languageChanged.emit(wanted)
        return wanted

    def _remove_all(self) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
            translator.deleteLater()
        self._installed = []

    def shutdown(self) -> None:
        """Remove the translators (tests call it so the next test starts in English)."""
        self._remove_all()
        QLocale.setDefault(self._initial_locale)
        self.language = SOURCE_LANGUAGE
