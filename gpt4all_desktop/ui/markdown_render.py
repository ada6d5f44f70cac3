"""Markdown for chat messages: Qt's own CommonMark for text, Pygments for code blocks.

A message is split at its fenced code blocks. Text parts go through ``QTextDocument``'s
Markdown reader; code parts are highlighted by Pygments (inline colours, since a QLabel has no
style sheet classes) and boxed on the theme's code background so they stay readable in light
and dark mode. While an answer streams, every part but the last is unchanged between batches,
so rendered parts are cached and only the growing tail is rendered again.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from PySide6.QtGui import QTextDocument

FENCE = re.compile(r"^```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^```[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


def code_blocks(markdown: str) -> list[str]:
    """The contents of the fenced code blocks, in order (an unclosed one counts while streaming)."""
    return [m.group(2).rstrip("\n") for m in FENCE.finditer(markdown)]


def plain_to_html(text: str) -> str:
    """User messages are shown as typed (no Markdown surprises), with line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


@lru_cache(maxsize=512)
def _text_html(markdown: str) -> str:
    doc = QTextDocument()
    doc.setMarkdown(markdown)
    match = BODY.search(doc.toHtml())
    return match.group(1) if match else html.escape(markdown)


@lru_cache(maxsize=256)
def _code_html(code: str, language: str, style: str, background: str, foreground: str) -> str:
    body = ""
    try:
        from pygments import highlight  # noqa: PLC0415 - loaded on the first code block only
        from pygments.formatters import HtmlFormatter  # noqa: PLC0415
        from pygments.lexers import get_lexer_by_name, guess_lexer  # noqa: PLC0415
        from pygments.util import ClassNotFound  # noqa: PLC0415

        try:
            lexer = get_lexer_by_name(language) if language else guess_lexer(code)
        except ClassNotFound:
            lexer = get_lexer_by_name("text")
        formatter = HtmlFormatter(noclasses=True, nowrap=True, style=style)
        body = highlight(code, lexer, formatter)
    except Exception:  # noqa: BLE001 - highlighting is a nicety; never lose the code over it
        body = html.escape(code)
    return (f'<table width="100%" cellpadding="8" cellspacing="0" bgcolor="{background}" '
            f'style="margin-top:4px; margin-bottom:4px;"><tr><td>'
            f'<pre style="color:{foreground}; font-family: monospace; margin:0;">{body.rstrip()}</pre>'
            f"</td></tr></table>")


def render_html(markdown: str, style: str = "default", code_background: str = "#f0f1f4",
                code_text: str = "#1f2328") -> str:
    """The message as HTML for a rich-text QLabel."""
    parts: list[str] = []
    pos = 0
    for m in FENCE.finditer(markdown):
        if m.start() > pos and markdown[pos:m.start()].strip():
            parts.append(_text_html(markdown[pos:m.start()]))
        parts.append(_code_html(m.group(2).rstrip("\n"), m.group(1).lower(), style, code_background, code_text))
        pos = m.end()
    if markdown[pos:].strip():
        parts.append(_text_html(markdown[pos:]))
    return "".join(parts)
