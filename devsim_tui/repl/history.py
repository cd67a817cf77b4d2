"""Where the REPL keeps its history: ``$XDG_DATA_HOME/devsim/repl_history``, else
``~/.local/share/devsim/repl_history`` (the directory is created). A history that cannot be
kept (a read-only home) is not fatal: the REPL says so in one line and remembers this
session only."""

from __future__ import annotations

import os
from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

__all__ = ["data_dir", "history_path", "open_history"]


def data_dir() -> Path:
    """devsim's directory under the user's data directory."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "devsim"


def history_path() -> Path:
    return data_dir() / "repl_history"


def open_history(path: Path | None = None) -> tuple[History, str | None]:
    """The history file (created with its directory), or an in-memory history and why the
    file could not be used."""
    path = path or history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return InMemoryHistory(), f"history not kept: {path}: {reason}"
    return FileHistory(str(path)), None
