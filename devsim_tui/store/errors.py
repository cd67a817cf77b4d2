"""The session store's one error type (no imports: the CLI catches it without loading SQLite)."""

from __future__ import annotations

__all__ = ["StoreError"]


class StoreError(Exception):
    """A one-line problem with the session database, naming the file."""
