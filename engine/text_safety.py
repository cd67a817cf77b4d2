"""Characters a text file of ours may not hold: control characters other than tab, newline
and carriage return (a NUL, a bell, an escape sequence pasted from a terminal) and the Unicode
non-characters. Scenario and script files are refused at the first one, with its position."""

from __future__ import annotations

import re

__all__ = ["first_control_character"]

_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\ufffe\uffff]")


def first_control_character(text: str) -> tuple[int, int, str] | None:
    """(line, column, description) of the first character not allowed, 1-based; or None."""
    match = _BAD.search(text)
    if match is None:
        return None
    start = match.start()
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col, f"control character U+{ord(match.group()):04X} is not allowed"
