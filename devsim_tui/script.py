"""Script files: one command per line, run on a simulated timeline (the README shows one).

``#`` starts a comment; a first line ``scenario NAME`` names the scenario the script is written
for (the one it runs on when none is given); ``wait D`` moves the timeline on; ``at HH:MM:SS`` moves it to that
simulated time; ``expect …`` states what should hold (``devsim_tui.expectations``); any other
line is a command in the ChatOps language. The whole file is checked before anything runs —
every problem reported as ``file:line:col: message`` — so a script never stops half-way through
because of a typo.
"""

from __future__ import annotations

from engine.text_safety import first_control_character

import re
from dataclasses import dataclass
from pathlib import Path

from engine import DurationError, ScenarioSpec, format_clock, parse_duration
from engine.commands import Advance, Rewind

from .chatops import ParseContext, ParseError, parse
from .expectations import Expectation, Vocabulary, parse_expectation, too_early

__all__ = ["Script", "ScriptError", "Step", "builtin_scripts", "declared_scenario", "load_script",
           "resolve_script"]

_AT = re.compile(r"^at\s+(\S+)\s*$", re.I)
_WAIT = re.compile(r"^wait\s+(.+?)\s*$", re.I)
_SCENARIO = re.compile(r"^scenario\s+(\S+)\s*$", re.I)
_EXPECT = re.compile(r"^expect(?:\s|$)", re.I)


@dataclass(frozen=True, slots=True)
class Step:
    line: int
    at_ms: int
    text: str  # the command, or "" for a pure timeline step or an expectation
    expect: Expectation | None = None

    @property
    def end_ms(self) -> int:
        """When the step is over: its time, or the end of its expectation's window."""
        within = self.expect.within_ms if self.expect is not None else None
        return self.at_ms + (within or 0)


@dataclass(frozen=True, slots=True)
class Script:
    path: str
    steps: tuple[Step, ...]
    fork: int = 0  # the steps after the last ``rewind`` (0: none): the timeline that stands
    rewinds_to: tuple[int, ...] = ()  # where its ``rewind`` lines go back to (ms)

    @property
    def end_ms(self) -> int:
        """The last line's time, or the end of the last ``within`` window if that is later
        (after the last ``rewind``: what came before it was undone)."""
        return max((s.end_ms for s in self.steps[self.fork:]), default=0)

    @property
    def expectations(self) -> tuple[Expectation, ...]:
        return tuple(s.expect for s in self.steps if s.expect is not None)


class ScriptError(Exception):
    """Every problem of a script file, one ``file:line:col: message`` per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def builtin_scripts() -> dict[str, Path]:
    """The example scripts shipped with the scenarios, by name (``shopfront-canary``)."""
    from engine.scenario import builtin_dir

    return {p.stem: p for p in sorted((builtin_dir() / "scripts").glob("*.txt"))}


def resolve_script(name_or_path: str | Path) -> Path:
    """A script file, or a shipped script by its name when no such file exists."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = builtin_scripts()
    return shipped.get(path.name.removesuffix(".txt"), path) if path.parent == Path() else path


def declared_scenario(path: str | Path) -> str | None:
    """The scenario a script names on its first line (``scenario ai-platform``), if it does."""
    try:
        text = resolve_script(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # (load_script says why)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            match = _SCENARIO.match(line)
            return match.group(1) if match else None
    return None


def load_script(path: str | Path, spec: ScenarioSpec, duration_ms: int | None = None) -> Script:
    """Read and check a script (a file, or a shipped script's name) against a scenario.

    Raises:
        ScriptError: unreadable file, or lines that do not parse or go back in time.
    """
    name = str(path)
    try:
        text = resolve_script(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        hint = ""
        if isinstance(exc, FileNotFoundError):
            import difflib

            shipped = list(builtin_scripts())
            near = difflib.get_close_matches(Path(name).stem, shipped, n=1)
            hint = (f"; did you mean {near[0]!r}?" if near else
                    f" (shipped scripts: {', '.join(shipped)})" if shipped else "")
        raise ScriptError([f"{name}: cannot read the script: {reason}{hint}"]) from None
    return parse_script(text, spec, name, duration_ms)


def parse_script(text: str, spec: ScenarioSpec, name: str = "<script>",
                 duration_ms: int | None = None) -> Script:
    bad = first_control_character(text)
    if bad is not None:  # a NUL or an escape sequence: not a script someone meant to write
        raise ScriptError([f"{name}:{bad[0]}:{bad[1]}: {bad[2]}"])
    reader = _Reader(spec)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        col = len(line) - len(line.lstrip()) + 1
        line = line.strip()
        if not line:
            continue
        problem = reader.read(line, number, col)
        if problem is not None:
            reader.problems.append((number, f"{name}:{number}:{problem[0]}: {problem[1]}"))
            if reader.stop:
                break
        elif duration_ms is not None and reader.now > duration_ms:
            reader.problems.append((number, f"{name}:{number}:{col}: this line is at "
                                    f"{format_clock(reader.now)}, after the run ends "
                                    f"({format_clock(duration_ms)}); raise --duration or drop it"))
    steps = tuple(reader.steps)
    end = duration_ms if duration_ms is not None else max((s.end_ms for s in steps), default=0)
    for step in steps:  # expectations that cannot mean anything where they stand
        if step.expect is not None and (why := too_early(step.expect, step.at_ms, end)):
            reader.problems.append((step.line, f"{name}:{step.line}:{step.expect.col}: {why}"))
    if reader.problems:
        raise ScriptError([p for _, p in sorted(reader.problems, key=lambda p: p[0])])
    return Script(name, steps, reader.fork, tuple(reader.rewinds_to))


Problem = tuple[int, str]  # column, message


class _Reader:
    """The timeline as the lines are read: where it is, the steps so far, the problems."""

    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        self.lines = 0  # real lines read so far
        self.stop = False  # the rest is not worth reading (the script is for another scenario)
        self.context = ParseContext.for_scenario(spec)
        self.vocabulary = Vocabulary.of(spec)
        self.now = 0
        self.fork = 0
        self.rewinds_to: list[int] = []
        self.steps: list[Step] = []
        self.problems: list[tuple[int, str]] = []

    def read(self, line: str, number: int, col: int) -> Problem | None:
        self.lines += 1
        for pattern, handler in ((_SCENARIO, self._scenario), (_AT, self._at),
                                 (_WAIT, self._wait), (_EXPECT, self._expect)):
            match = pattern.match(line)
            if match is not None:
                return handler(match, line, number, col)
        return self._command(line, number, col)

    def _scenario(self, match: re.Match[str], line: str, number: int, col: int) -> Problem | None:
        name = match.group(1)
        if self.lines > 1:
            return col, "a 'scenario' line names the script's scenario and comes first"
        if name != self.spec.name:  # every other line would be judged by the wrong names
            self.stop = True
            return col, (f"this script is written for scenario {name!r}, and the run is on "
                         f"{self.spec.name!r}: leave --scenario out, or give --scenario {name}")
        return None

    def _at(self, match: re.Match[str], line: str, number: int, col: int) -> Problem | None:
        try:
            target = parse_duration(match.group(1))
        except DurationError as exc:
            return col, f"at: {exc}"
        if target < self.now:
            return col, (f"at {format_clock(target)} is earlier than {format_clock(self.now)}, "
                         "where the script already is")
        self.now = target
        self.steps.append(Step(number, self.now, ""))
        return None

    def _wait(self, match: re.Match[str], line: str, number: int, col: int) -> Problem | None:
        try:
            self.now += parse_duration(match.group(1))
        except DurationError as exc:
            return col, f"wait: {exc}"
        self.steps.append(Step(number, self.now, ""))
        return None

    def _expect(self, match: re.Match[str], line: str, number: int, col: int) -> Problem | None:
        expectation = parse_expectation(line, number, col, self.vocabulary)
        if isinstance(expectation, tuple):
            return expectation
        self.steps.append(Step(number, self.now, "", expectation))
        return None

    def _command(self, line: str, number: int, col: int) -> Problem | None:
        result = parse(line, self.context)
        if isinstance(result, ParseError):
            hint = f" (try: {result.suggestions[0]})" if result.suggestions else ""
            return col, f"{result.message}{hint}"
        back = _rewound(result, self.now)
        if isinstance(back, str):
            return col, back
        self.steps.append(Step(number, self.now, line))
        if isinstance(result, Advance):
            self.now += result.duration * 1000
        if back is not None:  # the timeline goes back with the clock
            self.now, self.fork = back, len(self.steps)
            self.rewinds_to.append(back)
        return None


def _rewound(command: object, now: int) -> int | str | None:
    """Where a ``rewind`` takes the timeline (ms), why it cannot, or None (not a rewind)."""
    if not isinstance(command, Rewind):
        return None
    to = command.to * 1000 if command.to is not None else now - (command.duration or 0) * 1000
    if to < 0:
        return (f"rewind goes back before the start (the script is at {format_clock(now)}); "
                "'rewind to 00:00:00' goes to the start")
    if to > now:
        return (f"rewind to {format_clock(to)} is later than {format_clock(now)}, where the "
                "script already is; 'wait' moves on")
    return to
