"""How a table's rows are ordered when sorted by a column, k9s-style.

Numbers sort as numbers ("1.2k", "605ms", "42%", "3/3" read by ``format.sort_value``), other
text naturally (``web-10`` after ``web-9``); a numeric column sorts largest first unless told
otherwise. Child rows (a database's nodes) stay under their parent; rows with an empty cell go
last. Cell texts' sort keys are cached, so re-sorting on every live update is cheap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .format import sort_value

if TYPE_CHECKING:
    from .live_table import Row

__all__ = ["RowOrder"]

_CACHE_LIMIT = 4096
_DIGITS = re.compile(r"(\d+)")


class RowOrder:
    """A table's sort: the column (None: the order given) and its direction."""

    def __init__(self) -> None:
        self.column: str | None = None
        self.descending = False
        self._keys: dict[str, tuple] = {}  # cell text → sort key

    def key(self, text: str) -> tuple:
        found = self._keys.get(text)
        if found is None:
            if len(self._keys) > _CACHE_LIMIT:
                self._keys.clear()
            value = sort_value(text)
            found = (0, value) if value is not None else (1, _natural(text.strip().lower()))
            self._keys[text] = found
        return found

    def numeric(self, rows: Sequence[Row], column: str) -> bool:
        """Do most filled cells of ``column`` hold numbers (in the rows sorted)?"""
        cells = [c for r in rows if not r.parent and (c := r.cells.get(column, "").strip())]
        return bool(cells) and 2 * sum(self.key(c)[0] == 0 for c in cells) > len(cells)

    def apply(self, rows: list[Row]) -> list[Row]:
        column = self.column
        if column is None or not rows:
            return rows
        tops = [r for r in rows if not r.parent]
        filled = [r for r in tops if r.cells.get(column, "").strip()]
        filled.sort(key=lambda r: self.key(r.cells[column]), reverse=self.descending)
        ordered = filled + [r for r in tops if not r.cells.get(column, "").strip()]
        if len(tops) == len(rows):
            return ordered
        children: dict[str, list[Row]] = {}
        for r in rows:
            if r.parent:
                children.setdefault(r.parent, []).append(r)
        out = []
        for r in ordered:
            out.append(r)
            out.extend(children.pop(r.key, ()))
        for orphans in children.values():  # a parent not given: keep them, at the end
            out.extend(orphans)
        return out


def _natural(text: str) -> tuple:
    """``web-10`` after ``web-9``: digit runs compare as numbers."""
    out = []
    for i, part in enumerate(_DIGITS.split(text)):
        out.append((1, int(part)) if i % 2 else (0, part))
    return tuple(out)
