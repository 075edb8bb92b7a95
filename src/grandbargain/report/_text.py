"""Text that has to fit: display width (CJK characters count two), shortening and wrapping."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns the text takes: East Asian wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shorten(text: str, width: int) -> str:
    """Cut text to at most `width` display columns, ending with '…' when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


#: Characters a line may not start with: closing punctuation, Latin and CJK.
NO_LINE_START = frozenset(",.;:!?)]}%，。；：、！？）」』》〉】")


#: Characters a line may not end with: opening brackets and quotes.
NO_LINE_END = frozenset("([{（「『《〈【")


def wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Wrap by display width (spaces for Latin text, any character for CJK)."""
    lines: list[str] = []
    line = ""
    tokens = _tokens(text)
    for token in tokens:
        candidate = (line + token) if line else token.lstrip()
        # closing punctuation never starts a line (it stays with the word before it)
        if display_width(candidate) > width and line and token[0] not in NO_LINE_START:
            # and opening punctuation never ends one (it moves on with the word after it)
            carried = ""
            while line and line[-1] in NO_LINE_END and len(line) > 1:
                line, carried = line[:-1], line[-1] + carried
            lines.append(line.rstrip())
            line = carried + token.lstrip()
        else:
            line = candidate
    if line:
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1:])
        lines = [*lines[:max_lines - 1], shorten(rest, width)]
    return lines


def _tokens(text: str) -> list[str]:
    """Words with their leading space, and each wide character on its own."""
    tokens: list[str] = []
    current = ""
    for ch in text:
        if display_width(ch) == 2:
            if current:
                tokens.append(current)
                current = ""
            tokens.append(ch)
        elif ch == " ":
            if current:
                tokens.append(current)
            current = " "
        else:
            current += ch
    if current:
        tokens.append(current)
    return tokens
