"""Expectations in script files: ``expect …`` lines that decide a run's exit code.

``grammar`` reads a line against the forms declared in ``model``; ``judge`` decides each
expectation once while the run proceeds (``conditions`` says what each form looks at, ``facts``
keeps what the events told); ``timing`` refuses expectations that could never mean anything
where they stand.
"""

from __future__ import annotations

from .grammar import parse_expectation
from .judge import CHECK_EVERY_MS, Judge
from .model import FORMS, Expectation
from .timing import too_early
from .vocabulary import Vocabulary

__all__ = ["CHECK_EVERY_MS", "FORMS", "Expectation", "Judge", "Vocabulary",
           "parse_expectation", "too_early"]
