"""The application font: the system's UI font, a Hangul-capable fallback, and the size setting.

Latin text keeps the platform's own UI font; Korean text must not fall into a font without Hangul
(empty boxes) or a Chinese/Japanese face with the wrong glyph shapes. So the application font lists
the system family first and a Korean family second (``QFont.setFamilies``): Qt draws each character
with the first family that has it. When none of the preferred Korean fonts is installed, Qt's own
fallback to the system's CJK fonts still applies. On Linux, ``fonts-noto-cjk`` provides
"Noto Sans CJK KR".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

log = logging.getLogger(__name__)

#: Korean UI fonts in order of preference: Linux (Noto), Windows, macOS, then common extras.
PREFERRED_HANGUL_FAMILIES = (
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "Source Han Sans KR",
    "NanumGothic",
)

#: Below this point size text is unreadable; font-size settings are raised to it.
MINIMUM_POINT_SIZE = 6


def _require_app() -> None:
    # QFontDatabase aborts the process without a QGuiApplication; fail like Python instead.
    if QGuiApplication.instance() is None:
        raise RuntimeError("create the QApplication before asking for fonts")


def has_hangul(family: str) -> bool:
    _require_app()
    return QFontDatabase.WritingSystem.Korean in QFontDatabase.writingSystems(family)


def hangul_font_family(available: Iterable[str] | None = None) -> str | None:
    """The best installed family that can draw Hangul, or ``None`` (let Qt fall back)."""
    if available is None:
        _require_app()
    installed = list(available) if available is not None else QFontDatabase.families()
    lookup = {name.casefold(): name for name in installed}
    for family in PREFERRED_HANGUL_FAMILIES:
        if family.casefold() in lookup:
            return lookup[family.casefold()]
    if available is None:
        korean = QFontDatabase.families(QFontDatabase.WritingSystem.Korean)
        if korean:
            return korean[0]
    return None


def application_font(font_size: int, base: QFont | None = None) -> QFont:
    """The system font with a Hangul fallback, at ``font_size`` points (0: the system's size)."""
    _require_app()
    font = QFont(base) if base is not None else QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    families = [family for family in font.families() or [font.family()] if family]
    korean = hangul_font_family()
    if korean and korean not in families:
        families.append(korean)
    if families:
        font.setFamilies(families)
    if font_size > 0:
        font.setPointSize(max(MINIMUM_POINT_SIZE, int(font_size)))
    return font


def apply_fonts(app: QGuiApplication, font_size: int) -> QFont:
    """Set the application font (widgets created later and existing ones both update)."""
    font = application_font(font_size)
    app.setFont(font)
    if hangul_font_family() is None:
        log.warning("no font with Hangul found: Korean text may show as boxes")
    log.info("application font: %s, %s pt", font.families(), font.pointSize())
    return font
