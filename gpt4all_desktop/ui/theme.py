"""Light and dark themes, the app icon, and a WCAG contrast check.

A theme is a :class:`ThemeColors`: named colours from which both a ``QPalette`` (for every
standard widget and dialog) and a small style sheet (for the parts the palette cannot express:
chat bubbles, code blocks, the sidebar, muted and error labels) are derived. Every text colour is
chosen to reach WCAG AA, a contrast ratio of at least 4.5:1 against the background it sits on;
``tests/ui/test_theme.py`` checks the numbers and a rendered widget.

Widgets opt into the themed looks with object names and dynamic properties, so they need no
colours of their own:

* ``objectName == "sidebar"``: the chat list panel;
* ``bubble`` property ``"user"`` / ``"assistant"`` on a ``QFrame``: a chat message;
* ``code`` property ``True`` on a ``QLabel``/``QPlainTextEdit``/``QTextBrowser``: a code block;
* ``muted`` / ``problem`` properties ``True`` on a ``QLabel``: secondary text / an error.

HTML rendered in a ``QTextBrowser`` (the chat view's markdown) gets :func:`document_css` through
``document().setDefaultStyleSheet(...)``, and code highlighting uses the Pygments style named
by :attr:`ThemeColors.pygments_style`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from gpt4all_desktop.ui.i18n import resources_dir

log = logging.getLogger(__name__)

WCAG_AA = 4.5

ColorLike = QColor | str | tuple[int, int, int]


@dataclass(frozen=True)
class ThemeColors:
    """The colours of one theme, as ``#rrggbb`` strings."""

    name: str
    window: str
    window_text: str
    base: str
    text: str
    alternate_base: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    link: str
    muted_text: str
    placeholder: str
    border: str
    error_text: str
    tooltip_base: str
    tooltip_text: str
    sidebar: str
    sidebar_text: str
    user_bubble: str
    user_text: str
    assistant_bubble: str
    assistant_text: str
    code_background: str
    code_text: str
    pygments_style: str

    @property
    def dark(self) -> bool:
        return self.name == "dark"

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        """``label -> (text colour, background colour)`` for every pair shown together."""
        return {
            "window": (self.window_text, self.window),
            "muted on window": (self.muted_text, self.window),
            "error on window": (self.error_text, self.window),
            "link on window": (self.link, self.window),
            "base": (self.text, self.base),
            "link on base": (self.link, self.base),
            "placeholder": (self.placeholder, self.base),
            "alternate base": (self.text, self.alternate_base),
            "button": (self.button_text, self.button),
            "highlight": (self.highlighted_text, self.highlight),
            "tooltip": (self.tooltip_text, self.tooltip_base),
            "sidebar": (self.sidebar_text, self.sidebar),
            "user bubble": (self.user_text, self.user_bubble),
            "assistant bubble": (self.assistant_text, self.assistant_bubble),
            "link in assistant bubble": (self.link, self.assistant_bubble),
            "code": (self.code_text, self.code_background),
        }


LIGHT = ThemeColors(
    name="light",
    window="#f5f5f7", window_text="#1d1d1f",
    base="#ffffff", text="#1d1d1f", alternate_base="#f0f0f3",
    button="#e8e8ec", button_text="#1d1d1f",
    highlight="#0a58ca", highlighted_text="#ffffff",
    link="#0a58ca", muted_text="#5b5f66", placeholder="#6b6f76",
    border="#c9cbd1", error_text="#b3261e",
    tooltip_base="#1d1d1f", tooltip_text="#f5f5f7",
    sidebar="#ebebef", sidebar_text="#1d1d1f",
    user_bubble="#dbe7fd", user_text="#0b1f3a",
    assistant_bubble="#ffffff", assistant_text="#1d1d1f",
    code_background="#f0f1f4", code_text="#1f2328",
    pygments_style="default",
)

DARK = ThemeColors(
    name="dark",
    window="#1e1f22", window_text="#e6e6e6",
    base="#17181b", text="#e8e8e8", alternate_base="#232529",
    button="#2d2f34", button_text="#e6e6e6",
    highlight="#2c64c9", highlighted_text="#ffffff",
    link="#8ab4ff", muted_text="#a3a7ae", placeholder="#9a9ea5",
    border="#3c3f45", error_text="#ff8f87",
    tooltip_base="#e6e6e6", tooltip_text="#1e1f22",
    sidebar="#151618", sidebar_text="#dcdde0",
    user_bubble="#23406e", user_text="#f2f6ff",
    assistant_bubble="#26282d", assistant_text="#e8e8e8",
    code_background="#0f1013", code_text="#e3e5e8",
    pygments_style="github-dark",
)

THEMES = {"light": LIGHT, "dark": DARK}


# ---------------------------------------------------------------------------------------------
# Contrast


def _rgb(color: ColorLike) -> tuple[int, int, int]:
    if isinstance(color, QColor):
        return color.red(), color.green(), color.blue()
    if isinstance(color, str):
        parsed = QColor(color)
        if not parsed.isValid():
            raise ValueError(f"not a colour: {color!r}")
        return parsed.red(), parsed.green(), parsed.blue()
    red, green, blue = color
    return int(red), int(green), int(blue)


def relative_luminance(color: ColorLike) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 black .. 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in _rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: ColorLike, background: ColorLike) -> float:
    """WCAG contrast ratio between two colours, 1.0 (none) to 21.0 (black on white)."""
    first, second = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


# ---------------------------------------------------------------------------------------------
# Palette and style sheet


def palette_for(colors: ThemeColors) -> QPalette:
    """A complete ``QPalette`` (active, inactive and disabled groups) for ``colors``."""
    role = QPalette.ColorRole
    palette = QPalette()
    assignments = {
        role.Window: colors.window,
        role.WindowText: colors.window_text,
        role.Base: colors.base,
        role.AlternateBase: colors.alternate_base,
        role.Text: colors.text,
        role.Button: colors.button,
        role.ButtonText: colors.button_text,
        role.BrightText: colors.error_text,
        role.Highlight: colors.highlight,
        role.HighlightedText: colors.highlighted_text,
        role.Link: colors.link,
        role.LinkVisited: colors.link,
        role.PlaceholderText: colors.placeholder,
        role.ToolTipBase: colors.tooltip_base,
        role.ToolTipText: colors.tooltip_text,
        role.Light: colors.border,
        role.Midlight: colors.border,
        role.Mid: colors.border,
        role.Dark: colors.border,
        role.Shadow: "#000000",
    }
    for color_role, value in assignments.items():
        palette.setColor(color_role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for color_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, color_role, QColor(colors.muted_text))
    return palette


def stylesheet_for(colors: ThemeColors) -> str:
    """The few looks a palette cannot express (see the module docstring for the selectors)."""
    c = colors
    return f"""
QWidget#sidebar {{ background-color: {c.sidebar}; color: {c.sidebar_text}; }}
QWidget#sidebar QLabel {{ color: {c.sidebar_text}; }}
QFrame[bubble="user"] {{ background-color: {c.user_bubble}; color: {c.user_text};
    border-radius: 10px; padding: 8px; }}
QFrame[bubble="user"] QLabel {{ color: {c.user_text}; background: transparent; }}
QFrame[bubble="assistant"] {{ background-color: {c.assistant_bubble}; color: {c.assistant_text};
    border: 1px solid {c.border}; border-radius: 10px; padding: 8px; }}
QFrame[bubble="assistant"] QLabel {{ color: {c.assistant_text}; background: transparent; }}
QLabel[code="true"], QPlainTextEdit[code="true"], QTextBrowser[code="true"] {{
    background-color: {c.code_background}; color: {c.code_text};
    border: 1px solid {c.border}; border-radius: 6px; padding: 6px; }}
QLabel[muted="true"] {{ color: {c.muted_text}; }}
QLabel[problem="true"] {{ color: {c.error_text}; }}
""".strip()


def document_css(colors: ThemeColors) -> str:
    """CSS for HTML shown in a ``QTextBrowser`` (markdown answers, code blocks, links)."""
    c = colors
    return (
        f"a {{ color: {c.link}; }}\n"
        f"pre, code {{ background-color: {c.code_background}; color: {c.code_text}; "
        f"font-family: monospace; }}\n"
        f"pre {{ padding: 6px; }}\n"
        f"blockquote {{ color: {c.muted_text}; }}\n"
    )


# ---------------------------------------------------------------------------------------------
# Choosing and applying


def system_is_dark(app: QGuiApplication | None = None) -> bool:
    """Whether the desktop asks for dark colours (``QStyleHints.colorScheme()``)."""
    app = app or QGuiApplication.instance()
    if app is None:
        return False
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def theme_for(setting: str, app: QGuiApplication | None = None) -> ThemeColors:
    """The colours for a ``theme`` setting of ``system``, ``light`` or ``dark``."""
    if setting in THEMES:
        return THEMES[setting]
    if setting != "system":
        log.warning("unknown theme %r: following the system", setting)
    return DARK if system_is_dark(app) else LIGHT


def apply_theme(app: QApplication, colors: ThemeColors, *, use_fusion: bool = True) -> None:
    """Give the whole application ``colors``.

    Fusion is used by default because native styles (Windows 11, macOS) ignore parts of the
    palette, which would leave light controls in a dark window.
    """
    if use_fusion and app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette_for(colors))
    app.setStyleSheet(stylesheet_for(colors))
    log.info("theme: %s", colors.name)


class ThemeManager(QObject):
    """Applies the ``theme`` setting and, for ``system``, follows the desktop when it changes."""

    #: The :class:`ThemeColors` now in use (for views that render HTML or highlight code).
    themeChanged = Signal(object)

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else app)
        self._app = app
        self.setting = "system"
        self.colors = theme_for("system", app)
        app.styleHints().colorSchemeChanged.connect(self._on_system_scheme_changed)

    def set_theme(self, setting: str) -> ThemeColors:
        self.setting = setting
        self.colors = theme_for(setting, self._app)
        apply_theme(self._app, self.colors)
        self.themeChanged.emit(self.colors)
        return self.colors

    @Slot(Qt.ColorScheme)
    def _on_system_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.setting == "system":
            self.set_theme("system")


def icons_dir() -> Path:
    return resources_dir() / "icons"


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The window icon, with every rendered size so each platform picks a sharp one."""
    icon = QIcon()
    folder = icons_dir()
    for size in ICON_SIZES:
        png = folder / f"gpt4all-desktop-{size}.png"
        if png.exists():
            icon.addFile(str(png), QSize(size, size))
    if icon.isNull():
        log.warning("app icon not found in %s", folder)
    return icon

