"""Script files: one command per line, run on a simulated timeline (the README shows one).

``#`` starts a comment; ``wait D`` moves the timeline on; ``at HH:MM:SS`` moves it to that
simulated time; any other line is a command in the ChatOps language. The whole file is checked
before anything runs — every problem reported as ``file:line:col: message`` — so a script never
stops half-way through because of a typo.
"""

from __future__ import annotations

from engine.text_safety import first_control_character

import re
from dataclasses import dataclass
from pathlib import Path

from engine import DurationError, ScenarioSpec, format_clock, parse_duration
from engine.commands import Advance

from .chatops import ParseContext, ParseError, parse

__all__ = ["Script", "ScriptError", "Step", "load_script"]

_AT = re.compile(r"^at\s+(\S+)\s*$", re.I)
_WAIT = re.compile(r"^wait\s+(.+?)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Step:
    line: int
    at_ms: int
    text: str  # the command, or "" for a pure timeline step


@dataclass(frozen=True, slots=True)
class Script:
    path: str
    steps: tuple[Step, ...]

    @property
    def end_ms(self) -> int:
        return max((s.at_ms for s in self.steps), default=0)


class ScriptError(Exception):
    """Every problem of a script file, one ``file:line:col: message`` per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_script(path: str | Path, spec: ScenarioSpec, duration_ms: int | None = None) -> Script:
    """Read and check a script against a scenario.

    Raises:
        ScriptError: unreadable file, or lines that do not parse or go back in time.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScriptError([f"{name}: cannot read the script: {reason}"]) from None
    return parse_script(text, spec, name, duration_ms)


def parse_script(text: str, spec: ScenarioSpec, name: str = "<script>",
                 duration_ms: int | None = None) -> Script:
    bad = first_control_character(text)
    if bad is not None:  # a NUL or an escape sequence: not a script someone meant to write
        raise ScriptError([f"{name}:{bad[0]}:{bad[1]}: {bad[2]}"])
    context = ParseContext.for_scenario(spec)
    steps: list[Step] = []
    problems: list[str] = []
    now = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        col = len(line) - len(line.lstrip()) + 1
        line = line.strip()
        if not line:
            continue
        where = f"{name}:{number}:{col}"
        if (at := _AT.match(line)) is not None:
            try:
                target = parse_duration(at.group(1))
            except DurationError as exc:
                problems.append(f"{where}: at: {exc}")
                continue
            if target < now:
                problems.append(f"{where}: at {format_clock(target)} is earlier than "
                                f"{format_clock(now)}, where the script already is")
                continue
            now = target
            steps.append(Step(number, now, ""))
        elif (wait := _WAIT.match(line)) is not None:
            try:
                now += parse_duration(wait.group(1))
            except DurationError as exc:
                problems.append(f"{where}: wait: {exc}")
                continue
            steps.append(Step(number, now, ""))
        elif line.lower().startswith("expect "):
            problems.append(f"{where}: 'expect' lines are not supported in this version yet "
                            "(they come with session recording)")
        else:
            result = parse(line, context)
            if isinstance(result, ParseError):
                hint = f" (try: {result.suggestions[0]})" if result.suggestions else ""
                problems.append(f"{where}: {result.message}{hint}")
                continue
            steps.append(Step(number, now, line))
            if isinstance(result, Advance):
                now += result.duration * 1000
        if duration_ms is not None and now > duration_ms:
            problems.append(f"{where}: this line is at {format_clock(now)}, after the run ends "
                            f"({format_clock(duration_ms)}); raise --duration or drop it")
    if problems:
        raise ScriptError(problems)
    return Script(name, tuple(steps))
