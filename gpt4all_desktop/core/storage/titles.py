"""Automatic chat titles from the first exchange.

A good title is the gist of the user's first question, short enough for the sidebar, without
Markdown symbols, code or line breaks. When the question is too short to say anything ("hi"),
the answer's first sentence is used instead.
"""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 48

_FENCED_CODE = re.compile(r"```.*?(```|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`]*)`")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LEADING_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s")
_WORDY = re.compile(r"\w", re.UNICODE)


def clean_line(text: str) -> str:
    """The first meaningful line of ``text`` with Markdown removed and spaces collapsed."""
    text = _FENCED_CODE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _INLINE_CODE.sub(r"\1", text)
    for line in text.splitlines():
        line = _LEADING_MARKUP.sub("", line)
        line = _EMPHASIS.sub(r"\2", line)
        line = " ".join(line.split())
        if _WORDY.search(line):
            return line
    return ""


def shorten(text: str, max_chars: int = MAX_TITLE_CHARS) -> str:
    """Cut at a word boundary and add an ellipsis when ``text`` is too long."""
    if len(text) <= max_chars:
        return text.rstrip(" :;,-")
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space >= max_chars * 0.6:
        cut = cut[:space]
    return cut.rstrip(" :;,.-") + "…"


def auto_title(user_text: str, answer_text: str = "", max_chars: int = MAX_TITLE_CHARS) -> str:
    """A short, clean title for a chat whose first exchange is ``user_text`` / ``answer_text``."""
    question = clean_line(user_text)
    if len(_WORDY.findall(question)) >= 4 or not answer_text.strip():
        return shorten(question, max_chars)
    # The answer's opening, sentence by sentence, until it says something ("Hello!" alone does not).
    opening = ""
    for sentence in _SENTENCE_END.split(clean_line(answer_text)):
        opening = f"{opening} {sentence}".strip()
        if len(opening) >= 20:
            break
    return shorten(opening or question, max_chars)
