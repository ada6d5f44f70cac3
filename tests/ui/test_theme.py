"""Themes: WCAG contrast on paper and on screen, following the system, the app icon."""

from __future__ import annotations

import struct
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from gpt4all_desktop.ui import theme
from gpt4all_desktop.ui.theme import (
    DARK,
    LIGHT,
    WCAG_AA,
    ThemeColors,
    ThemeManager,
    app_icon,
    apply_theme,
    contrast_ratio,
    icons_dir,
    palette_for,
    theme_for,
)


@pytest.fixture
def themed_app(qapp: QApplication) -> Iterator[QApplication]:
    """Restore the application's look after a test changes it."""
    style, palette, sheet = qapp.style().name(), QPalette(qapp.palette()), qapp.styleSheet()
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio(QColor("#123456"), (0x12, 0x34, 0x56)) == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just fails AA
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # just passes AA
    with pytest.raises(ValueError):
        contrast_ratio("not a colour", "#ffffff")


@pytest.mark.parametrize("colors", [LIGHT, DARK], ids=["light", "dark"])
def test_every_text_colour_meets_wcag_aa_on_its_background(colors: ThemeColors) -> None:
    failing = {
        label: round(contrast_ratio(text, background), 2)
        for label, (text, background) in colors.text_pairs().items()
        if contrast_ratio(text, background) < WCAG_AA
    }
    assert failing == {}


def test_palette_carries_the_theme_colours() -> None:
    palette = palette_for(DARK)
    assert palette.color(QPalette.ColorRole.Window).name() == DARK.window
    assert palette.color(QPalette.ColorRole.Text).name() == DARK.text
    assert palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text).name() == DARK.muted_text


def chat_like_widget() -> tuple[QWidget, dict[str, tuple[QWidget, QLabel, str, str]]]:
    """A sidebar, a user and an assistant bubble, a code block and a muted note.

    Returns the root and, per part, (area that paints the background, text label, expected text
    colour, expected background colour) for the dark theme's check.
    """
    root = QWidget()
    root.resize(720, 420)
    row = QHBoxLayout(root)
    sidebar = QWidget(root)
    sidebar.setObjectName("sidebar")
    sidebar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    QVBoxLayout(sidebar).addWidget(chats := QLabel("Chats 채팅", sidebar))
    row.addWidget(sidebar)
    view = QWidget(root)
    column = QVBoxLayout(view)
    row.addWidget(view, 1)

    def bubble(kind: str, text: str) -> tuple[QFrame, QLabel]:
        frame = QFrame(view)
        frame.setProperty("bubble", kind)
        label = QLabel(text, frame)
        QVBoxLayout(frame).addWidget(label)
        column.addWidget(frame)
        return frame, label

    user, user_label = bubble("user", "Hello! 안녕하세요")
    assistant, assistant_label = bubble("assistant", "Here is code:")
    code = QLabel("def answer(): return 42", view)
    code.setProperty("code", True)
    column.addWidget(code)
    note = QLabel("Generated locally", view)
    note.setProperty("muted", True)
    column.addWidget(note)
    for label in (chats, user_label, assistant_label, code, note):
        font = QFont(label.font())
        font.setPointSize(22)
        font.setBold(True)
        label.setFont(font)
    return root, {
        "sidebar": (sidebar, chats, DARK.sidebar_text, DARK.sidebar),
        "user bubble": (user, user_label, DARK.user_text, DARK.user_bubble),
        "assistant bubble": (assistant, assistant_label, DARK.assistant_text, DARK.assistant_bubble),
        "code": (code, code, DARK.code_text, DARK.code_background),
        "muted": (view, note, DARK.muted_text, DARK.window),
    }


def close_to(color: QColor, expected: str, tolerance: int = 24) -> bool:
    want = QColor(expected)
    return all(abs(a - b) <= tolerance for a, b in zip(color.getRgb()[:3], want.getRgb()[:3]))


def sample(image: QImage, root: QWidget, area: QWidget, label: QLabel) -> tuple[QColor, QColor]:
    """Background just inside ``area``'s corner, and the text pixel standing out most from it."""
    scale = image.devicePixelRatio()
    corner = area.mapTo(root, QPoint(6, area.height() // 2)) if area is not label else label.mapTo(root, QPoint(3, 3))
    background = image.pixelColor(int(corner.x() * scale), int(corner.y() * scale))
    top_left = label.mapTo(root, label.contentsRect().topLeft())
    box = QRect(top_left, label.contentsRect().size())
    best, best_ratio = background, 1.0
    for y in range(int(box.top() * scale), int(box.bottom() * scale), 1):
        for x in range(int(box.left() * scale), int(box.right() * scale), 1):
            pixel = image.pixelColor(x, y)
            ratio = contrast_ratio(pixel, background)
            if ratio > best_ratio:
                best, best_ratio = pixel, ratio
    return best, background


def test_dark_theme_chat_renders_text_with_aa_contrast(qtbot: QtBot, themed_app: QApplication) -> None:
    apply_theme(themed_app, DARK)
    root, parts = chat_like_widget()
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    image = root.grab().toImage()

    report = {}
    for name, (area, label, want_text, want_background) in parts.items():
        text, background = sample(image, root, area, label)
        report[name] = (text.name(), background.name(), round(contrast_ratio(text, background), 2))
        assert close_to(background, want_background), f"{name}: background {report[name]} is not the theme's"
        assert close_to(text, want_text, tolerance=40), f"{name}: text {report[name]} was not drawn in the theme"
        assert contrast_ratio(text, background) >= WCAG_AA, f"{name}: {report[name]}"
    # The window itself is dark, i.e. the theme really applied.
    assert image.pixelColor(1, image.height() - 2).lightness() < 60


def test_system_theme_follows_the_desktop(qtbot: QtBot, themed_app: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(theme, "system_is_dark", lambda app=None: False)
    assert theme_for("system") is LIGHT and theme_for("dark") is DARK and theme_for("light") is LIGHT
    manager = ThemeManager(themed_app)
    try:
        assert manager.set_theme("system") is LIGHT
        assert themed_app.palette().color(QPalette.ColorRole.Window).name() == LIGHT.window
        monkeypatch.setattr(theme, "system_is_dark", lambda app=None: True)
        with qtbot.waitSignal(manager.themeChanged, timeout=2000) as changed:
            themed_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert changed.args == [DARK]
        assert themed_app.palette().color(QPalette.ColorRole.Window).name() == DARK.window
        manager.set_theme("light")  # an explicit choice ignores the desktop
        with qtbot.assertNotEmitted(manager.themeChanged):
            themed_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    finally:
        manager.deleteLater()


def test_app_icon_has_every_size_and_platform_containers() -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 256, 512} <= sizes
    assert icon.pixmap(QSize(64, 64)).toImage().pixelColor(32, 10).alpha() == 255

    ico = icons_dir() / "gpt4all-desktop.ico"
    reserved, kind, count = struct.unpack("<HHH", ico.read_bytes()[:6])
    assert (reserved, kind) == (0, 1) and count >= 6
    reader = QImageReader(str(ico))
    assert reader.imageCount() == count and not reader.read().isNull()

    icns = (icons_dir() / "gpt4all-desktop.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert (icons_dir() / "gpt4all-desktop.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
