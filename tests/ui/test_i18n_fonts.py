"""Korean text gets a font with Hangul; the font size setting applies.

Needs a Hangul font on the machine (Debian/Ubuntu: ``apt-get install fonts-noto-cjk``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QImage, QPainter
from PySide6.QtWidgets import QApplication

from gpt4all_desktop.ui.fonts import (
    MINIMUM_POINT_SIZE,
    application_font,
    apply_fonts,
    has_hangul,
    hangul_font_family,
)


@pytest.fixture
def restore_font(qapp: QApplication) -> Iterator[QApplication]:
    font = QFont(qapp.font())
    yield qapp
    qapp.setFont(font)


def render(text: str, font: QFont) -> QImage:
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.black)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return image


def test_preferred_korean_families_are_picked_in_order() -> None:
    assert hangul_font_family(["Arial", "apple sd gothic neo", "Malgun Gothic"]) == "Malgun Gothic"
    assert hangul_font_family(["DejaVu Sans"]) is None


def test_an_installed_font_can_draw_hangul(qapp: QApplication) -> None:
    family = hangul_font_family()
    assert family is not None, "no Hangul font installed (apt-get install fonts-noto-cjk)"
    assert has_hangul(family)


def test_application_font_draws_real_hangul_glyphs(qapp: QApplication) -> None:
    font = application_font(16)
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    assert font.families()[0] == (system.families() or [system.family()])[0]  # Latin keeps the UI font
    assert any(has_hangul(family) for family in font.families())
    ga, na = render("가", font), render("나", font)
    assert ga != na, "Hangul is drawn as identical boxes"
    assert ga != render("", font), "nothing was drawn"


def test_font_size_setting(restore_font: QApplication) -> None:
    system_size = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSize()
    assert application_font(15).pointSize() == 15
    assert application_font(0).pointSize() == system_size
    assert application_font(2).pointSize() == MINIMUM_POINT_SIZE
    apply_fonts(restore_font, 17)
    assert restore_font.font().pointSize() == 17
    apply_fonts(restore_font, 0)
    assert restore_font.font().pointSize() == system_size
