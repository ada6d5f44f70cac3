"""Markdown for chat messages, rendered by Qt's own QTextDocument (CommonMark + GitHub tables).

Code blocks are pulled out so the message can offer "Copy code" for each, and given a
monospace font and a tinted background through the document's HTML.
"""

from __future__ import annotations

import html
import re

FENCE = re.compile(r"^```[^\n]*\n(.*?)(?:^```\s*$|\Z)", re.MULTILINE | re.DOTALL)


def code_blocks(markdown: str) -> list[str]:
    """The contents of the fenced code blocks, in order (an unclosed one counts while streaming)."""
    return [m.group(1).rstrip("\n") for m in FENCE.finditer(markdown)]


def plain_to_html(text: str) -> str:
    """User messages are shown as typed (no Markdown surprises), with line breaks kept."""
    return html.escape(text).replace("\n", "<br>")
