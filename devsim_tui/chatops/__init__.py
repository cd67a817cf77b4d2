"""The ChatOps language: text → typed command, shared by every front end.

``parse(text, context)`` returns an ``engine.commands`` command or a ``ParseError``; the
registry (``REGISTRY``) declares each command once and feeds parsing, help and completion.
"""

from __future__ import annotations

from .context import ParseContext
from .parser import ParseError, parse
from .registry import REGISTRY, CommandSpec

__all__ = ["REGISTRY", "CommandSpec", "ParseContext", "ParseError", "parse"]
