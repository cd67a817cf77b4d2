"""Argument types shared by subcommands, so a bad value is reported the same way everywhere."""

from __future__ import annotations

import argparse

from engine.durations import DurationError, parse_duration

__all__ = ["duration_ms", "non_negative_int", "speed_factor"]


def duration_ms(text: str) -> int:
    try:
        value = parse_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"the duration must be positive, got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 0, got {value}")
    return value


def speed_factor(text: str) -> float:
    try:
        value = float(text.lower().removeprefix("x").removesuffix("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a speed such as 60 or x60, got {text!r}") from None
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"the speed must be above 0 and at most 1000, got {text!r}")
    return value
